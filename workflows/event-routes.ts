/**
 * The unit bus's routing table: which event goes to which target. The CDK stack turns each
 * row into an EventBridge rule; the local runtime reads those rules back from the synthesized
 * template, so both run this one table.
 */
/** Source of everything Leadflow itself emits. */
export const EVENT_SOURCE = 'leadflow';
/** Sources of inbound activity: sales tools (touch, accept, reject, outcome) and marketing automation (engagement). */
export const SALES_SOURCE = 'leadflow.sales';
export const MARKETING_SOURCE = 'leadflow.marketing';

/** Functions a route invokes. */
export type RouteTarget = 'start-lifecycle' | 'complete-wait' | 'record-metrics';
/** Delivery streams a route feeds (Kinesis Data Firehose). */
export type StreamTarget = 'event-archive';

/** The lifecycle events the metrics projection counts, and the event archive keeps. */
export const PROJECTED_EVENT_TYPES = [
  'LeadCaptured',
  'LeadScored',
  'LeadQualified',
  'LeadNurtured',
  'LeadAssigned',
  'FollowUpReminder',
  'FollowUpBreached',
  'LeadEscalated',
  'LeadReassigned',
  'LeadTouched',
  'LeadAccepted',
  'LeadRejected',
  'LeadRecycled',
  'LeadDisqualified',
  'LeadConverted',
] as const;

interface RouteRow {
  /** Stable id: becomes the rule's construct id. */
  id: string;
  description: string;
  sources: string[];
  detailTypes: string[];
}

/** A rule invoking a function (the default kind). */
export interface LambdaRoute extends RouteRow {
  kind?: 'lambda';
  target: RouteTarget;
}

/** A rule putting each matched event, as EventBridge delivers it, on a Firehose delivery stream. */
export interface StreamRoute extends RouteRow {
  kind: 'firehose';
  target: StreamTarget;
}

export type EventRoute = LambdaRoute | StreamRoute;

export const isLambdaRoute = (route: EventRoute): route is LambdaRoute => route.kind !== 'firehose';
export const isStreamRoute = (route: EventRoute): route is StreamRoute => route.kind === 'firehose';

export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    id: 'StartLifecycleOnCapture',
    description: 'Start one lifecycle execution per captured lead',
    sources: [EVENT_SOURCE],
    detailTypes: ['LeadCaptured'],
    target: 'start-lifecycle',
  },
  {
    id: 'CompleteWaitOnSalesActivity',
    description:
      'Wake the waiting lifecycle step when sales touch, accept, reject, decline or close a lead, or it engages',
    sources: [SALES_SOURCE, MARKETING_SOURCE],
    detailTypes: [
      'TouchLogged',
      'LeadAccepted',
      'LeadRejected',
      'LeadDeclined',
      'EngagementRecorded',
      'OutcomeRecorded',
    ],
    target: 'complete-wait',
  },
  {
    id: 'RecordMetricsOnLifecycleEvents',
    description: 'Count every lifecycle event into the scorecard metrics (counters and lead facts)',
    sources: [EVENT_SOURCE],
    // Every event of functions/events/catalog.ts but LifecycleFailed, which the scorecard does not
    // count (test/unit/metrics-route.test.ts holds the two lists together).
    detailTypes: [...PROJECTED_EVENT_TYPES],
    target: 'record-metrics',
  },
  {
    id: 'ArchiveLifecycleEvents',
    kind: 'firehose',
    description: 'Archive every lifecycle event to S3 (Firehose, by unit and day) for Athena',
    sources: [EVENT_SOURCE],
    // The same events the scorecard counts, so the archive's queries can reproduce its figures.
    detailTypes: [...PROJECTED_EVENT_TYPES],
    target: 'event-archive',
  },
];

/** The rows that invoke a function, for what only Lambda targets have (async-failure queues, handlers). */
export const LAMBDA_ROUTES: readonly LambdaRoute[] = EVENT_ROUTES.filter(isLambdaRoute);
