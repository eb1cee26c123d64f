/**
 * The local runtime with each transport: a hand-raiser's whole lifecycle, run once with the
 * handlers' SDK requests served in-process (the default, asked for by no option) and once over the stand-ins' HTTP
 * endpoints, ends in the same lead, path, events and mail. Both runtimes run one after the
 * other in this process, on other ports, with the SDK clients the first one's handlers created:
 * the transport routes by service, not by the endpoint a client was created with. In-process,
 * the endpoints still serve outside clients (the driver's PutEvents, an SDK client of its own).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { localTransport, type TransportMode } from '../../local/transport/local-transport.ts';
import { HAPPY_PATH_DECISIONS, pathThrough } from '../../workflows/lifecycle-contract.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

let running: Harness | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/**
 * The service of each request node's HTTP client sends while `run` runs (the SDK's default
 * handler uses it): its JSON target's prefix, or SES for the one query-protocol service here.
 */
async function httpRequestsDuring(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const record = (message: unknown) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    seen.push(target === undefined ? 'SES' : String(target).split('.')[0]!);
  };
  subscribe('http.client.request.start', record);
  try {
    await run();
  } finally {
    unsubscribe('http.client.request.start', record);
  }
  return seen;
}

/** One-click action links carry this runtime's port and a fresh nonce. */
const withoutActionLinks = (text = '') => text.replace(/http:\/\/[^/\s]+\/actions\/\S+/g, '<action link>');

/** `transport` undefined: the runtime's default. */
async function lifecycle(transport: TransportMode | undefined) {
  const before = { ...localTransport.served };
  running = await startHarness({ start: '2026-03-23T09:00:00Z', transport });
  const h = running;
  await h.local.ses.clearOutbox();
  let leadId = '';
  const httpBefore = localTransport.served.http;
  const overHttp = await httpRequestsDuring(async () => {
    leadId = await h.captureLead(contactSales('eva@acme.example', 'DE'));
    await h.runUntil('2026-03-23T09:20:00Z');
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    await h.activity('LeadAccepted', { leadId });
    await h.activity('OutcomeRecorded', { leadId, result: 'won', reason: 'Signed' });
    await h.local.stepFunctions.execution(leadId)?.done;
  });
  const httpDuringRun = localTransport.served.http - httpBefore;
  const served = {
    'in-process': localTransport.served['in-process'] - before['in-process'],
    http: localTransport.served.http - before.http,
    network: localTransport.served.network - before.network,
  };
  // An outside client (the SDK's own HTTP handler) reads the lead from dynalite's endpoint.
  const outside = new DynamoDBClient({ maxAttempts: 1 });
  const item = await outside.send(
    new GetItemCommand({
      TableName: h.local.tableName,
      Key: { pk: { S: `LEAD#${leadId}` }, sk: { S: 'LEAD' } },
      ConsistentRead: true,
    }),
  );
  outside.destroy();
  const result = {
    lead: await h.getLead(leadId),
    path: h.path(leadId),
    events: h.local.bus.log.map((e) => [e.source, e['detail-type'], e.detail]),
    mails: (await h.emails()).map((m) => [m.to, m.subject, withoutActionLinks(m.text)]),
  };
  await h.stop();
  running = undefined;
  return { served, httpDuringRun, overHttp, stageOverHttp: item.Item?.stage, ...result };
}

it('runs a lifecycle to the same end in-process (the default) and over HTTP', async () => {
  const inProcess = await lifecycle(undefined);
  const overHttp = await lifecycle('http');

  expect(inProcess.lead.stage).toBe('won');
  expect(inProcess.path).toEqual(pathThrough(HAPPY_PATH_DECISIONS));
  expect(inProcess.mails.length).toBeGreaterThan(0);
  const { served: _a, httpDuringRun: _e, overHttp: _c, ...expected } = inProcess;
  const { served: _b, httpDuringRun: _f, overHttp: _d, ...actual } = overHttp;
  expect(actual).toEqual(expected);

  // Every SDK request of the handlers went the chosen way (DynamoDB, PutEvents, Step Functions, SES).
  expect(inProcess.served).toMatchObject({ http: 0, network: 0 });
  expect(inProcess.served['in-process']).toBeGreaterThan(20);
  expect(overHttp.served).toMatchObject({ 'in-process': 0, network: 0 });
  // Not the same count to the request: the metrics projection retries when two events of one
  // lead race, and how often they race depends on timing.
  expect(overHttp.served.http).toBeGreaterThan(20);

  // In-process, the only HTTP requests are the driver's three PutEvents (an outside client);
  // over HTTP, the handlers' requests to every service join them.
  expect(inProcess.overHttp).toEqual(['AWSEvents', 'AWSEvents', 'AWSEvents']);
  expect(new Set(overHttp.overHttp)).toEqual(
    new Set(['DynamoDB_20120810', 'SES', 'AWSStepFunctions', 'AWSEvents']),
  );
  expect(overHttp.overHttp.length).toBe(overHttp.httpDuringRun + 3);
  // And dynalite's endpoint answers an outside client in either mode.
  expect(inProcess.stageOverHttp).toEqual({ S: 'won' });
}, 60_000);
