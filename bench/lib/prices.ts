/**
 * What one lead costs on AWS, all included, from counts measured on the local runtime.
 *
 * List prices (us-east-1, 2026, on-demand, no free tier) as given in ../shared/README.md and the
 * AWS pricing pages. Where the local runtime cannot measure a quantity (Lambda duration, log
 * bytes, X-Ray sampling), the assumption is named here and printed with the figures.
 */
export const PRICES = {
  stepFunctionsTransition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1_000_000,
  /** arm64; Leadflow's functions run on Graviton. */
  lambdaGbSecond: 0.0000133334,
  dynamoDbWru: 0.625 / 1_000_000,
  dynamoDbRru: 0.125 / 1_000_000,
  eventBridgeEvent: 1 / 1_000_000,
  sesEmail: 0.1 / 1000,
  httpApiRequest: 1 / 1_000_000,
  cloudWatchLogsGb: 0.5,
  xRayTrace: 5 / 1_000_000,
} as const;

/** Stated assumptions for what the local runtime cannot measure. */
export const ASSUMPTIONS = {
  /** Memory of every function (infra/constructs/leadflow-function.ts default). */
  lambdaMemoryGb: 0.5,
  /** Billed milliseconds of a warm invocation before its first AWS call (parse, compute, log). */
  lambdaBaseMs: 10,
  /** Billed milliseconds per AWS request made from Lambda (a same-region round trip, p50). */
  lambdaMsPerAwsRequest: 8,
  /** CloudWatch Logs bytes per invocation: START/END/REPORT platform lines and one JSON log line. */
  logBytesPerInvocation: 900,
  /**
   * X-Ray traces: tracing is on for the state machine, so at most one trace per execution (the
   * default sampling rule records fewer); the HTTP API and Lambda functions do not trace.
   */
  xRayTracesPerExecution: 1,
} as const;

export interface CountedLead {
  transitions: number;
  lambdaInvocations: number;
  /** Every AWS request the functions made: DynamoDB, PutEvents, Step Functions, SES. */
  awsRequests: number;
  wru: number;
  rru: number;
  /** Events put on the bus, by Leadflow and by the CRM/marketing tools that feed it. */
  busEvents: number;
  emails: number;
  httpRequests: number;
  executions: number;
}

export interface LeadCost {
  stepFunctions: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoDbWrites: number;
  dynamoDbReads: number;
  eventBridge: number;
  ses: number;
  httpApi: number;
  cloudWatchLogs: number;
  xRay: number;
  total: number;
}

/** Dollars per 1,000 leads, item by item. */
export function costPer1000Leads(c: CountedLead): LeadCost {
  const n = 1000;
  const gbSeconds =
    ((c.lambdaInvocations * ASSUMPTIONS.lambdaBaseMs + c.awsRequests * ASSUMPTIONS.lambdaMsPerAwsRequest) /
      1000) *
    ASSUMPTIONS.lambdaMemoryGb;
  const items = {
    stepFunctions: c.transitions * PRICES.stepFunctionsTransition,
    lambdaRequests: c.lambdaInvocations * PRICES.lambdaRequest,
    lambdaDuration: gbSeconds * PRICES.lambdaGbSecond,
    dynamoDbWrites: c.wru * PRICES.dynamoDbWru,
    dynamoDbReads: c.rru * PRICES.dynamoDbRru,
    eventBridge: c.busEvents * PRICES.eventBridgeEvent,
    ses: c.emails * PRICES.sesEmail,
    httpApi: c.httpRequests * PRICES.httpApiRequest,
    cloudWatchLogs:
      ((c.lambdaInvocations * ASSUMPTIONS.logBytesPerInvocation) / 1024 ** 3) * PRICES.cloudWatchLogsGb,
    xRay: c.executions * ASSUMPTIONS.xRayTracesPerExecution * PRICES.xRayTrace,
  };
  const perThousand = Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v * n])) as Omit<
    LeadCost,
    'total'
  >;
  return { ...perThousand, total: Object.values(perThousand).reduce((a, b) => a + b, 0) };
}

export const COST_NOTES = [
  `Prices: Step Functions $0.025/1k transitions; Lambda $0.20/M requests + $${PRICES.lambdaGbSecond}/GB-s (arm64); DynamoDB on-demand $0.625/M WRU, $0.125/M RRU; EventBridge $1/M events; SES $0.10/1k emails; HTTP API $1/M; CloudWatch Logs $0.50/GB ingested; X-Ray $5/M traces. No free tier.`,
  `Lambda duration is not measurable locally: assumed ${ASSUMPTIONS.lambdaBaseMs} ms per invocation + ${ASSUMPTIONS.lambdaMsPerAwsRequest} ms per AWS request it makes, at ${ASSUMPTIONS.lambdaMemoryGb * 1024} MB.`,
  `Logs: ${ASSUMPTIONS.logBytesPerInvocation} bytes per invocation (platform lines + one JSON line); the state machine logs errors only. X-Ray: at most ${ASSUMPTIONS.xRayTracesPerExecution} trace per execution (sampling records fewer).`,
  'Bus events include the CRM/marketing activity events that drive the lead (a touch, an acceptance, an outcome), not only what Leadflow publishes. Step Functions API calls (SendTaskSuccess, StartExecution) are free; transitions are not.',
];
