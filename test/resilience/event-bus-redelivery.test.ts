/**
 * The local bus redelivers a failed target invocation as Lambda's asynchronous invocation does
 * for EventBridge targets: two more attempts, one and then two minutes later (virtual time),
 * with the same event; then the delivery is parked as a dead letter for inspection and redrive.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { REDELIVERY_DELAYS_MS } from '../../local/runtime/local-event-bus.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

/** complete-wait fails `times` times; returns the virtual instants and event ids it was invoked with. */
function failingCompleteWait(times: number) {
  const attempts: Array<{ at: string; eventId: string }> = [];
  h.local.invoker.intercept('complete-wait', {
    times: 100,
    match: (event) => {
      attempts.push({ at: h.clock.now().toISOString(), eventId: String((event as { id: string }).id) });
      return attempts.length <= times;
    },
    fail: () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
  });
  return attempts;
}

describe('redelivery of failed target invocations', () => {
  it('follows the async-invoke retry policy: 2 more attempts, 1 and 2 minutes apart', () => {
    expect(REDELIVERY_DELAYS_MS).toEqual([60_000, 120_000]);
  });

  it('tries twice more with the same event, then parks it as a dead letter', async () => {
    const leadId = await h.captureLead(contactSales('parked@acme.example'));
    await h.runUntil('2026-03-23T09:10:00Z');
    const attempts = failingCompleteWait(Infinity);
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    expect(attempts).toHaveLength(1);
    expect(h.local.bus.pendingRedeliveries).toBe(1);
    await h.runUntil('2026-03-23T09:10:59Z');
    expect(attempts).toHaveLength(1);
    await h.runUntil('2026-03-23T09:15:00Z');
    expect(attempts.map((a) => a.at)).toEqual([
      '2026-03-23T09:10:00.000Z',
      '2026-03-23T09:11:00.000Z',
      '2026-03-23T09:13:00.000Z',
    ]);
    const [event] = h.local.bus.log.filter((e) => e['detail-type'] === 'TouchLogged');
    expect(new Set(attempts.map((a) => a.eventId))).toEqual(new Set([event?.id]));
    expect(h.local.bus.pendingRedeliveries).toBe(0);
    expect(h.local.bus.deadLetters()).toEqual([
      {
        id: expect.any(String),
        event: expect.objectContaining({ id: event?.id, 'detail-type': 'TouchLogged' }),
        target: 'complete-wait',
        error: 'ThrottlingException: Rate exceeded',
        parkedAt: '2026-03-23T09:13:00.000Z',
        attempts: 3,
      },
    ]);
    await h.runUntil('2026-03-23T10:00:00Z');
    expect(attempts).toHaveLength(3);
  });

  it('delivers on a redelivery without parking anything, and the activity counts once', async () => {
    const leadId = await h.captureLead(contactSales('second-try@acme.example'));
    await h.runUntil('2026-03-23T09:10:00Z');
    const attempts = failingCompleteWait(1);
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    await h.runUntil('2026-03-23T09:12:00Z');
    expect(attempts).toHaveLength(2);
    expect(h.local.bus.deadLetters()).toEqual([]);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('touched');
    expect(lead.sla.touchAttempts).toBe(1);
    // The touch happened when it was put on the bus, not when the redelivery landed.
    expect(lead.sla.firstTouchAt).toBe('2026-03-23T09:10:00.000Z');
    expect(h.path(leadId).at(-1)).toBe('AwaitDecision');
  });

  it('parks at the first failure when redelivery is switched off', async () => {
    h.local.bus.redeliveryDelaysMs = [];
    const leadId = await h.captureLead(contactSales('no-retry@acme.example'));
    const attempts = failingCompleteWait(Infinity);
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    expect(attempts).toHaveLength(1);
    expect(h.local.bus.deadLetters()).toMatchObject([{ attempts: 1, target: 'complete-wait' }]);
  });
});
