/**
 * The dispatcher: before a wait it caps the timeout at MAX_WAIT_SECONDS, and a looping state
 * whose execution is about to age out continues in a new execution instead; a step returning
 * an undeclared decision is refused.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Lead } from '../../functions/domain/lead.ts';
import { MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';
import { runStep, UndeclaredDecisionError } from '../../functions/use-cases/lifecycle/run-step.ts';
import { LeadNotFoundError, StepContext } from '../../functions/use-cases/lifecycle/step-context.ts';
import { declares, targetOf } from '../../workflows/lifecycle-contract.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { at, DAY, HOT, HOT_ID, handedOff, MINUTE, MONDAY_10, reload, WARM } from './fixtures.ts';

/** A seam for one test: Disqualify returns whatever is put here instead of running. */
const forced = vi.hoisted(() => ({ outcome: undefined as unknown }));
vi.mock('../../functions/use-cases/lifecycle/closing.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../functions/use-cases/lifecycle/closing.ts')>();
  return {
    ...real,
    disqualify: (...args: Parameters<typeof real.disqualify>) =>
      forced.outcome === undefined ? real.disqualify(...args) : Promise.resolve(forced.outcome),
  };
});

const NOW = MONDAY_10;
const WARM_ID = 'ld_max_acme_example';
const OLD = at(NOW, -301 * DAY);

/** Makes the lead's current execution `started` (ISO) old. */
const startedAt = (ports: InMemoryPorts, leadId: string, started: string) =>
  ports.leads.transition(leadId, { set: { executionStartedAt: started } }, ports.clock.now());

describe('runStep before a wait', () => {
  it('caps a wait longer than 14 days and leaves shorter ones alone', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const accepted = (outcomeDueAt: string) =>
      ({ stage: 'accepted', sla: { outcomeDueAt } }) as Partial<Lead>;
    await storedLead(ports, HOT, accepted(at(NOW, 40 * DAY)));
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'await-outcome',
      timeoutSeconds: MAX_WAIT_SECONDS,
    });
    await ports.leads.transition(
      HOT_ID,
      { set: { 'sla.outcomeDueAt': at(NOW, 14 * DAY) } },
      ports.clock.now(),
    );
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'await-outcome',
      timeoutSeconds: 14 * 86_400,
    });
    expect(MAX_WAIT_SECONDS).toBe(14 * 86_400);
  });

  it('passes decisions that lead to a task through unchanged', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    await startedAt(ports, HOT_ID, OLD);
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'assigned',
      timeoutSeconds: expect.any(Number),
    });
  });
});

describe('runStep continues a looping state in a new execution after 300 days', () => {
  it('NurtureCheck: keep-nurturing becomes continue-as-new', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'nurturing', sla: { nurtureStartedAt: at(NOW, -DAY) } });
    const previous = { decision: 'nurture' as const, timeoutSeconds: 1 };
    await startedAt(ports, WARM_ID, at(NOW, -300 * DAY));
    expect(await runStep(ports, 'NurtureCheck', WARM_ID, { previous })).toEqual({
      decision: 'keep-nurturing',
      timeoutSeconds: 7 * 86_400,
    });
    await startedAt(ports, WARM_ID, OLD);
    expect(await runStep(ports, 'NurtureCheck', WARM_ID, { previous })).toEqual({
      decision: 'continue-as-new',
    });
  });

  it('FirstTouchOverdue: a wait or an alerting rung becomes continue-as-new, after the rung is done', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    await startedAt(ports, HOT_ID, OLD);
    const previous = { decision: 'assigned' as const, timeoutSeconds: 1 };
    ports.clock.set(at(NOW, 20 * MINUTE));
    expect(await runStep(ports, 'FirstTouchOverdue', HOT_ID, { previous })).toEqual({
      decision: 'continue-as-new',
    });
    ports.clock.set(at(NOW, 45 * MINUTE));
    expect(await runStep(ports, 'FirstTouchOverdue', HOT_ID, { previous })).toEqual({
      decision: 'continue-as-new',
    });
    expect((await reload(ports, HOT_ID)).sla?.ladder?.reminderSent).toBe(true);
    expect(ports.mailer.grouped()).toHaveLength(2);
  });

  it('FirstTouchOverdue: a reassignment still goes to HandOff', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    await ports.leads.transition(HOT_ID, { set: { 'sla.ladder.escalationLevel': 3 } }, ports.clock.now());
    await startedAt(ports, HOT_ID, OLD);
    ports.clock.set(at(NOW, 3 * 60 * MINUTE));
    const previous = { decision: 'escalate' as const, timeoutSeconds: 1 };
    expect(await runStep(ports, 'FirstTouchOverdue', HOT_ID, { previous })).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
  });

  it('DecisionOverdue and OutcomeOverdue: the wait becomes continue-as-new', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, {
      stage: 'touched',
      executionStartedAt: OLD,
      sla: { acceptanceDueAt: at(NOW, DAY), outcomeDueAt: at(NOW, DAY) },
    });
    expect(
      await runStep(ports, 'DecisionOverdue', HOT_ID, {
        previous: { decision: 'touched', timeoutSeconds: 1 },
      }),
    ).toEqual({ decision: 'continue-as-new' });
    expect(
      await runStep(ports, 'OutcomeOverdue', HOT_ID, {
        previous: { decision: 'accepted', timeoutSeconds: 1 },
      }),
    ).toEqual({ decision: 'continue-as-new' });
  });

  it('a state without continue-as-new never continues, however old the execution', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { executionStartedAt: OLD });
    expect(await runStep(ports, 'Start', WARM_ID, {})).toEqual({
      decision: 'nurture',
      timeoutSeconds: 7 * 86_400,
    });
    await startedAt(ports, WARM_ID, OLD);
    expect(
      await runStep(ports, 'Recycle', WARM_ID, {
        previous: { decision: 'recycle', reason: 'nurture-expired' },
      }),
    ).toEqual({ decision: 'nurture', timeoutSeconds: 7 * 86_400 });

    const other = inMemoryPorts({ now: NOW });
    await storedLead(other, HOT, { stage: 'qualified', executionStartedAt: OLD });
    expect(await runStep(other, 'HandOff', HOT_ID, { previous: { decision: 'qualified' } })).toEqual({
      decision: 'assigned',
      timeoutSeconds: 45 * 60,
    });
  });
});

describe('StepContext', () => {
  it('reads the lead once per step', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    const ctx = new StepContext(ports, HOT_ID);
    expect(ctx.leadIfLoaded).toBeUndefined();
    const first = await ctx.lead();
    await ports.leads.transition(HOT_ID, { stage: 'qualified' }, ports.clock.now());
    expect(await ctx.lead()).toBe(first);
    expect(ctx.leadIfLoaded).toBe(first);
    expect(first.stage).toBe('captured');
  });

  it('fails a step about a lead that does not exist', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const run = runStep(ports, 'Start', 'ld_missing', {});
    await expect(run).rejects.toThrow(new LeadNotFoundError('Lead ld_missing does not exist'));
    await expect(run).rejects.toMatchObject({ name: 'LeadNotFoundError' });
  });
});

describe('runStep refuses undeclared decisions', () => {
  it('throws UndeclaredDecisionError when a step returns a decision its state does not declare', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    forced.outcome = { decision: 'sql' };
    try {
      const run = runStep(ports, 'Disqualify', HOT_ID, { previous: { decision: 'disqualify', reason: 'x' } });
      await expect(run).rejects.toThrow(
        new UndeclaredDecisionError('Disqualify returned the undeclared decision "sql"'),
      );
      await expect(run).rejects.toMatchObject({ name: 'UndeclaredDecisionError' });
    } finally {
      forced.outcome = undefined;
    }
    // The seam is off again: the real step runs.
    expect(
      await runStep(ports, 'Disqualify', HOT_ID, { previous: { decision: 'disqualify', reason: 'x' } }),
    ).toEqual({
      decision: 'done',
    });
  });

  it('leaves a timeout on a decision that leads to an end alone: only waits are capped', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    forced.outcome = { decision: 'done', timeoutSeconds: 2_000_000 };
    try {
      expect(
        await runStep(ports, 'Disqualify', HOT_ID, { previous: { decision: 'disqualify', reason: 'x' } }),
      ).toEqual({ decision: 'done', timeoutSeconds: 2_000_000 });
    } finally {
      forced.outcome = undefined;
    }
  });

  it('matches the contract: what a state declares and where it leads', () => {
    expect(declares('HandOff', 'assigned')).toBe(true);
    expect(declares('HandOff', 'qualified')).toBe(false);
    expect(declares('Disqualify', 'toString')).toBe(false);
    expect(targetOf('FirstTouchOverdue', 'reassign')).toBe('HandOff');
    expect(targetOf('Disqualify', 'done')).toBe('Done');
    expect(targetOf('HandOff', 'qualified')).toBeUndefined();
  });
});
