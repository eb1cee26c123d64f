/**
 * The scorecard as tables: the one layout CSV, HTML, the charts and the digest all read, so
 * every rendering shows the same figures. The first column of each table names its row.
 */
import type { OwnerRow, PaceFigure, Scorecard, TargetFigure, Times } from './types.ts';

export type ColumnKind = 'text' | 'count' | 'number' | 'rate' | 'minutes' | 'hours' | 'flag';
export type Cell = string | number | boolean | null;

export interface Column {
  label: string;
  kind: ColumnKind;
}

export interface Table {
  id: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
}

const col = (label: string, kind: ColumnKind): Column => ({ label, kind });

function paceRow(label: string, p: PaceFigure): Cell[] {
  return [label, p.delivered, p.expectedSoFar, p.commitment, p.pace, p.projected, p.status];
}

function targetRows(measure: string, f: TargetFigure): Cell[][] {
  return [
    ...f.byVersion.map((v) => [measure, v.version, v.judged, v.within, v.rate, v.target, v.met]),
    [measure, 'all', f.judged, f.within, f.rate, f.target, f.met],
  ];
}

const timesCells = (t: Times): Cell[] => [t.count, t.p50, t.p90];

function ownerTable(id: string, caption: string, first: string, rows: OwnerRow[], withTeam: boolean): Table {
  return {
    id,
    caption,
    columns: [
      col(first, 'text'),
      ...(withTeam ? [col('Team', 'text')] : []),
      col('Assigned', 'count'),
      col('Judged for first touch', 'count'),
      col('Touched within SLA', 'count'),
      col('Within SLA', 'rate'),
      col('First touches made', 'count'),
      col('First touch p50 (business min)', 'minutes'),
      col('First touch p90 (business min)', 'minutes'),
      col('Reminders', 'count'),
      col('Breaches', 'count'),
      col('Escalations', 'count'),
      col('Reassigned away', 'count'),
      col('Accepted', 'count'),
      col('Rejected', 'count'),
      col('Won', 'count'),
      col('Lost', 'count'),
    ],
    rows: rows.map((r) => [
      r.name ?? r.id,
      ...(withTeam ? [r.teamId] : []),
      r.assigned,
      r.judged,
      r.withinSla,
      r.withinSlaRate,
      r.firstTouches,
      r.firstTouchMinutes.p50,
      r.firstTouchMinutes.p90,
      r.reminders,
      r.breaches,
      r.escalations,
      r.reassignedAway,
      r.accepted,
      r.rejected,
      r.won,
      r.lost,
    ]),
  };
}

const attributionColumns = (first: string) => [
  col(first, 'text'),
  col('Leads', 'count'),
  col('MQLs', 'count'),
  col('SQLs', 'count'),
  col('Accepted', 'count'),
  col('Rejected', 'count'),
  col('Acceptance rate', 'rate'),
];

export function scorecardTables(sc: Scorecard): Table[] {
  const m = sc.marketing;
  const s = sc.sales;
  const a = s.activity;
  return [
    {
      id: 'marketing-sqls',
      caption: 'SQLs delivered against the commitment',
      columns: [
        col('Commitment', 'text'),
        col('Delivered', 'count'),
        col('Expected so far', 'number'),
        col('Committed for the period', 'number'),
        col('Pace', 'rate'),
        col('Projected at period end', 'number'),
        col('Status', 'text'),
      ],
      rows: [paceRow('All SQLs', m.sqls), ...m.bySegment.map((p) => paceRow(`Segment ${p.segment}`, p))],
    },
    {
      id: 'agreement-targets',
      caption: 'Targets, each hand-off judged by the agreement version in force when it was handed off',
      columns: [
        col('Measure', 'text'),
        col('Agreement version', 'text'),
        col('Judged', 'count'),
        col('Met the bar', 'count'),
        col('Rate', 'rate'),
        col('Target', 'rate'),
        col('Target met', 'flag'),
      ],
      rows: [
        ...targetRows('SQLs accepted (marketing quality bar)', m.quality),
        ...targetRows('First touch within SLA (sales)', s.firstTouch),
        ...targetRows('Accepted or rejected within the window (sales)', s.decision),
      ],
    },
    {
      id: 'marketing-by-source',
      caption: 'Leads and acceptance by source',
      columns: attributionColumns('Source'),
      rows: m.bySource.map((r) => [
        r.value,
        r.leads,
        r.mqls,
        r.sqls,
        r.accepted,
        r.rejected,
        r.acceptanceRate,
      ]),
    },
    {
      id: 'marketing-by-campaign',
      caption: 'Leads and acceptance by campaign',
      columns: attributionColumns('Campaign'),
      rows: m.byCampaign.map((r) => [
        r.value,
        r.leads,
        r.mqls,
        r.sqls,
        r.accepted,
        r.rejected,
        r.acceptanceRate,
      ]),
    },
    {
      id: 'sales-times',
      caption: 'How long sales took (business minutes)',
      columns: [col('Measure', 'text'), col('Count', 'count'), col('p50', 'minutes'), col('p90', 'minutes')],
      rows: [
        ['Hand-off to first touch', ...timesCells(s.firstTouch.minutes)],
        ['First touch to accept or reject', ...timesCells(s.decision.minutes)],
        ['Accepted to outcome', ...timesCells(s.outcome.minutes)],
      ],
    },
    {
      id: 'sales-activity',
      caption: 'What the SLA ladder and sales did',
      columns: [col('Measure', 'text'), col('Value', 'number')],
      rows: [
        ['Hand-offs', a.handoffs],
        ['Assignments (with reassignments)', a.assigned],
        ['Reminders', a.reminders],
        ['Breaches', a.breaches],
        ['Escalations', a.escalations],
        ['Reassignments', a.reassignments],
        ['Touch attempts', a.touches],
        ['Touch attempts per touched hand-off', s.touchAttemptsPerLead],
        ['Accepted', a.accepted],
        ['Rejected', a.rejected],
        ['Won', a.won],
        ['Lost', a.lost],
      ],
    },
    ownerTable('sales-by-rep', 'Sales by rep', 'Rep', s.byRep, true),
    ownerTable('sales-by-team', 'Sales by team', 'Team', s.byTeam, false),
    {
      id: 'funnel',
      caption: 'Funnel: lead to won',
      columns: [
        col('Stage', 'text'),
        col('Count', 'count'),
        col('Conversion from previous stage', 'rate'),
        col('Hours from previous stage, p50', 'hours'),
        col('Hours from previous stage, p90', 'hours'),
      ],
      rows: sc.funnel.stages.map((st) => [
        st.stage,
        st.count,
        st.conversionFromPrevious,
        st.hoursFromPrevious?.p50 ?? null,
        st.hoursFromPrevious?.p90 ?? null,
      ]),
    },
    {
      id: 'rejection-reasons',
      caption: 'Why sales rejected SQLs',
      columns: [col('Reason', 'text'), col('Rejections', 'count'), col('Share', 'rate')],
      rows: sc.feedback.rejectionReasons.map((r) => [r.label, r.count, r.share]),
    },
    {
      id: 'rejections-by-source',
      caption: 'Rejection reasons by source',
      columns: [col('Source', 'text'), col('Reason', 'text'), col('Rejections', 'count')],
      rows: sc.feedback.rejectionsBySource.map((r) => [r.source, r.reason, r.count]),
    },
    {
      id: 'rejections-by-campaign',
      caption: 'Rejection reasons by campaign',
      columns: [col('Campaign', 'text'), col('Reason', 'text'), col('Rejections', 'count')],
      rows: sc.feedback.rejectionsByCampaign.map((r) => [r.campaign, r.reason, r.count]),
    },
    {
      id: 'topics',
      caption: 'What leads asked sales about',
      columns: [col('Topic', 'text'), col('Leads', 'count'), col('Share', 'rate')],
      rows: sc.feedback.topics.map((t) => [t.label, t.count, t.share]),
    },
  ];
}

/** A chart rendered to SVG, and the table that holds the same figures. */
export interface ChartSvg {
  id: string;
  tableId: string;
  title: string;
  svg: string;
}

/**
 * A cell as people read it, with the very figure the JSON holds: a share as a percentage
 * (0.2581 → 25.81%), other numbers as they are, n/a for no data.
 */
export function formatCell(cell: Cell, kind: ColumnKind): string {
  if (cell === null) return 'n/a';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (typeof cell === 'string') return cell;
  if (kind === 'rate') return `${Math.round(cell * 1_000_000) / 10_000}%`;
  return String(cell);
}
