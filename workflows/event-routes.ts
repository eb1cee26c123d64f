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

export type RouteTarget = 'start-lifecycle' | 'complete-wait';

export interface EventRoute {
  /** Stable id: becomes the rule's construct id. */
  id: string;
  description: string;
  sources: string[];
  detailTypes: string[];
  target: RouteTarget;
}

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
      'Wake the waiting lifecycle step when sales touch, accept, reject or close a lead, or it engages',
    sources: [SALES_SOURCE, MARKETING_SOURCE],
    detailTypes: ['TouchLogged', 'LeadAccepted', 'LeadRejected', 'EngagementRecorded', 'OutcomeRecorded'],
    target: 'complete-wait',
  },
];
