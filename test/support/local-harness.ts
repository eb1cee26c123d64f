/**
 * Starts the local runtime (in memory, manual virtual clock) for end-to-end and workflow
 * scenario tests, with small helpers that talk to it the way clients do: HTTP for capture and
 * reads, EventBridge PutEvents for sales activity, the SES outbox for emails.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import demo from '../../config/business-units/demo.ts';
import type { BusinessUnitConfigInput } from '../../config/schema.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { type LeadflowLocal, startLeadflowLocal } from '../../local/runtime/leadflow-local.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';
import { MARKETING_SOURCE, SALES_SOURCE } from '../../workflows/event-routes.ts';

export interface Harness {
  local: LeadflowLocal;
  clock: VirtualClock;
  url: string;
  opsToken: string;
  postLead(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  captureLead(body: Record<string, unknown>): Promise<string>;
  getLead(leadId: string): Promise<
    Record<string, unknown> & {
      stage: string;
      timeline: Array<{ type: string; at: string }>;
      sla: Record<string, unknown>;
      owner?: { repId?: string; email: string; name: string; fallback?: boolean };
    }
  >;
  /** Puts sales/marketing activity on the bus; waits for its delivery and, unless told not to, for the runtime to settle. */
  activity(type: string, detail: Record<string, unknown>, options?: { settle?: boolean }): Promise<void>;
  /** Lets virtual time run (firing due timers) until `until`, or until nothing is left to do. */
  runUntil(until: string | Date): Promise<void>;
  settle(): Promise<void>;
  /** Quarantined submissions of one address, straight from the table (they have no API). */
  quarantined(email: string): Promise<Array<{ reasons: string[]; profile: { email: string } }>>;
  emails(): Promise<Array<{ to: string[]; subject: string; text?: string }>>;
  path(leadId: string): string[];
  stop(): Promise<void>;
}

export function unitConfig(
  overrides: (c: BusinessUnitConfigInput) => BusinessUnitConfigInput = (c) => c,
): BusinessUnitConfig {
  return BusinessUnitConfig.parse(overrides(structuredClone(demo) as BusinessUnitConfigInput));
}

export async function startHarness(options: {
  start: string;
  config?: BusinessUnitConfig;
  dataDir?: string;
  clock?: VirtualClock;
  servicePorts?: { dynamodb?: number; ses?: number; aws?: number };
  keyDir?: string;
  resume?: boolean;
}): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock({ mode: 'manual', start: new Date(options.start) });
  const local = await startLeadflowLocal({
    unit: options.config ?? unitConfig(),
    port: 0,
    ...(options.dataDir ? { dataDir: options.dataDir } : { inMemory: true }),
    clock,
    keyDir: options.keyDir ?? mkdtempSync(join(tmpdir(), 'leadflow-keys-')),
    resume: options.resume,
    servicePorts: options.servicePorts,
  });
  const opsToken = await local.issuer.issueToken({ role: 'ops', email: 'ops@demo.example.com' });
  const events = new EventBridgeClient({});
  const settle = () => clock.runUntilIdle(clock.now());
  const harness: Harness = {
    local,
    clock,
    url: local.url,
    opsToken,
    postLead: (body, headers = {}) =>
      clock.track(() =>
        fetch(`${local.url}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }),
      ),
    captureLead: async (body) => {
      const response = await harness.postLead(body);
      if (response.status !== 202)
        throw new Error(`capture failed: ${response.status} ${await response.text()}`);
      const { leadId } = (await response.json()) as { leadId: string };
      await settle();
      return leadId;
    },
    getLead: async (leadId) => {
      const response = await fetch(`${local.url}/leads/${leadId}`, {
        headers: { authorization: `Bearer ${opsToken}` },
      });
      if (response.status !== 200)
        throw new Error(`get lead failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as never;
    },
    activity: async (type, detail, options = {}) => {
      const source = type === 'EngagementRecorded' ? MARKETING_SOURCE : SALES_SOURCE;
      await clock.track(() =>
        events.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: `leadflow-${local.config.name}`,
                Source: source,
                DetailType: type,
                Detail: JSON.stringify(detail),
              },
            ],
          }),
        ),
      );
      await local.bus.drain();
      if (options.settle !== false) await settle();
    },
    runUntil: (until) => clock.runUntilIdle(new Date(until)),
    settle,
    quarantined: async (email) => {
      const items: Array<Record<string, unknown>> = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient().send(
          new QueryCommand({
            TableName: local.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :q',
            ExpressionAttributeValues: { ':q': 'QUARANTINE' },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items.filter((i) => (i.profile as { email?: string } | undefined)?.email === email) as never;
    },
    emails: () => local.ses.fetchSentEmails(),
    path: (leadId) => local.stepFunctions.execution(leadId)?.path ?? [],
    stop: () => local.stop(),
  };
  return harness;
}
