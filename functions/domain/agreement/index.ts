/** The two-sided agreement: versions in force, the plain-words document, the planning calculator. */
export { agreementConfigSchema } from './config.ts';
export { type Instant, isoWeek, localDate } from './dates.ts';
export {
  ceilCount,
  type FunnelCounts,
  type FunnelPlan,
  type MeasuredFunnel,
  type Measurement,
  measuredFromCounts,
  PLAN_RATES,
  PlanError,
  type PlanFigure,
  type PlanInput,
  type PlanRateName,
  parsePlanPeriod,
  planForUnit,
  planFunnel,
  planText,
} from './plan.ts';
export {
  type AgreementDocument,
  type AgreementHistoryEntry,
  type AgreementSection,
  type Audience,
  renderAgreement,
} from './render.ts';
export {
  agreementInForce,
  nextVersion,
  OTHER_SEGMENT,
  segmentFor,
  segmentIds,
  versionOn,
} from './versions.ts';
