/**
 * One contract for the alert outbox and the rate limiter, run against the DynamoDB adapter (on the table exactly as
 * synthesized) and the in-memory one: an alert is recorded, sent, then marked sent; while it is
 * unsent it is pending (and takes the latest message); once sent nothing changes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertOutbox, REPORTS_PARTITION } from '../../functions/adapters/alert-outbox.ts';
import { InMemoryAlertOutbox } from '../../functions/adapters/in-memory/alert-outbox.ts';
import { InMemoryRateLimiter } from '../../functions/adapters/in-memory/rate-limiter.ts';
import { DynamoRateLimiter } from '../../functions/adapters/rate-limiter.ts';
import type { AlertOutbox, RateLimiter } from '../../functions/use-cases/ports.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable();
});
afterAll(async () => {
  await table?.close();
});

const adapters: Array<[string, () => AlertOutbox]> = [
  ['DynamoDB', () => new DynamoAlertOutbox(table.tableName)],
  ['in memory', () => new InMemoryAlertOutbox()],
];
const T0 = new Date('2026-03-23T09:00:00.000Z');
const message = (subject: string) => ({ to: ['anna@demo.example.com'], subject, text: `${subject}\n` });
let seq = 0;

describe.each(adapters)('alert outbox (%s)', (_name, make) => {
  it('records an alert as pending, lists it until it is marked sent, then never again', async () => {
    const outbox = make();
    const leadId = `ld_alerts_${++seq}`;
    expect(await outbox.record(leadId, 'breach-1', message('SLA breached'), T0)).toEqual({
      status: 'pending',
      message: message('SLA breached'),
    });
    expect(await outbox.pending(leadId)).toEqual([{ marker: 'breach-1', message: message('SLA breached') }]);
    await outbox.markSent(leadId, 'breach-1', T0);
    expect(await outbox.pending(leadId)).toEqual([]);
    expect((await outbox.record(leadId, 'breach-1', message('SLA breached again'), T0)).status).toBe('sent');
    expect(await outbox.pending(leadId)).toEqual([]);
  });

  it('gives an unsent alert the latest message, and keeps alerts of other leads and markers apart', async () => {
    const outbox = make();
    const leadId = `ld_alerts_${++seq}`;
    const other = `ld_alerts_${++seq}`;
    await outbox.record(leadId, 'assigned-1', message('due 11:00'), T0);
    await outbox.record(leadId, 'assigned-1', message('due 11:20'), T0);
    await outbox.record(leadId, 'reminder-1', message('Reminder'), T0);
    await outbox.record(other, 'assigned-1', message('Other lead'), T0);
    expect(await outbox.pending(leadId)).toEqual([
      { marker: 'assigned-1', message: message('due 11:20') },
      { marker: 'reminder-1', message: message('Reminder') },
    ]);
    expect(await outbox.pending(other)).toEqual([{ marker: 'assigned-1', message: message('Other lead') }]);
  });
});

describe('alert outbox partitions (DynamoDB)', () => {
  it("keeps the scorecard mail's outbox (REPORTS#<unit>) apart from a lead's alerts", async () => {
    const leads = new DynamoAlertOutbox(table.tableName);
    const reports = new DynamoAlertOutbox(table.tableName, REPORTS_PARTITION);
    await reports.record(
      'demo',
      'digest:2026-03-16..2026-03-22#anna@demo.example.com',
      message('Digest'),
      T0,
    );
    await reports.markSent('demo', 'digest:2026-03-16..2026-03-22#anna@demo.example.com', T0);
    await leads.record('demo', 'assigned-1', message('Lead alert'), T0);
    expect(await leads.pending('demo')).toEqual([{ marker: 'assigned-1', message: message('Lead alert') }]);
    expect(await reports.pending('demo')).toEqual([]);
    expect(
      (
        await reports.record(
          'demo',
          'digest:2026-03-16..2026-03-22#anna@demo.example.com',
          message('Digest'),
          T0,
        )
      ).status,
    ).toBe('sent');
    expect(
      (await leads.record('demo', 'digest:2026-03-16..2026-03-22#anna@demo.example.com', message('x'), T0))
        .status,
    ).toBe('pending');
  });
});

describe.each([
  ['DynamoDB', () => new DynamoRateLimiter(table.tableName)],
  ['in memory', () => new InMemoryRateLimiter()],
] as Array<[string, () => RateLimiter]>)('rate limiter (%s)', (_name, make) => {
  it('counts per key and fixed window, and says how long until the window ends', async () => {
    const limiter = make();
    const key = `contract-${++seq}`;
    const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
    const hits = await Promise.all([1, 2, 3].map(() => limiter.hit(key, 2, 60, at(15))));
    expect(hits.map((h) => h.allowed).sort()).toEqual([false, true, true]);
    expect(hits[0]?.retryAfterSeconds).toBe(45);
    expect(await limiter.hit(`${key}-other`, 2, 60, at(15))).toEqual({
      allowed: true,
      retryAfterSeconds: 45,
    });
    expect(await limiter.hit(key, 2, 60, at(60))).toEqual({ allowed: true, retryAfterSeconds: 60 });
  });
});
