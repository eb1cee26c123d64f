/**
 * The what-if report as one self-contained HTML page: the comparison tables, three inline SVG
 * bar charts (SLA figures, load per rep, SQLs per month against the commitment) and the
 * assumptions. No scripts, no external assets; every value is escaped.
 */
import { comparisonRows, monthRows, repRows, type WhatIfReport } from './report.ts';

const BASELINE = '#94a3b8';
const PROPOSED = '#0f766e';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Group {
  label: string;
  baseline: number;
  proposed: number;
  /** A reference value drawn as a line over the group (capacity, commitment). */
  mark?: number | null;
}

/** Grouped bars: baseline and proposed per group, with an optional reference mark. */
export function barChart(title: string, groups: Group[]): string {
  const width = 640;
  const height = 220;
  const top = 30;
  const bottom = 40;
  const plot = height - top - bottom;
  const max = Math.max(1, ...groups.flatMap((g) => [g.baseline, g.proposed, g.mark ?? 0]));
  const slot = (width - 40) / Math.max(1, groups.length);
  const bar = Math.min(40, slot / 3);
  const y = (v: number) => top + plot - (v / max) * plot;
  const parts = groups.map((g, i) => {
    const x = 30 + i * slot + slot / 2 - bar;
    const mark =
      g.mark === undefined || g.mark === null
        ? ''
        : `<line x1="${x - 4}" x2="${x + 2 * bar + 4}" y1="${y(g.mark)}" y2="${y(g.mark)}" stroke="#b91c1c" stroke-dasharray="4 2"/>`;
    return [
      `<rect x="${x}" y="${y(g.baseline)}" width="${bar}" height="${top + plot - y(g.baseline)}" fill="${BASELINE}"><title>baseline ${g.baseline}</title></rect>`,
      `<rect x="${x + bar}" y="${y(g.proposed)}" width="${bar}" height="${top + plot - y(g.proposed)}" fill="${PROPOSED}"><title>proposed ${g.proposed}</title></rect>`,
      `<text x="${x + bar}" y="${y(Math.max(g.baseline, g.proposed)) - 4}" text-anchor="middle" font-size="11">${g.baseline} → ${g.proposed}</text>`,
      mark,
      `<text x="${x + bar}" y="${height - bottom + 16}" text-anchor="middle" font-size="12">${escapeHtml(g.label)}</text>`,
    ].join('');
  });
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><line x1="20" x2="${width - 10}" y1="${top + plot}" y2="${top + plot}" stroke="#334155"/>${parts.join('')}</svg></figure>`;
}

function table(header: string[], rows: string[][]): string {
  const cells = (tag: string, row: string[]) => row.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', header)}</tr></thead><tbody>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</tbody></table>`;
}

export function renderHtml(report: WhatIfReport): string {
  const a = report.baseline.metrics;
  const b = report.proposed.metrics;
  const proposedReps = new Map(b.reps.map((r) => [r.repId, r]));
  const proposedMonths = new Map(b.sqlsByMonth.map((m) => [m.month, m]));
  const charts = [
    barChart('SLA: breaches, escalations, reassignments', [
      { label: 'within SLA', baseline: a.firstTouchWithinSla, proposed: b.firstTouchWithinSla },
      { label: 'leads breached', baseline: a.breachedLeads, proposed: b.breachedLeads },
      { label: 'escalations', baseline: a.escalations, proposed: b.escalations },
      { label: 'reassignments', baseline: a.reassignments, proposed: b.reassignments },
    ]),
    barChart(
      'Peak load per rep (dashed: capacity)',
      a.reps.map((r) => ({
        label: r.repId,
        baseline: r.peakLoad,
        proposed: proposedReps.get(r.repId)?.peakLoad ?? 0,
        mark: r.capacity,
      })),
    ),
    barChart(
      "SQLs per month (dashed: marketing's commitment)",
      a.sqlsByMonth.map((m) => ({
        label: m.month,
        baseline: m.delivered,
        proposed: proposedMonths.get(m.month)?.delivered ?? 0,
        mark: proposedMonths.get(m.month)?.committed ?? m.committed,
      })),
    ),
  ];
  const { history } = report;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What-if: ${escapeHtml(report.unit)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#0f172a}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.25rem .75rem;border-bottom:1px solid #e2e8f0;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:1.5rem 0}figcaption{font-weight:600}
.key span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}
</style></head><body>
<h1>What-if: unit ${escapeHtml(report.unit)}</h1>
<p>${history.leads} leads from ${escapeHtml(history.from.slice(0, 10))} to ${escapeHtml(history.to.slice(0, 10))} (seed ${history.seed}).</p>
<p class="key"><span style="background:${BASELINE}"></span>baseline: ${escapeHtml(report.baseline.label)}<span style="background:${PROPOSED}"></span>proposed: ${escapeHtml(report.proposed.label)}</p>
${table(['', 'baseline', 'proposed', 'change'], comparisonRows(report))}
${charts.join('\n')}
<h2>Reps</h2>
${table(['rep', 'hand-offs', 'peak load/capacity', 'capacity hits'], repRows(report))}
<h2>SQLs against the commitment</h2>
${table(['month', 'SQLs baseline', 'SQLs proposed', 'committed'], monthRows(report))}
<h2>Assumptions</h2>
<ul>${report.assumptions.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>
</body></html>
`;
}
