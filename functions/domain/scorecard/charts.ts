/**
 * Optional charts for the scorecard page: bar charts rendered on the server to SVG strings (no
 * browser, no scripts). Each chart is drawn from one of the scorecard's tables and names it, so the
 * page shows the figures as a table beside every chart.
 */
// Hand-written rather than ECharts: the library doubled the reports Lambda's cold start for a few bar charts.
import { escapeHtml as e } from '../agreement/text.ts';
import { type ChartSvg, formatCell, scorecardTables, type Table } from './tables.ts';
import type { Scorecard } from './types.ts';

const WIDTH = 640;
const HEIGHT = 320;
/** Colours that stay apart for the common colour-vision deficiencies (Okabe-Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9'];
/** A rough average glyph width of a 12px sans-serif font, to keep labels inside their room. */
const CHAR_WIDTH = 7;
const TICKS = 5;

/** Two decimals at most, so the same input always gives the same, short SVG. */
const px = (n: number): string => String(Math.round(n * 100) / 100);

function shorten(text: string, room: number): string {
  const chars = Math.max(1, Math.floor(room / CHAR_WIDTH));
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/** A label, with the full text as a tooltip when it had to be shortened. */
function label(text: string, room: number, attributes: string): string {
  const shown = shorten(text, room);
  const title = shown === text ? '' : `<title>${e(text)}</title>`;
  return `<text ${attributes}>${title}${e(shown)}</text>`;
}

/** Round tick steps (1, 2, 5 × 10ⁿ, never below 1) from 0 or the lowest value to past the highest. */
function valueScale(values: number[]): { low: number; high: number; step: number } {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const rough = Math.max(1, (high - low) / TICKS);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  return {
    low: Math.floor(low / step) * step,
    high: Math.max(step, Math.ceil(high / step) * step),
    step,
  };
}

interface Series {
  name: string;
  colour: string;
  /** One figure per row; no data stays a gap (drawn as nothing, not as 0). */
  values: Array<number | null>;
  texts: string[];
}

function seriesOf(table: Table, columns: number[]): Series[] {
  return columns.map((c, i) => {
    const column = table.columns[c] ?? { label: '', kind: 'number' as const };
    const cells = table.rows.map((row) => row[c] ?? null);
    return {
      name: column.label,
      colour: PALETTE[i % PALETTE.length] ?? '#000',
      values: cells.map((cell) => (typeof cell === 'number' ? cell : null)),
      texts: cells.map((cell) => formatCell(cell, column.kind)),
    };
  });
}

function legend(series: Series[], x: number): string {
  let at = x;
  const items = series.map((s) => {
    const item = `<rect x="${px(at)}" y="8" width="12" height="12" fill="${s.colour}"/><text x="${px(at + 16)}" y="18">${e(s.name)}</text>`;
    at += 16 + s.name.length * CHAR_WIDTH + 28;
    return item;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

const PLOT = { top: 40, bottom: 40 };

/**
 * Grouped bars, one group per table row (named by its first column), one bar per column given;
 * vertical by default, horizontal (rows top to bottom) for long row names.
 */
export function barChart(table: Table, columns: number[], horizontal = false): string {
  const series = seriesOf(table, columns);
  const names = table.rows.map((row) => String(row[0]));
  const height = horizontal ? Math.max(HEIGHT, 60 + 28 * names.length) : HEIGHT;
  const left = horizontal ? 180 : 50;
  const right = WIDTH - (horizontal ? 40 : 20);
  const top = PLOT.top;
  const bottom = height - PLOT.bottom;
  const scale = valueScale(series.flatMap((s) => s.values.filter((v) => v !== null)));
  // Along the value axis: a figure's distance from the left (horizontal) or the bottom (vertical).
  const valueSpan = horizontal ? right - left : bottom - top;
  const along = (v: number): number => ((v - scale.low) / (scale.high - scale.low)) * valueSpan;
  const band = (horizontal ? bottom - top : right - left) / Math.max(1, names.length);
  // Bars share 60% of their row's band, but stay slim when there are few rows.
  const barSize = Math.min(40, (band * 0.6) / Math.max(1, series.length));
  const groupGap = (band - barSize * series.length) / 2;

  const parts: string[] = [];
  for (let tick = scale.low; tick <= scale.high + scale.step / 2; tick += scale.step) {
    const t = px(tick);
    if (horizontal) {
      const x = px(left + along(tick));
      parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
      parts.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle">${t}</text>`);
    } else {
      const y = px(bottom - along(tick));
      parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${t}</text>`);
    }
  }
  names.forEach((name, row) => {
    const start = (horizontal ? top : left) + row * band;
    const centre = px(start + band / 2);
    parts.push(
      horizontal
        ? label(name, left - 12, `x="${left - 8}" y="${centre}" text-anchor="end" dominant-baseline="middle"`)
        : label(name, band - 4, `x="${centre}" y="${bottom + 16}" text-anchor="middle"`),
    );
    series.forEach((s, i) => {
      const value = s.values[row];
      if (value === null || value === undefined) return;
      const offset = px(start + groupGap + i * barSize);
      const zero = along(0);
      const end = along(value);
      const length = px(Math.abs(end - zero));
      const text = e(s.texts[row] ?? '');
      if (horizontal) {
        const x = left + Math.min(zero, end);
        const y = start + groupGap + (i + 0.5) * barSize;
        parts.push(
          `<rect class="bar" x="${px(x)}" y="${offset}" width="${length}" height="${px(barSize)}" fill="${s.colour}" data-value="${value}"/>`,
          `<text x="${px(left + Math.max(zero, end) + 4)}" y="${px(y)}" dominant-baseline="middle">${text}</text>`,
        );
      } else {
        const y = bottom - Math.max(zero, end);
        const x = start + groupGap + (i + 0.5) * barSize;
        parts.push(
          `<rect class="bar" x="${offset}" y="${px(y)}" width="${px(barSize)}" height="${length}" fill="${s.colour}" data-value="${value}"/>`,
          `<text x="${px(x)}" y="${px(y - 4)}" text-anchor="middle">${text}</text>`,
        );
      }
    });
  });
  const axis = horizontal
    ? `<line x1="${px(left + along(0))}" y1="${top}" x2="${px(left + along(0))}" y2="${bottom}" stroke="#666"/>`
    : `<line x1="${left}" y1="${px(bottom - along(0))}" x2="${right}" y2="${px(bottom - along(0))}" stroke="#666"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" fill="#1a1a1a">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    legend(series, left),
    ...parts,
    axis,
    '</svg>',
  ].join('');
}

const CHARTS: Array<{ id: string; tableId: string; title: string; columns: number[]; horizontal?: boolean }> =
  [
    {
      id: 'sqls',
      tableId: 'marketing-sqls',
      title: 'SQLs delivered, expected so far and committed',
      columns: [1, 2, 3],
    },
    {
      id: 'funnel',
      tableId: 'funnel',
      title: 'Leads, MQLs, SQLs, accepted and won in the period',
      columns: [1],
    },
    {
      id: 'first-touch-by-rep',
      tableId: 'sales-by-rep',
      title: 'Business minutes to first touch by rep, p50 and p90',
      columns: [7, 8],
    },
    {
      id: 'rejection-reasons',
      tableId: 'rejection-reasons',
      title: 'Why sales rejected SQLs',
      columns: [1],
      horizontal: true,
    },
  ];

/** SVG charts for the scorecard; a chart whose table has no rows is left out. */
export function charts(sc: Scorecard): ChartSvg[] {
  const tables = new Map(scorecardTables(sc).map((t) => [t.id, t]));
  return CHARTS.flatMap((spec) => {
    const table = tables.get(spec.tableId);
    if (!table || table.rows.length === 0) return [];
    return [
      {
        id: spec.id,
        tableId: spec.tableId,
        title: spec.title,
        svg: barChart(table, spec.columns, spec.horizontal),
      },
    ];
  });
}
