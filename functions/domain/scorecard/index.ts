/**
 * The scorecard: the metrics projection, the scorecard itself, its renderings (CSV, HTML), pace
 * alerts and the weekly digest. The charts (server-side SVG) are a separate module:
 * import them from './charts.ts'.
 */
export { digestRecipients, type PaceAlert, paceAlerts, recipientsFor } from './alerts.ts';
export { csvField, scorecardCsv } from './csv.ts';
export { type Digest, digestPeriod, digestSchedule, weeklyDigest } from './digest.ts';
export type { Attribution, LeadTouchedData, OwnerRef, ProjectedEvent, ProjectedEventName } from './events.ts';
export {
  agreedReasons,
  anonymizeFacts,
  emptyFacts,
  type FirstTouchFacts,
  type HandoffFacts,
  type LeadFacts,
  NONE,
  normalizeReason,
  OTHER_REASON,
} from './facts.ts';
export { scorecardHtml, tableHtml } from './html.ts';
export {
  addIncrements,
  type CounterIncrement,
  type CounterKey,
  type CounterRow,
  countersFor,
  DIMENSIONS,
  type Dimension,
  groupIncrements,
  type Projection,
} from './projection.ts';
export { funnelCounts, type ScorecardInput, scorecard } from './scorecard.ts';
export { percentile, type Times } from './stats.ts';
export { type Cell, type ChartSvg, type Column, formatCell, scorecardTables, type Table } from './tables.ts';
export type * from './types.ts';
