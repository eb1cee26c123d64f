/**
 * Resume (where a restarted execution enters, with the wait the lead still owes) and
 * ContinueAsNew (a fresh execution before the one-year limit) against in-memory ports.
 */
import { describe, expect, it } from 'vitest';
import type { Lead, Stage } from '../../functions/domain/lead.ts';
import { executionTooOld } from '../../functions/use-cases/lifecycle/execution.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { at, DAY, HOT, HOT_ID, HOUR, handedOff, MINUTE, MONDAY_10, reload } from './fixtures.ts';

const NOW = MONDAY_10;
const WEEK_SECONDS = 7 * 86_400;

async function resumeIn(ports: InMemoryPorts, stage: Stage, change: Partial<Lead> = {}) {
  await storedLead(ports, HOT, { stage, executionStartedAt: '2025-01-01T00:00:00.000Z', ...change });
  return runStep(ports, 'Start', HOT_ID, {});
}

describe('Start, resuming', () => {
  it('qualifies a lead still captured (its first execution failed before Start wrote)', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'captured')).toEqual({
      decision: 'assigned',
      timeoutSeconds: expect.any(Number),
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead).toMatchObject({ executionStartedAt: NOW, stage: 'assigned' });
  });

  it('restarts the execution clock of a lead it resumes', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await resumeIn(ports, 'touched');
    expect(await reload(ports, HOT_ID)).toMatchObject({ executionStartedAt: NOW, version: 2 });
  });

  it('writes nothing when the clock was started less than a day ago (a retried Start)', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const startedAt = at(NOW, -23 * HOUR);
    await storedLead(ports, HOT, { stage: 'touched', executionStartedAt: startedAt });
    expect(await runStep(ports, 'Start', HOT_ID, {})).toMatchObject({ decision: 'await-decision' });
    expect(await reload(ports, HOT_ID)).toMatchObject({ executionStartedAt: startedAt, version: 1 });
  });

  it('hands a qualified lead off at once, on the lead as the clock write left it', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'qualified')).toEqual({
      decision: 'assigned',
      timeoutSeconds: expect.any(Number),
    });
    expect(await reload(ports, HOT_ID)).toMatchObject({
      stage: 'assigned',
      executionStartedAt: NOW,
      owner: expect.objectContaining({ repId: 'anna' }),
    });
  });

  it.each(['nurturing', 'recycled'] as const)(
    'waits for the next weekly check of a lead in stage %s',
    async (stage) => {
      const ports = inMemoryPorts({ now: NOW });
      const sla = { nurtureUntil: at(NOW, 30 * DAY) };
      expect(await resumeIn(ports, stage, { sla })).toEqual({
        decision: 'nurture',
        timeoutSeconds: WEEK_SECONDS,
      });
    },
  );

  it('waits only until nurtureUntil when nurture ends before the next check', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const sla = { nurtureUntil: at(NOW, 3 * DAY) };
    expect(await resumeIn(ports, 'nurturing', { sla })).toEqual({
      decision: 'nurture',
      timeoutSeconds: 3 * 86_400,
    });
  });

  it('checks a nurtured lead without nurtureUntil at once', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'nurturing')).toEqual({ decision: 'nurture', timeoutSeconds: 1 });
  });

  it('hands off again a lead assigned before its ladder was stored', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'assigned')).toEqual({
      decision: 'assigned',
      timeoutSeconds: expect.any(Number),
    });
    expect((await reload(ports, HOT_ID)).sla?.ladder).toBeDefined();
  });

  it('waits for the next rung of an assigned lead, and 1 second when a rung is overdue', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    ports.clock.set(at(NOW, 15 * MINUTE));
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'await-first-touch',
      timeoutSeconds: 30 * 60,
    });
    // The breach was due at 11:00 in Berlin; the wait after it would run to 11:30.
    ports.clock.set(at(NOW, 65 * MINUTE));
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'await-first-touch',
      timeoutSeconds: 1,
    });
    // A reassignment that is due (it has no wait of its own) also times out at once.
    await ports.leads.transition(HOT_ID, { set: { 'sla.ladder.escalationLevel': 3 } }, ports.clock.now());
    ports.clock.set(at(NOW, 3 * HOUR));
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'await-first-touch',
      timeoutSeconds: 1,
    });
  });

  it('waits for the rest of the acceptance window of a touched lead', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const sla = { acceptanceDueAt: at(NOW, 5 * HOUR) };
    expect(await resumeIn(ports, 'touched', { sla })).toEqual({
      decision: 'await-decision',
      timeoutSeconds: 5 * 3600,
    });
  });

  it('times out the acceptance wait at once when a touched lead has no deadline', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'touched')).toEqual({ decision: 'await-decision', timeoutSeconds: 1 });
  });

  it('waits for the rest of the outcome window of an accepted lead', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const sla = { outcomeDueAt: at(NOW, 2 * DAY) };
    expect(await resumeIn(ports, 'accepted', { sla })).toEqual({
      decision: 'await-outcome',
      timeoutSeconds: 2 * 86_400,
    });
  });

  it('times out the outcome wait at once when an accepted lead has no deadline', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await resumeIn(ports, 'accepted')).toEqual({ decision: 'await-outcome', timeoutSeconds: 1 });
  });

  it.each(['won', 'lost', 'disqualified', 'failed'] as const)(
    'ends at once for a lead in stage %s',
    async (stage) => {
      const ports = inMemoryPorts({ now: NOW });
      expect(await resumeIn(ports, stage)).toEqual({ decision: 'done' });
      expect((await reload(ports, HOT_ID)).executionStartedAt).toBe(NOW);
    },
  );
});

describe('ContinueAsNew', () => {
  const previous = { decision: 'continue-as-new' as const };

  it('starts generation 2 resuming at the stage, and notes it on the timeline', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'nurturing' });
    const name = `${HOT_ID}-g2`;
    expect(await runStep(ports, 'ContinueAsNew', HOT_ID, { previous })).toEqual({
      decision: 'continued',
      execution: name,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.lifecycleGeneration).toBe(2);
    expect(lead.stage).toBe('nurturing');
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'continued',
      summary: `Lifecycle continues in execution ${name}`,
    });
    expect(ports.executions.started).toEqual([{ name, input: { leadId: HOT_ID, resumeAt: 'nurturing' } }]);
  });

  it('counts generations on from the name of the execution it runs in', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'touched', lifecycleGeneration: 3 });
    expect(
      await runStep(ports, 'ContinueAsNew', HOT_ID, { previous }, { execution: `${HOT_ID}-g3` }),
    ).toEqual({
      decision: 'continued',
      execution: `${HOT_ID}-g4`,
    });
    expect(ports.executions.started).toEqual([
      { name: `${HOT_ID}-g4`, input: { leadId: HOT_ID, resumeAt: 'touched' } },
    ]);
  });

  it('a retried ContinueAsNew starts no second execution', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'nurturing' });
    await runStep(ports, 'ContinueAsNew', HOT_ID, { previous });
    await runStep(ports, 'ContinueAsNew', HOT_ID, { previous });
    expect(ports.executions.started.map((s) => s.name)).toEqual([`${HOT_ID}-g2`]);
  });
});

describe('executionTooOld', () => {
  const lead = (executionStartedAt?: string) => ({ executionStartedAt }) as Lead;
  const now = new Date(NOW);

  it('is true only after 300 days', () => {
    expect(executionTooOld(lead(at(NOW, -300 * DAY)), now)).toBe(false);
    expect(executionTooOld(lead(at(NOW, -300 * DAY - 1)), now)).toBe(true);
  });

  it('is false without a lead or a recorded start', () => {
    expect(executionTooOld(undefined, now)).toBe(false);
    expect(executionTooOld(lead(), now)).toBe(false);
  });
});
