/**
 * Signed inbound events end to end on the local runtime: POST /events/engagement and
 * /events/activity verify the HMAC signature and the replay window, take bounded batches, check
 * each entry against the catalog, and put each event id on the bus once, where the existing
 * routes carry it to the waiting lifecycle.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_ENTRIES,
  REPLAY_WINDOW_SECONDS,
} from '../../functions/domain/inbound-events.ts';
import { contactSales, contentLead } from '../../local/driver.ts';
import { MARKETING_SOURCE, SALES_SOURCE } from '../../workflows/event-routes.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' }); // Monday 10:00 in Berlin

const engagement = (leadId: string, eventId: string, type = 'demo-requested') => ({
  events: [{ type: 'EngagementRecorded', detail: { eventId, leadId, type } }],
});
/** What the bus carried from outside (not Leadflow's own events). */
const inboundOnBus = () =>
  h.local.bus.log.filter((e) => e.source === MARKETING_SOURCE || e.source === SALES_SOURCE);
const nowSeconds = () => Math.floor(h.clock.now().getTime() / 1000);

describe('signed engagement', () => {
  it('wakes a nurtured lead and hands it off', async () => {
    const leadId = await h.captureLead(contentLead('nina@widgets.example'));
    expect((await h.getLead(leadId)).stage).toBe('nurturing');

    const response = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      acceptedCount: 1,
      duplicateCount: 0,
      failedEntryCount: 0,
      results: [{ index: 0, eventId: 'mkt-1', status: 'accepted' }],
    });
    await h.settle();

    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(lead.timeline.map((e) => e.type)).toContain('engagement');
    expect(inboundOnBus()).toMatchObject([
      { source: MARKETING_SOURCE, 'detail-type': 'EngagementRecorded', detail: { eventId: 'mkt-1', leadId } },
    ]);
  });
});

describe('signature and replay window', () => {
  it('refuses a forged signature with a problem+json 401 and puts nothing', async () => {
    const leadId = await h.captureLead(contentLead('nina@widgets.example'));
    const forged = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      key: 'not-the-units-key-but-long-enough-to-be-one',
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    expect(await forged.json()).toMatchObject({ status: 401, title: 'Invalid signature' });

    const unsigned = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      signature: '',
    });
    expect(unsigned.status).toBe(401);
    expect(inboundOnBus()).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    const leadId = await h.captureLead(contentLead('nina@widgets.example'));
    const timestamp = nowSeconds();
    const signed = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), { timestamp });
    expect(signed.status).toBe(200);
    // The same signature over another body (a different engagement type).
    const { signInboundBody } = await import('../../functions/domain/inbound-events.ts');
    const key = Buffer.from(process.env.LEADFLOW_LOCAL_INBOUND_EVENTS_KEY ?? '', 'utf8');
    const signature = signInboundBody(JSON.stringify(engagement(leadId, 'mkt-2')), timestamp, key);
    const tampered = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-2', 'pricing'), {
      timestamp,
      signature,
    });
    expect(tampered.status).toBe(401);
    expect(inboundOnBus()).toHaveLength(1);
  });

  it('refuses a correctly signed request older or newer than the window, saying why', async () => {
    const leadId = await h.captureLead(contentLead('nina@widgets.example'));
    const stale = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      timestamp: nowSeconds() - REPLAY_WINDOW_SECONDS - 1,
    });
    expect(stale.status).toBe(401);
    const problem = (await stale.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Outside the replay window');
    expect(problem.detail).toContain(`${REPLAY_WINDOW_SECONDS + 1} s ago`);

    const early = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      timestamp: nowSeconds() + REPLAY_WINDOW_SECONDS + 1,
    });
    expect(early.status).toBe(401);
    expect(((await early.json()) as { detail: string }).detail).toContain('in the future');

    const edge = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      timestamp: nowSeconds() - REPLAY_WINDOW_SECONDS,
    });
    expect(edge.status).toBe(200);
    expect(inboundOnBus()).toHaveLength(1);
  });

  it('takes a replayed request inside the window without putting anything again', async () => {
    const leadId = await h.captureLead(contentLead('nina@widgets.example'));
    const timestamp = nowSeconds();
    const first = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), { timestamp });
    const replayed = await h.driver.postSignedEvents('engagement', engagement(leadId, 'mkt-1'), {
      timestamp,
    });
    expect(first.status).toBe(200);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({
      acceptedCount: 0,
      duplicateCount: 1,
      results: [{ index: 0, eventId: 'mkt-1', status: 'duplicate' }],
    });
    expect(inboundOnBus()).toHaveLength(1);
  });
});

describe('batches', () => {
  it('puts a retried batch once: one event per id, however often it is sent', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    const batch = {
      events: [
        { type: 'TouchLogged', detail: { eventId: 'crm-1', leadId, channel: 'call' } },
        { type: 'LeadAccepted', detail: { eventId: 'crm-2', leadId } },
      ],
    };
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await h.driver.postSignedEvents('activity', batch)).status).toBe(200);
    await h.settle();
    expect(inboundOnBus().map((e) => [e['detail-type'], (e.detail as { eventId: string }).eventId])).toEqual([
      ['TouchLogged', 'crm-1'],
      ['LeadAccepted', 'crm-2'],
    ]);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('accepted');
    expect(lead.sla.touchAttempts).toBe(1);
  });

  it('answers per entry: valid ones go on, invalid ones come back with field paths', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    const response = await h.driver.postSignedEvents('activity', {
      events: [
        { type: 'TouchLogged', detail: { eventId: 'crm-1', leadId, channel: 'pigeon' } },
        { type: 'TouchLogged', detail: { eventId: 'crm-2', leadId, channel: 'call' } },
        { type: 'EngagementRecorded', detail: { eventId: 'crm-3', leadId, type: 'x' } },
        { type: 'OutcomeRecorded', detail: { leadId, result: 'won' } },
        { type: 'TouchLogged', detail: { eventId: 'crm-2', leadId, channel: 'email' } },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      acceptedCount: number;
      failedEntryCount: number;
      results: Array<{ status: string; errors?: Array<{ path: string }> }>;
    };
    expect(body.results.map((r) => r.status)).toEqual([
      'invalid',
      'accepted',
      'invalid',
      'invalid',
      'conflict',
    ]);
    expect(body.results[0]?.errors?.map((e) => e.path)).toEqual(['events.0.detail.channel']);
    expect(body.results[2]?.errors?.map((e) => e.path)).toEqual(['events.2.type']);
    expect(body.results[3]?.errors?.map((e) => e.path)).toEqual(['events.3.detail.eventId']);
    expect(body).toMatchObject({ acceptedCount: 1, failedEntryCount: 4 });
    expect(inboundOnBus()).toHaveLength(1);
  });

  it('refuses empty, oversized and overlong batches as a whole', async () => {
    const tooMany = {
      events: Array.from({ length: MAX_BATCH_ENTRIES + 1 }, (_, i) => ({
        type: 'TouchLogged',
        detail: { eventId: `crm-${i}`, leadId: 'ld_x' },
      })),
    };
    const overCount = await h.driver.postSignedEvents('activity', tooMany);
    expect(overCount.status).toBe(400);
    expect(await overCount.json()).toMatchObject({ errors: [{ path: 'events' }] });

    const empty = await h.driver.postSignedEvents('activity', { events: [] });
    expect(empty.status).toBe(400);

    const padding = 'x'.repeat(MAX_BATCH_BYTES);
    const overBytes = await h.driver.postSignedEvents('activity', { events: [], padding });
    expect(overBytes.status).toBe(413);
    expect(inboundOnBus()).toEqual([]);
  });

  it('takes only engagement on /events/engagement', async () => {
    const response = await h.driver.postSignedEvents('engagement', {
      events: [{ type: 'TouchLogged', detail: { eventId: 'x-1', leadId: 'ld_x' } }],
    });
    expect(((await response.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
      'invalid',
    );
    expect(inboundOnBus()).toEqual([]);
  });
});
