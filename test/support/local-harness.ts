/**
 * Starts the local runtime (in memory, manual virtual clock) for end-to-end and workflow
 * scenario tests, and drives it through the shared driver (local/driver.ts) the way clients do.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { LeadflowDriver, type LeadView } from '../../local/driver.ts';
import {
  type LeadflowLocal,
  type LeadflowLocalOptions,
  startLeadflowLocal,
} from '../../local/runtime/leadflow-local.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';
import { unitConfig } from './unit-config.ts';

export interface Harness {
  local: LeadflowLocal;
  clock: VirtualClock;
  url: string;
  opsToken: string;
  /** POST /leads as the demo's API integration, or (`as: 'browser'`) as a web form's script. */
  postLead(
    body: Record<string, unknown>,
    headers?: Record<string, string>,
    options?: { as?: 'integration' | 'browser' },
  ): Promise<Response>;
  captureLead(body: Record<string, unknown>): Promise<string>;
  driver: LeadflowDriver;
  getLead(leadId: string): Promise<LeadView>;
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

export { unitConfig };

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export async function startHarness(options: {
  start: string;
  config?: BusinessUnitConfig;
  dataDir?: string;
  /** Where the bus writes the local event archive (none by default, in memory). */
  eventArchiveDir?: string;
  clock?: VirtualClock;
  servicePorts?: { dynamodb?: number; ses?: number; aws?: number };
  keyDir?: string;
  resume?: boolean;
  alterDefinition?: LeadflowLocalOptions['alterDefinition'];
  /** How handlers reach the embedded services (default in-process; `http` over their endpoints). */
  transport?: LeadflowLocalOptions['transport'];
  /** Run the stack's schedules (scorecard digest, pace alerts); off by default so mail counts stay exact. */
  schedules?: boolean;
}): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock({ mode: 'manual', start: new Date(options.start) });
  const local = await startLeadflowLocal({
    unit: options.config ?? unitConfig(),
    port: 0,
    ...(options.dataDir ? { dataDir: options.dataDir } : { inMemory: true }),
    eventArchiveDir: options.eventArchiveDir,
    clock,
    keyDir: options.keyDir ?? mkdtempSync(join(tmpdir(), 'leadflow-keys-')),
    resume: options.resume,
    alterDefinition: options.alterDefinition,
    servicePorts: options.servicePorts,
    transport: options.transport,
    schedules: options.schedules ?? false,
  });
  const opsToken = await local.issuer.issueToken({ role: 'ops', email: 'ops@demo.example.com' });
  const driver = new LeadflowDriver(local);
  const settle = () => driver.settle();
  const harness: Harness = {
    local,
    clock,
    url: local.url,
    opsToken,
    driver,
    postLead: (body, headers, options) => driver.postLead(body, headers, options),
    captureLead: async (body) => {
      const leadId = await driver.capture(body);
      await settle();
      return leadId;
    },
    getLead: (leadId) => driver.getLead(leadId, opsToken),
    activity: async (type, detail, options = {}) => {
      await driver.activity([{ type, detail }]);
      if (options.settle !== false) await settle();
    },
    runUntil: (until) => driver.runUntil(until),
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
    emails: () => driver.emails(),
    path: (leadId) => driver.path(leadId),
    stop: async () => {
      driver.stop();
      await local.stop();
    },
  };
  return harness;
}

/**
 * A fresh runtime for every test of the file (registered as beforeEach/afterEach), so each
 * scenario starts from an empty store, a new clock at `start` and untouched routing: tests
 * pass alone and in any order. The returned object forwards to the current test's harness.
 */
export function harnessPerTest(options: Parameters<typeof startHarness>[0]): Harness {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await startHarness(options);
    // The embedded SES keeps one outbox per process (see local/embedded/ses.ts): start empty.
    await current.local.ses.clearOutbox();
  }, 120_000);
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!current) throw new Error('The harness exists only inside a test');
      return current[property as keyof Harness];
    },
  });
}
