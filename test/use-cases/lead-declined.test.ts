/**
 * "Not my lead" (LeadDeclined): the owner of an untouched lead hands it back, the first-touch
 * wait ends with `reassign`, and HandOff routes it to someone else with a fresh SLA, spending
 * none of the breach ladder's reassignments.
 */
import { describe, expect, it } from 'vitest';
import type { Lead, Stage } from '../../functions/domain/lead.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { registerWait } from '../../functions/use-cases/lifecycle/wait-handshake.ts';
import { recordActivity } from '../../functions/use-cases/record-activity.ts';
import { inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { ANNA, BEN, HOT, HOT_ID, handedOff, MARA, MONDAY_10, reload } from './fixtures.ts';

const declined = { status: 'recorded', completions: [{ kind: 'first-touch', result: 'completed' }] };

describe('LeadDeclined', () => {
  it('ends the first-touch wait with reassign, keeping the reassignment count, and says who declined', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await handedOff(ports);
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 'f1' });
    expect(await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID, reason: 'Wrong region' })).toEqual(
      declined,
    );
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'reassign', reassignments: 0 } },
    ]);
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('assigned');
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'declined',
      summary: 'Anna Becker: not my lead (Wrong region)',
      data: { by: 'Anna Becker', handoff: 1 },
    });
  });

  it('hands the lead to the next rep, never back, and tells the manager why', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await handedOff(ports);
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 'f1' });
    await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID });
    const result = ports.callbacks.completed[0]?.output as { decision: 'reassign'; reassignments: number };
    expect(await runStep(ports, 'HandOff', HOT_ID, { previous: result })).toMatchObject({
      decision: 'assigned',
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner?.email).toBe(BEN);
    expect(lead.sla).toMatchObject({ handoffs: 2, reassignments: 0, excludedRepIds: ['anna'] });
    expect(ports.mailer.subjectsTo(BEN)).toEqual([expect.stringMatching(/^New lead for you/)]);
    const toManager = ports.mailer.sent.filter((m) => m.to.includes(MARA));
    expect(toManager.map((m) => m.text.split('\n')[0])).toEqual([
      `Anna Becker said this is not their lead, so it now belongs to Ben Vogel. Previous owner: ${ANNA}.`,
    ]);
  });

  it('declined before the wait began: the wait completes at once and the lead is not marked touched', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await handedOff(ports);
    expect(await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID })).toEqual({
      status: 'recorded',
      completions: [{ kind: 'first-touch', result: 'pending' }],
    });
    expect(await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 'f1' })).toEqual({
      registered: 'first-touch',
      completedAtOnce: true,
    });
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'reassign', reassignments: 0 } },
    ]);
    expect((await reload(ports, HOT_ID)).stage).toBe('assigned');
  });

  it('is applied once when the bus redelivers it', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await handedOff(ports);
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 'f1' });
    await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID }, { activityId: 'e-1' });
    expect(
      (await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID }, { activityId: 'e-1' })).status,
    ).toBe('duplicate');
    expect((await reload(ports, HOT_ID)).timeline.filter((e) => e.type === 'declined')).toHaveLength(1);
    expect(ports.callbacks.completed).toHaveLength(1);
  });

  it.each<[string, Stage, Partial<Lead>]>([
    ['a touched lead (reject it instead)', 'touched', {}],
    ['an accepted lead', 'accepted', {}],
    ['a lead in nurture', 'nurturing', {}],
    [
      'the fallback queue (nobody to hand it to)',
      'assigned',
      { owner: { name: 'Sales queue', email: 'q@x.example', fallback: true } },
    ],
  ])('is ignored for %s', async (_name, stage, change) => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await storedLead(ports, HOT, {
      stage,
      owner: { repId: 'anna', name: 'Anna Becker', email: ANNA },
      ...change,
    });
    const before = await reload(ports, HOT_ID);
    expect((await recordActivity(ports, 'LeadDeclined', { leadId: HOT_ID })).status).toBe('ignored');
    expect(await reload(ports, HOT_ID)).toEqual(before);
  });
});
