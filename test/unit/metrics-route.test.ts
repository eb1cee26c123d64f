/** The metrics route and the record-metrics handler's reading of events. */
import { describe, expect, it } from 'vitest';
import { projectedEvent } from '../../functions/domain/metrics/projected-event.ts';
import { LEADFLOW_EVENTS } from '../../functions/events/catalog.ts';
import { EVENT_ROUTES, EVENT_SOURCE } from '../../workflows/event-routes.ts';

const envelope = (data: Record<string, unknown>) => ({
  version: 1,
  eventId: 'ld_1:converted',
  occurredAt: '2027-03-10T10:00:00Z',
  businessUnit: 'demo',
  leadId: 'ld_1',
  data,
});

describe('the metrics route', () => {
  it('sends every Leadflow lifecycle event of the catalog but LifecycleFailed to record-metrics', () => {
    const route = EVENT_ROUTES.find((r) => r.target === 'record-metrics');
    expect(route?.sources).toEqual([EVENT_SOURCE]);
    expect([...(route?.detailTypes ?? [])].sort()).toEqual(
      Object.keys(LEADFLOW_EVENTS)
        .filter((name) => name !== 'LifecycleFailed')
        .sort(),
    );
  });
});

describe('projectedEvent', () => {
  it('keeps the additions the projection reads, which the catalog schema would drop', () => {
    const event = projectedEvent(
      'LeadConverted',
      envelope({ result: 'won', amount: 1200, attribution: { source: 'google' }, unknown: 'dropped' }),
    );
    expect(event?.detail.data).toEqual({ result: 'won', amount: 1200, attribution: { source: 'google' } });
  });

  it('reads the touches sales logged (LeadTouched), not the inbound TouchLogged activity', () => {
    const data = {
      owner: { repId: 'anna' },
      channel: 'call',
      touchAttempts: 1,
      businessMinutesSinceAssigned: 20,
    };
    expect(projectedEvent('LeadTouched', envelope(data))).toEqual({
      name: 'LeadTouched',
      detail: expect.objectContaining({ data }),
    });
    expect(EVENT_ROUTES.find((r) => r.target === 'record-metrics')?.detailTypes).toContain('LeadTouched');
  });

  it('refuses an event that breaks the catalog or an addition, and skips what it does not project', () => {
    expect(() => projectedEvent('LeadConverted', envelope({ result: 'maybe' }))).toThrow();
    expect(() => projectedEvent('LeadConverted', envelope({ result: 'won', amount: -1 }))).toThrow();
    expect(projectedEvent('LifecycleFailed', envelope({ stage: 'x', error: 'y' }))).toBeUndefined();
    expect(projectedEvent('TouchLogged', envelope({}))).toBeUndefined();
  });
});
