/**
 * The Athena named queries over the event archive that reproduce the scorecard's headline
 * figures (docs/scorecard.md, "Event archive"). One SQL text per query, in Athena's dialect
 * (Trino); the CDK stack saves it as a named query and test/e2e/event-archive-duckdb.test.ts
 * runs the same text with DuckDB.
 *
 * Every query takes two parameters, the first and last local day of the period (`?`, as Athena's
 * parameterized queries and DuckDB's prepared statements both take them), and judges and counts
 * as the scorecard does: local days in the unit's time zone, a hand-off from one LeadQualified to
 * the next, each event once (by its eventId), rejection reasons ranked under the agreed ones.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';

export interface ArchiveQuery {
  /** Stable id (the named query's construct id and the test's handle). */
  id:
    | 'sqls-delivered'
    | 'first-touch-within-sla'
    | 'time-to-first-touch'
    | 'acceptance-rate'
    | 'rejections-by-source';
  name: string;
  description: string;
  sql: string;
}

export type ArchiveQueryConfig = Pick<BusinessUnitConfig, 'name' | 'timezone' | 'sla'>;

/** Glue names: lower case, digits and underscores only. */
export const glueName = (text: string): string => text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
export const archiveDatabaseName = (unit: string): string => glueName(`leadflow_${unit}`);
export const ARCHIVE_TABLE_NAME = 'lifecycle_events';

/** How far before the period the queries read partitions: the lead's capture gives its source. */
export const CAPTURE_LOOKBACK_DAYS = 400;

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** normalizeLabel (functions/domain/scorecard/facts.ts) in SQL; NULL for nothing. */
const label = (column: string): string =>
  `nullif(substr(lower(regexp_replace(trim(${column}), '\\s+', ' ')), 1, 60), '')`;

/** normalizeReason: the agreed reason the text is (or starts with, before a colon), else Other. */
function reason(column: string, agreed: readonly string[]): string {
  const squashed = `lower(regexp_replace(trim(${column}), '\\s+', ' '))`;
  if (agreed.length === 0) return `coalesce(${label(column)}, 'Other')`;
  const squash = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  const whens = agreed.map(
    (r) =>
      `    WHEN ${squashed} = ${literal(squash(r))} OR starts_with(${squashed}, ${literal(`${squash(r)}:`)}) THEN ${literal(r.trim())}`,
  );
  return `CASE\n${whens.join('\n')}\n    ELSE 'Other'\n  END`;
}

/** The CTEs every query starts from. */
function base(config: ArchiveQueryConfig): string {
  const table = `"${archiveDatabaseName(config.name)}"."${ARCHIVE_TABLE_NAME}"`;
  const zone = literal(config.timezone);
  return `WITH period AS (
  SELECT CAST(? AS date) AS first_day, CAST(? AS date) AS last_day
),
-- EventBridge and Firehose deliver at least once: keep one copy of each event.
delivered AS (
  SELECT detail_type AS type, detail.leadId AS lead_id, detail.data AS data,
    from_iso8601_timestamp(detail.occurredAt) AS occurred_at,
    row_number() OVER (PARTITION BY detail.eventId ORDER BY time) AS copy
  FROM ${table} CROSS JOIN period
  WHERE unit = ${literal(config.name)}
    AND dt >= CAST(CAST(first_day - INTERVAL '${CAPTURE_LOOKBACK_DAYS}' DAY AS date) AS varchar)
),
-- The local day (unit time zone) and the hand-off (count of LeadQualified so far) of each event.
lifecycle AS (
  SELECT type, lead_id, data, occurred_at,
    CAST(at_timezone(occurred_at, ${zone}) AS date) AS local_day,
    sum(CASE WHEN type = 'LeadQualified' THEN 1 ELSE 0 END) OVER (
      PARTITION BY lead_id
      ORDER BY occurred_at, CASE type WHEN 'LeadCaptured' THEN 0 WHEN 'LeadScored' THEN 1 WHEN 'LeadQualified' THEN 2 WHEN 'LeadAssigned' THEN 3 ELSE 4 END
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS handoff
  FROM delivered
  WHERE copy = 1
),
assignments AS (
  SELECT lead_id, handoff, occurred_at, local_day, from_iso8601_timestamp(data.followUpDueAt) AS due_at,
    row_number() OVER (PARTITION BY lead_id, handoff ORDER BY occurred_at) AS nth
  FROM lifecycle
  WHERE type = 'LeadAssigned' AND handoff > 0
),
-- A decision is also the first touch when no touch came before it, as the engine counts it.
touches AS (
  SELECT lead_id, handoff, occurred_at, data,
    row_number() OVER (PARTITION BY lead_id, handoff ORDER BY occurred_at) AS nth
  FROM lifecycle
  WHERE type IN ('LeadTouched', 'LeadAccepted', 'LeadRejected') AND handoff > 0
),
decisions AS (
  SELECT lead_id, handoff, type, occurred_at, local_day, data,
    row_number() OVER (PARTITION BY lead_id, handoff ORDER BY occurred_at) AS nth
  FROM lifecycle
  WHERE type IN ('LeadAccepted', 'LeadRejected') AND handoff > 0
),
-- The period's cohort: hand-offs whose first assignment fell on one of its local days.
cohort AS (
  SELECT a.lead_id, a.handoff, a.due_at
  FROM assignments a CROSS JOIN period
  WHERE a.nth = 1 AND a.local_day BETWEEN first_day AND last_day
)`;
}

const ratio = (within: string, judged: string) =>
  `round(CAST(${within} AS double) / nullif(${judged}, 0), 4)`;

export function archiveQueries(config: ArchiveQueryConfig): ArchiveQuery[] {
  const cte = base(config);
  const unit = config.name;
  return [
    {
      id: 'sqls-delivered',
      name: `${unit}: SQLs delivered`,
      description: 'marketing.sqls.delivered: LeadQualified events on the local days of the period',
      sql: `${cte}
SELECT count(*) AS sqls_delivered
FROM lifecycle CROSS JOIN period
WHERE type = 'LeadQualified' AND local_day BETWEEN first_day AND last_day`,
    },
    {
      id: 'first-touch-within-sla',
      name: `${unit}: first touch within SLA`,
      description:
        'sales.firstTouch: cohort hand-offs touched, or past their first deadline (judged now); within = touched by it',
      sql: `${cte}
SELECT count(*) AS judged,
  sum(CASE WHEN in_time THEN 1 ELSE 0 END) AS within_sla,
  ${ratio('sum(CASE WHEN in_time THEN 1 ELSE 0 END)', 'count(*)')} AS rate
FROM (
  SELECT coalesce(t.occurred_at <= c.due_at, false) AS in_time
  FROM cohort c
  LEFT JOIN touches t ON t.lead_id = c.lead_id AND t.handoff = c.handoff AND t.nth = 1
  WHERE t.occurred_at IS NOT NULL OR c.due_at <= current_timestamp
) judged`,
    },
    {
      id: 'time-to-first-touch',
      name: `${unit}: time to first touch p50/p90`,
      description:
        'sales.firstTouch.minutes: minutes from the toucher’s assignment to the first touch (business minutes when the event reports them)',
      sql: `${cte},
first_touch AS (
  SELECT t.lead_id, t.handoff, t.occurred_at, t.data.businessMinutesSinceAssigned AS reported, max(a.occurred_at) AS assigned_at
  FROM touches t
  JOIN assignments a ON a.lead_id = t.lead_id AND a.handoff = t.handoff AND a.occurred_at <= t.occurred_at
  WHERE t.nth = 1
  GROUP BY t.lead_id, t.handoff, t.occurred_at, t.data.businessMinutesSinceAssigned
),
touch_minutes AS (
  SELECT coalesce(f.reported, (to_unixtime(f.occurred_at) - to_unixtime(f.assigned_at)) / 60.0) AS minutes_to_touch
  FROM cohort c JOIN first_touch f ON f.lead_id = c.lead_id AND f.handoff = c.handoff
)
SELECT count(*) AS touched,
  round(approx_percentile(minutes_to_touch, 0.5), 1) AS p50_minutes,
  round(approx_percentile(minutes_to_touch, 0.9), 1) AS p90_minutes
FROM touch_minutes`,
    },
    {
      id: 'acceptance-rate',
      name: `${unit}: acceptance rate`,
      description: 'marketing.quality: decided cohort hand-offs; within = accepted',
      sql: `${cte}
SELECT count(*) AS decided,
  sum(CASE WHEN d.type = 'LeadAccepted' THEN 1 ELSE 0 END) AS accepted,
  ${ratio("sum(CASE WHEN d.type = 'LeadAccepted' THEN 1 ELSE 0 END)", 'count(*)')} AS acceptance_rate
FROM cohort c
JOIN decisions d ON d.lead_id = c.lead_id AND d.handoff = c.handoff AND d.nth = 1`,
    },
    {
      id: 'rejections-by-source',
      name: `${unit}: rejection reasons by source`,
      description:
        'feedback.rejectionsBySource: rejections decided on the period’s local days, by UTM source and agreed reason',
      sql: `${cte},
lead_source AS (
  SELECT lead_id, ${label('data.utm.source')} AS source,
    row_number() OVER (PARTITION BY lead_id ORDER BY occurred_at) AS nth
  FROM lifecycle
  WHERE type = 'LeadCaptured'
)
SELECT coalesce(${label('d.data.attribution.source')}, s.source, '(none)') AS source,
  ${reason('d.data.reason', config.sla.rejectionReasons)} AS reason,
  count(*) AS rejections
FROM decisions d
CROSS JOIN period
LEFT JOIN lead_source s ON s.lead_id = d.lead_id AND s.nth = 1
WHERE d.nth = 1 AND d.type = 'LeadRejected' AND d.local_day BETWEEN first_day AND last_day
GROUP BY 1, 2
ORDER BY rejections DESC, source, reason`,
    },
  ];
}
