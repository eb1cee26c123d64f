import { describe, expect, it } from 'vitest';
import { barChart, charts } from '../../functions/domain/scorecard/charts.ts';
import { csvField, scorecardCsv } from '../../functions/domain/scorecard/csv.ts';
import { scorecardHtml } from '../../functions/domain/scorecard/html.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import { scorecardTables, type Table } from '../../functions/domain/scorecard/tables.ts';
import { event, project, SEED_EVENTS, SEED_NOW, seedConfig, withoutAgreedReasons } from './scorecard-seed.ts';

const config = seedConfig();
const march = { from: '2027-03-01', to: '2027-03-31' };
const { counters, facts } = project(SEED_EVENTS, config);
const card = scorecard({ counters, leadFacts: [...facts.values()], period: march, now: SEED_NOW, config });

/** A scorecard whose rejection reason and campaign come from outside and need escaping. */
function hostileCard() {
  const unit = withoutAgreedReasons();
  const anna = { repId: 'anna', teamId: 'dach' };
  const hostile = project(
    [
      event('LeadCaptured', 'ld_x', '2027-03-02T08:00:00Z', {
        resubmission: false,
        utm: { source: 'news,letter', campaign: '<script>alert(1)</script>' },
      }),
      event('LeadQualified', 'ld_x', '2027-03-02T08:00:00Z', { reasons: [] }),
      event('LeadAssigned', 'ld_x', '2027-03-02T08:00:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-02T09:00:00Z',
      }),
      event('LeadRejected', 'ld_x', '2027-03-02T08:30:00Z', {
        owner: anna,
        reason: '=HYPERLINK("http://x") "quoted"',
      }),
    ],
    unit,
  );
  return scorecard({
    counters: hostile.counters,
    leadFacts: [...hostile.facts.values()],
    period: march,
    now: SEED_NOW,
    config: unit,
  });
}

describe('CSV', () => {
  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('line\nfeed')).toBe('"line\nfeed"');
  });

  it('has one section per table: caption, header, rows, an empty line; CRLF throughout', () => {
    const csv = scorecardCsv(card);
    const sections = csv.split('\r\n\r\n').filter((s) => s !== '');
    expect(sections).toHaveLength(scorecardTables(card).length);
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
    expect(sections[0]?.split('\r\n')).toEqual([
      '"SQLs delivered against the commitment (demo, 2027-03-01 to 2027-03-31)"',
      'Commitment,Delivered,Expected so far,Committed for the period,Pace,Projected at period end,Status',
      'All SQLs,7,27.13,59,0.2581,15.23,behind',
      'Segment dach,4,12.38,23,0.3232,7.43,behind',
      'Segment (other),3,0,0,,,',
    ]);
    expect(csv).toContain('\r\nFirst touch within SLA (sales),2027-03-15,2,1,0.5,0.9,false\r\n');
    expect(csv).toContain('\r\nAnna Becker,dach,2,2,2,1,2,20,30,0,0,0,0,2,0,1,0\r\n');
  });

  it('quotes text from outside and keeps a spreadsheet from running it as a formula', () => {
    const csv = scorecardCsv(hostileCard());
    expect(csv).toContain('\r\n"\'=hyperlink(""http://x"") ""quoted""",1,1\r\n');
    expect(csv).toContain('\r\n"news,letter","\'=hyperlink(""http://x"") ""quoted""",1\r\n');
  });
});

/** Two series over three rows, one row without a figure in the first series. */
const figures: Table = {
  id: 'figures',
  caption: 'Figures',
  columns: [
    { label: 'Name', kind: 'text' },
    { label: 'Budget', kind: 'count' },
    { label: 'Spent', kind: 'number' },
  ],
  rows: [
    ['<b>Tom & "Jerry"', 10, 5],
    ['A very long reason '.repeat(3), null, 2.5],
    ['Third', 2.5, 40],
  ],
};

/** The bars of a chart with their figure and size. */
function bars(svg: string): Array<{ value: number; y: number; width: number; height: number }> {
  return [
    ...svg.matchAll(
      /<rect class="bar" x="[^"]+" y="([^"]+)" width="([^"]+)" height="([^"]+)"[^>]* data-value="([^"]+)"/g,
    ),
  ].map(([, y, width, height, value]) => ({
    value: Number(value),
    y: Number(y),
    width: Number(width),
    height: Number(height),
  }));
}

describe('HTML', () => {
  const chartList = charts(card);
  const html = scorecardHtml(card, { charts: chartList });

  it('draws server-side SVG charts, each from a table', () => {
    expect(chartList.map((c) => [c.id, c.tableId])).toEqual([
      ['sqls', 'marketing-sqls'],
      ['funnel', 'funnel'],
      ['first-touch-by-rep', 'sales-by-rep'],
      ['rejection-reasons', 'rejection-reasons'],
    ]);
    for (const chart of chartList)
      expect(chart.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // The SQL chart carries the table's figures.
    expect(chartList[0]?.svg).toContain('>27.13<');
  });

  it('draws each bar as long as its figure, on one scale per chart, and skips a gap', () => {
    const vertical = bars(barChart(figures, [1, 2]));
    expect(vertical.map((b) => b.value)).toEqual([10, 5, 2.5, 2.5, 40]);
    expect(vertical.every((b) => b.width === vertical[0]?.width)).toBe(true);
    for (const b of vertical) expect(b.height / b.value).toBeCloseTo(240 / 40, 6);
    const horizontal = bars(barChart(figures, [1], true));
    expect(horizontal.map((b) => b.value)).toEqual([10, 2.5]);
    for (const b of horizontal) expect(b.width / b.value).toBeCloseTo(420 / 10, 6);
    // Rows run top to bottom, in the table's order.
    expect(horizontal[0]?.y).toBeLessThan(horizontal[1]?.y ?? 0);
  });

  it('labels every row and value, escaped, with the full name when it is shortened', () => {
    const svg = barChart(figures, [1, 2], true);
    expect(svg).toContain('>&lt;b&gt;Tom &amp; &quot;Jerry&quot;<');
    expect(svg).toContain('>2.5<');
    expect(svg).toContain('>Budget<');
    expect(svg).toContain(`<title>${'A very long reason '.repeat(3)}</title>A very long reason A ve…<`);
    expect(svg).not.toMatch(/<b>|<script/);
    // The page's chart of hostile rejection reasons is escaped too.
    const hostile = charts(hostileCard()).find((c) => c.id === 'rejection-reasons');
    expect(hostile?.svg).toContain('=hyperlink(&quot;http://x&quot;) &quot;quoted&quot;');
  });

  it('renders the same SVG for the same scorecard', () => {
    expect(charts(card)).toEqual(charts(card));
  });

  it('has a table for every chart, beside it, and labels each chart', () => {
    for (const chart of chartList) {
      const figure = html.indexOf(`<figure id="chart-${chart.id}">`);
      const table = html.indexOf(`<table id="table-${chart.tableId}">`);
      expect(figure).toBeGreaterThan(-1);
      expect(table).toBeGreaterThan(figure);
      expect(html.slice(figure, table)).not.toContain('<table');
      expect(html).toContain(`<svg role="img" aria-labelledby="chart-${chart.id}-caption"`);
      expect(html).toContain(`<figcaption id="chart-${chart.id}-caption">${chart.title}.`);
    }
  });

  it('is semantic and script-free: captions, column and row headers, a language', () => {
    const tables = scorecardTables(card);
    expect(html.match(/<table /g)).toHaveLength(tables.length);
    expect(html.match(/<caption>/g)).toHaveLength(tables.length);
    for (const t of tables)
      expect(html).toContain(`<table id="table-${t.id}"><caption>${t.caption}</caption>`);
    expect(html).toContain('<th scope="col">Delivered</th>');
    expect(html).toContain(
      '<tr><th scope="row">All SQLs</th><td class="num">7</td><td class="num">27.13</td>',
    );
    expect(html).toContain('<td class="num">25.81%</td>');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+="/i);
  });

  it('escapes text from outside, in tables and charts', () => {
    const hostile = hostileCard();
    const page = scorecardHtml(hostile, { charts: charts(hostile) });
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('=hyperlink(&quot;http://x&quot;) &quot;quoted&quot;');
  });

  it('says so when a table has no rows, and draws no chart for it', () => {
    const empty = scorecard({ counters: [], leadFacts: [], period: march, now: SEED_NOW, config });
    const list = charts(empty);
    expect(list.map((c) => c.id)).toEqual(['sqls', 'funnel']);
    expect(scorecardHtml(empty, { charts: list })).toContain(
      '<table id="table-rejection-reasons"><caption>Why sales rejected SQLs</caption><thead><tr><th scope="col">Reason</th><th scope="col">Rejections</th><th scope="col">Share</th></tr></thead><tbody><tr><td colspan="3">No data in this period</td></tr></tbody></table>',
    );
  });
});
