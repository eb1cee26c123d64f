/**
 * The LeadTouched event a logged touch publishes: who, how, how many attempts, business minutes
 * since the current owner's assignment on the owner's calendar, and the decision window it
 * opened; once per activity id however often the activity is delivered.
 */
import { describe, expect, it } from 'vitest';
import { LEADFLOW_EVENTS } from '../../functions/events/catalog.ts';
import type { PublishedEvent } from '../../functions/use-cases/ports.ts';
import { recordActivity } from '../../functions/use-cases/record-activity.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import { at, HOT, HOT_ID, HOUR, MINUTE, MONDAY_10 } from './fixtures.ts';

const owner = { repId: 'anna', name: 'Anna Becker', email: 'anna@demo.example.com', teamId: 'dach' };
/** Friday 16:30 in Berlin: 30 business minutes before the weekend. */
const FRIDAY_1630 = '2026-03-27T15:30:00.000Z';
/** Monday 30 March 09:15 in Berlin (CEST from 29 March): 15 business minutes into the week. */
const NEXT_MONDAY_0915 = '2026-03-30T07:15:00.000Z';

async function assignedAt(
  ports: InMemoryPorts,
  assigned: string,
  stage: 'assigned' | 'touched' = 'assigned',
) {
  await storedLead(ports, HOT, { stage, owner, sla: { assignedAt: assigned, touchAttempts: 0 } });
}
type Touched = PublishedEvent<'LeadTouched'> & { occurredAt: string };
const touched = (ports: InMemoryPorts) =>
  ports.events.published.filter((e): e is Touched => e.name === 'LeadTouched');

describe('LeadTouched', () => {
  it('carries owner, channel, attempts, business minutes since assignment and the window it opened', async () => {
    const ports = inMemoryPorts({ now: NEXT_MONDAY_0915 });
    await assignedAt(ports, FRIDAY_1630);
    await recordActivity(
      ports,
      'TouchLogged',
      { leadId: HOT_ID, channel: 'call', repEmail: 'anna@demo.example.com', topics: ['pricing'] },
      { activityId: 'crm-1' },
    );
    const [event] = touched(ports);
    // 30 minutes on Friday and 15 on Monday: the weekend is no business time.
    expect(event).toEqual({
      name: 'LeadTouched',
      leadId: HOT_ID,
      eventId: `${HOT_ID}:touched:1`,
      occurredAt: NEXT_MONDAY_0915,
      data: {
        owner: { repId: 'anna', teamId: 'dach', fallback: undefined },
        channel: 'call',
        touchAttempts: 1,
        businessMinutesSinceAssigned: 45,
        acceptanceDueAt: (await ports.leads.get(HOT_ID))?.sla?.acceptanceDueAt,
        topics: ['pricing'],
      },
    });
    expect(event?.data).toHaveProperty('acceptanceDueAt', expect.any(String));
    // What the bus would get: the catalog accepts it, and no rep email travels with it.
    const detail = { version: 1, businessUnit: 'demo', ...event, name: undefined };
    expect(LEADFLOW_EVENTS.LeadTouched.safeParse(detail).error).toBeUndefined();
    expect(JSON.stringify(event)).not.toContain('@');
  });

  it("counts on the owner's own calendar", async () => {
    const config = unitConfig((c) => {
      const anna = c.routing.teams[0]!.members[0]!;
      // Anna works mornings only, 08:00-12:00.
      const mornings = [['08:00', '12:00']] as [string, string][];
      anna.calendar = {
        timezone: 'Europe/Berlin',
        weekly: { mon: mornings, tue: mornings, wed: mornings, thu: mornings, fri: mornings },
      };
      return c;
    });
    const ports = inMemoryPorts({ now: at(MONDAY_10, 5 * HOUR), config });
    await assignedAt(ports, MONDAY_10);
    await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'email' }, { activityId: 'crm-2' });
    // 10:00-12:00 on her calendar, not the unit's 10:00-15:00.
    expect(touched(ports)[0]?.data).toMatchObject({ businessMinutesSinceAssigned: 120 });
  });

  it('times the touch when the rep made it, and opens no second decision window', async () => {
    const ports = inMemoryPorts({ now: at(MONDAY_10, HOUR) });
    await assignedAt(ports, MONDAY_10, 'touched');
    await recordActivity(
      ports,
      'TouchLogged',
      { leadId: HOT_ID, channel: 'meeting', occurredAt: at(MONDAY_10, 20 * MINUTE) },
      { activityId: 'crm-3' },
    );
    const [event] = touched(ports);
    expect(event?.occurredAt).toBe(at(MONDAY_10, 20 * MINUTE));
    expect(event?.data).toEqual({
      owner: expect.objectContaining({ repId: 'anna' }),
      channel: 'meeting',
      touchAttempts: 1,
      businessMinutesSinceAssigned: 20,
    });
  });

  it('is published once per activity id, however often the activity is delivered', async () => {
    const ports = inMemoryPorts({ now: at(MONDAY_10, HOUR) });
    await assignedAt(ports, MONDAY_10);
    const logged = { leadId: HOT_ID, channel: 'call' as const };
    await recordActivity(ports, 'TouchLogged', logged, { activityId: 'crm-4' });
    expect(await recordActivity(ports, 'TouchLogged', logged, { activityId: 'crm-4' })).toMatchObject({
      status: 'duplicate',
    });
    await recordActivity(ports, 'TouchLogged', logged, { activityId: 'crm-5' });
    const events = touched(ports);
    expect(events.map((e) => e.data.touchAttempts)).toEqual([1, 2]);
    // Named by the lead's attempt count: the same on any replay, another for each applied touch.
    expect(events.map((e) => e.eventId)).toEqual([`${HOT_ID}:touched:1`, `${HOT_ID}:touched:2`]);
  });
});
