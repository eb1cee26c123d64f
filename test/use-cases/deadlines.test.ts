/**
 * DecisionOverdue and OutcomeOverdue against in-memory ports: a wake-up before the deadline
 * waits on; an overdue deadline is recorded once, alerts rep and manager once, and starts the
 * next window, in a single transition.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Stage } from '../../functions/domain/lead.ts';
import { MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';
import { decisionOverdue, outcomeOverdue } from '../../functions/use-cases/lifecycle/deadlines.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { StepContext } from '../../functions/use-cases/lifecycle/step-context.ts';
import { type InMemoryPorts, inMemoryPorts } from '../support/in-memory-ports.ts';
import { ANNA, EVA, HOT_ID, handedOff, MARA, MONDAY_10, reload, SALES_LEAD } from './fixtures.ts';

const NOW = MONDAY_10;
/** Monday 13:00 in Berlin. */
const MONDAY_13 = '2026-03-23T12:00:00.000Z';
/** 480 business minutes after Monday 13:00: Tuesday 13:00 in Berlin. */
const TUESDAY_13 = '2026-03-24T12:00:00.000Z';
/** 30 business days after Monday 13:00 (CET) is Monday 4 May, 13:00 (CEST). */
const MAY_4_13 = '2026-05-04T11:00:00.000Z';

afterEach(() => {
  vi.restoreAllMocks();
});

async function leadIn(ports: InMemoryPorts, stage: Stage, set: Record<string, unknown>) {
  await handedOff(ports);
  await ports.leads.transition(HOT_ID, { stage, set }, ports.clock.now());
  return reload(ports, HOT_ID);
}

describe('DecisionOverdue', () => {
  const previous = { decision: 'touched' as const, timeoutSeconds: 1 };
  const overdue = (ports: InMemoryPorts) => runStep(ports, 'DecisionOverdue', HOT_ID, { previous });

  it('waits until the acceptance deadline when woken before it', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const before = await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': MONDAY_13 });
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 3 * 3600 });
    expect(await reload(ports, HOT_ID)).toEqual(before);
    expect(ports.mailer.grouped()).toHaveLength(1);
  });

  it('records the overdue decision once, alerts rep and manager once and waits for the next window', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const before = await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': MONDAY_13 });
    ports.clock.set(MONDAY_13);
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 86_400 });
    const lead = await reload(ports, HOT_ID);
    expect(lead.version).toBe(before.version + 1);
    expect(lead.stage).toBe('touched');
    expect(lead.sla?.acceptanceDueAt).toBe(TUESDAY_13);
    expect(lead.timeline.slice(before.timeline.length)).toEqual([
      {
        at: MONDAY_13,
        type: 'decision-overdue',
        summary: `Accept/reject overdue since ${MONDAY_13}; manager alerted`,
      },
    ]);
    expect(
      ports.mailer
        .grouped()
        .slice(1)
        .map((m) => [m.to, m.subject]),
    ).toEqual([[[ANNA, MARA, SALES_LEAD], `Accept or reject ${EVA}: decision overdue`]]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1', `decision-overdue-${MONDAY_13}`]);
    expect(ports.events.names()).toEqual(['LeadAssigned']);

    // Retried: the new window is not due, so nothing more happens.
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 86_400 });
    expect((await reload(ports, HOT_ID)).version).toBe(before.version + 1);
    expect(ports.mailer.grouped()).toHaveLength(2);

    // The next window passes too: a second alert, keyed by that deadline.
    ports.clock.set(TUESDAY_13);
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 86_400 });
    expect(ports.alerts.markersOf(HOT_ID)).toContain(`decision-overdue-${TUESDAY_13}`);
    expect(ports.mailer.grouped()).toHaveLength(3);
  });

  it('does not mail twice for the same deadline even if it is recorded again', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': MONDAY_13 });
    await overdue(ports);
    await ports.leads.transition(HOT_ID, { set: { 'sla.acceptanceDueAt': MONDAY_13 } }, ports.clock.now());
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 86_400 });
    expect(ports.mailer.subjectsTo(MARA)).toEqual([`Accept or reject ${EVA}: decision overdue`]);
  });

  it('treats a lead without an acceptance deadline as overdue now', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'touched', {});
    expect(await overdue(ports)).toEqual({ decision: 'wait', timeoutSeconds: 86_400 });
    const lead = await reload(ports, HOT_ID);
    expect(lead.timeline.at(-1)?.summary).toBe('Accept/reject overdue since n/a; manager alerted');
    expect(lead.sla?.acceptanceDueAt).toBe(TUESDAY_13);
    expect(ports.alerts.markersOf(HOT_ID)).toContain(`decision-overdue-${MONDAY_13}`);
  });

  it('leaves the marker unset when the mail fails', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': MONDAY_13 });
    vi.spyOn(ports.mailer, 'send').mockRejectedValueOnce(new Error('SES down'));
    await expect(overdue(ports)).rejects.toThrow('SES down');
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1']);
  });

  it('the retry after a failed mail sends the overdue alert', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': MONDAY_13 });
    vi.spyOn(ports.mailer, 'send').mockRejectedValueOnce(new Error('SES down'));
    await expect(overdue(ports)).rejects.toThrow('SES down');
    await overdue(ports);
    expect(ports.mailer.subjectsTo(MARA)).toEqual([`Accept or reject ${EVA}: decision overdue`]);
  });
});

describe('OutcomeOverdue', () => {
  const previous = { decision: 'accepted' as const, timeoutSeconds: 1 };

  it('waits until the outcome deadline, in capped waits when it is far off', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    const before = await leadIn(ports, 'accepted', { 'sla.outcomeDueAt': MAY_4_13 });
    const direct = await outcomeOverdue(new StepContext(ports, HOT_ID), { previous });
    expect(direct).toEqual({ decision: 'wait', timeoutSeconds: 42 * 86_400 - 3600 });
    expect(await runStep(ports, 'OutcomeOverdue', HOT_ID, { previous })).toEqual({
      decision: 'wait',
      timeoutSeconds: MAX_WAIT_SECONDS,
    });
    expect(await reload(ports, HOT_ID)).toEqual(before);
  });

  it('records the overdue outcome once, alerts rep and manager and starts the next window', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const before = await leadIn(ports, 'accepted', { 'sla.outcomeDueAt': MONDAY_13 });
    ports.clock.set(MONDAY_13);
    const direct = await outcomeOverdue(new StepContext(ports, HOT_ID), { previous });
    expect(direct).toEqual({ decision: 'wait', timeoutSeconds: 42 * 86_400 - 3600 });
    const lead = await reload(ports, HOT_ID);
    expect(lead.version).toBe(before.version + 1);
    expect(lead.sla?.outcomeDueAt).toBe(MAY_4_13);
    expect(lead.sla?.acceptanceDueAt).toBeUndefined();
    expect(lead.timeline.slice(before.timeline.length).map((e) => [e.type, e.summary])).toEqual([
      ['outcome-overdue', `Outcome overdue since ${MONDAY_13}; manager alerted`],
    ]);
    expect(
      ports.mailer
        .grouped()
        .slice(1)
        .map((m) => [m.to, m.subject]),
    ).toEqual([[[ANNA, MARA, SALES_LEAD], `Outcome overdue for ${EVA}: record won or lost`]]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1', `outcome-overdue-${MONDAY_13}`]);

    expect(await runStep(ports, 'OutcomeOverdue', HOT_ID, { previous })).toEqual({
      decision: 'wait',
      timeoutSeconds: MAX_WAIT_SECONDS,
    });
    expect(ports.mailer.grouped()).toHaveLength(2);
  });

  it('treats a lead without an outcome deadline as overdue now', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'accepted', {});
    await outcomeOverdue(new StepContext(ports, HOT_ID), { previous });
    const lead = await reload(ports, HOT_ID);
    expect(lead.timeline.at(-1)?.summary).toBe('Outcome overdue since n/a; manager alerted');
    expect(ports.alerts.markersOf(HOT_ID)).toContain(`outcome-overdue-${MONDAY_13}`);
  });
});

describe('DecisionOverdue with the decision deadline and the outcome deadline both set', () => {
  it('reads only its own deadline', async () => {
    const ports = inMemoryPorts({ now: MONDAY_13 });
    await leadIn(ports, 'touched', { 'sla.acceptanceDueAt': TUESDAY_13, 'sla.outcomeDueAt': MONDAY_13 });
    const ctx = new StepContext(ports, HOT_ID);
    expect(await decisionOverdue(ctx, { previous: { decision: 'touched', timeoutSeconds: 1 } })).toEqual({
      decision: 'wait',
      timeoutSeconds: 86_400,
    });
    expect(ports.mailer.grouped()).toHaveLength(1);
  });
});
