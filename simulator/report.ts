/**
 * The what-if report: the baseline and the proposed agreement side by side, as a terminal
 * table and as JSON (the HTML rendering is in report-html.ts). Pure.
 */
import type { AgreementMetrics } from './metrics.ts';

export interface WhatIfReport {
  unit: string;
  history: { seed: number; leads: number; from: string; to: string };
  baseline: { label: string; metrics: AgreementMetrics };
  proposed: { label: string; metrics: AgreementMetrics };
  assumptions: string[];
}

export const ASSUMPTIONS = [
  'A rep answers as their history shows (response-time spread in business minutes of their own calendar, miss rate), whatever lead they get and however many they hold.',
  "Sales' verdict on a lead (accept or reject) and its result (won or lost, so many days after acceptance) are the history's, whoever works it.",
  'Marketing engagement reaches a lead on the same days after its arrival under either agreement.',
  'Leads put in the fallback queue are not worked: nobody touches them in the simulation.',
  'Leads arrive as an API integration posts them: no spam screening or rate limits apply.',
  'Mails are counted, not delivered; nobody acts on their links.',
  'Time to first touch runs in business minutes of the unit calendar, from the first hand-off to the first touch.',
  'The lifecycle keeps running for the horizon after the period; nothing after that is counted.',
  'SQLs count in the local month they qualified, against the commitment in force on its first day.',
];

type Row = [label: string, baseline: string, proposed: string, change: string];

const fmt = (n: number | null, unit = '') =>
  n === null ? '-' : `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`;
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;
function delta(a: number | null, b: number | null, unit = ''): string {
  if (a === null || b === null) return '';
  const d = b - a;
  if (d === 0) return '=';
  return `${d > 0 ? '+' : ''}${Number.isInteger(d) ? d : d.toFixed(1)}${unit}`;
}

/** The comparison as rows: [figure, baseline, proposed, change]. */
export function comparisonRows(report: WhatIfReport): Row[] {
  const a = report.baseline.metrics;
  const b = report.proposed.metrics;
  const count = (label: string, pick: (m: AgreementMetrics) => number | null, unit = ''): Row => [
    label,
    fmt(pick(a), unit),
    fmt(pick(b), unit),
    delta(pick(a), pick(b), unit),
  ];
  const committed = (m: AgreementMetrics) =>
    m.sqlsByMonth.reduce((sum, month) => sum + (month.committed ?? 0), 0);
  const deliveredInPeriod = (m: AgreementMetrics) =>
    m.sqlsByMonth.reduce((sum, month) => sum + month.delivered, 0);
  return [
    count('Leads', (m) => m.leads),
    count('SQLs (whole run)', (m) => m.sqls),
    [
      'SQLs in period / committed',
      `${deliveredInPeriod(a)} / ${committed(a)}`,
      `${deliveredInPeriod(b)} / ${committed(b)}`,
      delta(deliveredInPeriod(a), deliveredInPeriod(b)),
    ],
    count('Handed off', (m) => m.handedOff),
    [
      'First touch within SLA',
      `${a.firstTouchWithinSla} (${pct(a.firstTouchWithinSlaRate)})`,
      `${b.firstTouchWithinSla} (${pct(b.firstTouchWithinSlaRate)})`,
      delta(a.firstTouchWithinSla, b.firstTouchWithinSla),
    ],
    count('Leads breached', (m) => m.breachedLeads),
    count('Breaches', (m) => m.breaches),
    count('Escalations', (m) => m.escalations),
    count('Reassignments', (m) => m.reassignments),
    count('To the fallback queue', (m) => m.toFallbackQueue),
    count('Time to first touch p50', (m) => m.timeToFirstTouch.p50, ' min'),
    count('Time to first touch p90', (m) => m.timeToFirstTouch.p90, ' min'),
    count('Accepted', (m) => m.accepted),
    count('Rejected', (m) => m.rejected),
    count('Won', (m) => m.won),
    count('Emails sent', (m) => m.emailsSent),
    count('Failed executions', (m) => m.failedExecutions),
  ];
}

/** Per rep: hand-offs, peak load against capacity, and capacity hits, baseline → proposed. */
export function repRows(report: WhatIfReport): string[][] {
  const proposed = new Map(report.proposed.metrics.reps.map((r) => [r.repId, r]));
  return report.baseline.metrics.reps.map((a) => {
    const b = proposed.get(a.repId);
    return [
      a.repId,
      `${a.assigned} → ${b?.assigned ?? '-'}`,
      `${a.peakLoad}/${a.capacity} → ${b ? `${b.peakLoad}/${b.capacity}` : '-'}`,
      `${a.capacityHits} → ${b?.capacityHits ?? '-'}`,
    ];
  });
}

export function monthRows(report: WhatIfReport): string[][] {
  const proposed = new Map(report.proposed.metrics.sqlsByMonth.map((m) => [m.month, m]));
  return report.baseline.metrics.sqlsByMonth.map((a) => {
    const b = proposed.get(a.month);
    return [a.month, `${a.delivered}`, `${b?.delivered ?? '-'}`, `${b?.committed ?? a.committed ?? '-'}`];
  });
}

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderText(report: WhatIfReport): string {
  const { history } = report;
  return [
    `What-if: unit ${report.unit}, ${history.leads} leads from ${history.from.slice(0, 10)} to ${history.to.slice(0, 10)} (seed ${history.seed})`,
    `baseline: ${report.baseline.label}`,
    `proposed: ${report.proposed.label}`,
    '',
    renderTable(['', 'baseline', 'proposed', 'change'], comparisonRows(report)),
    '',
    renderTable(['rep', 'hand-offs', 'peak load/capacity', 'capacity hits'], repRows(report)),
    '',
    renderTable(['month', 'SQLs baseline', 'SQLs proposed', 'committed'], monthRows(report)),
    '',
    'Assumptions:',
    ...report.assumptions.map((a) => `- ${a}`),
  ].join('\n');
}

/** A one-line progress bar for a terminal (rewritten in place with \r). */
export function progressBar(label: string, done: number, total: number, width = 30): string {
  const share = total ? done / total : 1;
  const filled = Math.round(share * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
