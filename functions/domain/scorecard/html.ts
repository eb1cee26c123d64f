/**
 * The scorecard as one accessible HTML page: semantic sections, every figure in a table (with a
 * caption, column and row headers), and each chart, when given, as a labelled image beside the
 * table that holds its figures. No scripts; charts are server-rendered SVG (charts.ts).
 */
import { escapeHtml as e } from '../agreement/text.ts';
import { type ChartSvg, formatCell, scorecardTables, type Table } from './tables.ts';
import type { Scorecard } from './types.ts';

const SECTIONS: Array<{ id: string; title: string; tables: string[] }> = [
  {
    id: 'marketing',
    title: 'Marketing',
    tables: ['marketing-sqls', 'marketing-by-source', 'marketing-by-campaign'],
  },
  { id: 'targets', title: 'The agreement’s targets', tables: ['agreement-targets'] },
  { id: 'sales', title: 'Sales', tables: ['sales-times', 'sales-activity', 'sales-by-rep', 'sales-by-team'] },
  { id: 'funnel-section', title: 'Funnel', tables: ['funnel'] },
  {
    id: 'feedback',
    title: 'Closed loop: what sales tells marketing',
    tables: ['rejection-reasons', 'rejections-by-source', 'rejections-by-campaign', 'topics'],
  },
];

const NUMERIC = new Set(['count', 'number', 'rate', 'minutes', 'hours']);

export function tableHtml(table: Table): string {
  const head = table.columns.map((c) => `<th scope="col">${e(c.label)}</th>`).join('');
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.columns.length}">No data in this period</td></tr>`
      : table.rows
          .map((row) => {
            const cells = row.map((cell, i) => {
              const column = table.columns[i] ?? { kind: 'text' as const, label: '' };
              const text = e(formatCell(cell, column.kind));
              if (i === 0) return `<th scope="row">${text}</th>`;
              return NUMERIC.has(column.kind) ? `<td class="num">${text}</td>` : `<td>${text}</td>`;
            });
            return `<tr>${cells.join('')}</tr>`;
          })
          .join('');
  return `<table id="table-${table.id}"><caption>${e(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The chart as a labelled image: its caption names it and points to the table with its figures. */
function chartHtml(chart: ChartSvg, table: Table | undefined): string {
  const captionId = `chart-${chart.id}-caption`;
  const svg = chart.svg
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/^<svg\b/, `<svg role="img" aria-labelledby="${captionId}" focusable="false"`);
  const where = table ? ` The table “${e(table.caption)}” has the same figures.` : '';
  return `<figure id="chart-${chart.id}">${svg}<figcaption id="${captionId}">${e(chart.title)}.${where}</figcaption></figure>`;
}

export function scorecardHtml(sc: Scorecard, options: { charts?: readonly ChartSvg[] } = {}): string {
  const tables = new Map(scorecardTables(sc).map((t) => [t.id, t]));
  const charts = options.charts ?? [];
  const title = `Scorecard: ${sc.unit.displayName}, ${sc.period.from} to ${sc.period.to}`;
  const p = sc.period;
  const summary = `${p.complete ? 'Complete period' : `As of ${p.today}`}: ${p.businessDaysElapsed} of ${p.businessDays} business days gone (${sc.unit.timezone}). Agreement versions in force: ${p.agreementVersions.join(', ')}. Generated ${p.generatedAt}.`;
  const sections = SECTIONS.map((section) => {
    const parts = section.tables.map((id) => {
      const table = tables.get(id);
      const figures = charts.filter((c) => c.tableId === id).map((c) => chartHtml(c, table));
      return `<div class="block">${figures.join('')}${table ? tableHtml(table) : ''}</div>`;
    });
    return `<section aria-labelledby="${section.id}-title"><h2 id="${section.id}-title">${e(section.title)}</h2>${parts.join('')}</section>`;
  });
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600;padding:.3rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}svg{max-width:100%;height:auto}</style>',
    `</head><body><main><h1>${e(title)}</h1><p>${e(summary)}</p>`,
    ...sections,
    '</main></body></html>',
  ].join('\n');
}
