/**
 * The lifecycle contract at both ends. At compile time (`npm run typecheck`): a step can only
 * return the decisions its state declares, and only read fields that the decisions leading
 * into it carry; each `@ts-expect-error` below fails the typecheck if that stops being an error.
 * At run time: the synthesized state machine routes every declared decision of every state to
 * its declared target, every wait's timeout to its onTimeout and every other failure to
 * RecordFailure, and every state is reachable from the entry.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../functions/use-cases/lifecycle/step.ts';
import { StepContext } from '../../functions/use-cases/lifecycle/step-context.ts';
import { synthesizeBusinessUnit } from '../../infra/synth.ts';
import {
  decisionsInto,
  endsExecution,
  enteringSchema,
  exits,
  LIFECYCLE,
  type LifecycleStateName,
  spec,
  TASK_STATES,
  WAIT_STATES,
} from '../../workflows/lifecycle-contract.ts';
import { inMemoryPorts } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';

// ---- Compile time ----------------------------------------------------------------------------

// @ts-expect-error HandOff declares only 'assigned': returning 'qualified' is rejected.
const returnsUndeclared: Step<'HandOff'> = async () => ({ decision: 'qualified' });

const readsReason: Step<'HandOff'> = async (_ctx, { previous }) => {
  // @ts-expect-error No decision leading into HandOff (sql, qualified, reassign, hand-off) carries a reason.
  const reason: string = previous.reason;
  return { decision: 'assigned', timeoutSeconds: reason.length };
};

const readsReassignmentsUnnarrowed: Step<'HandOff'> = async (_ctx, { previous }) => {
  // @ts-expect-error Only 'reassign' carries reassignments: reading it needs narrowing first.
  const count: number = previous.reassignments;
  return { decision: 'assigned', timeoutSeconds: count };
};

/** Narrowed on the decision, the same read compiles. */
const readsReassignments: Step<'HandOff'> = async (_ctx, { previous }) => ({
  decision: 'assigned',
  timeoutSeconds: previous.decision === 'reassign' ? previous.reassignments + 1 : 1,
});

describe('the contract types', () => {
  it('let a step read a field once it narrowed on the decision that carries it', async () => {
    const ctx = new StepContext(inMemoryPorts({ now: '2026-03-23T09:00:00.000Z' }), 'ld_x');
    expect(await readsReassignments(ctx, { previous: { decision: 'reassign', reassignments: 2 } })).toEqual({
      decision: 'assigned',
      timeoutSeconds: 3,
    });
    expect(await readsReassignments(ctx, { previous: { decision: 'qualified' } })).toEqual({
      decision: 'assigned',
      timeoutSeconds: 1,
    });
    // What the types reject exists only for tsc; at run time these are ordinary functions.
    expect([returnsUndeclared, readsReason, readsReassignmentsUnnarrowed].map((f) => typeof f)).toEqual([
      'function',
      'function',
      'function',
    ]);
  });

  it('are mirrored at run time: HandOff takes exactly the decisions leading into it', () => {
    expect(decisionsInto('HandOff').sort()).toEqual(['qualified', 'reassign']);
    const schema = enteringSchema('HandOff');
    expect(schema.safeParse({ decision: 'reassign', reassignments: 1, fallback: true }).success).toBe(true);
    expect(schema.safeParse({ decision: 'reassign' }).success).toBe(false);
    expect(schema.safeParse({ decision: 'rejected', reason: 'no budget' }).success).toBe(false);
    // NurtureCheck is also entered when the Nurture wait times out, with what entered the wait.
    expect(decisionsInto('NurtureCheck').sort()).toEqual(['engaged', 'keep-nurturing', 'nurture']);
  });
});

// ---- Run time: the synthesized state machine -------------------------------------------------

interface ChoiceRule {
  Variable?: string;
  StringEquals?: string;
  Or?: ChoiceRule[];
  Next?: string;
}
interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Parameters?: Record<string, unknown>;
}

const asl = synthesizeBusinessUnit(unitConfig()).stateMachineDefinition as {
  StartAt: string;
  States: Record<string, AslState>;
};
const states = asl.States;
const state = (name: string): AslState => {
  const s = states[name];
  if (!s) throw new Error(`no state ${name} in the definition`);
  return s;
};

const matches = (rule: ChoiceRule, decision: string): boolean =>
  rule.Or
    ? rule.Or.some((r) => matches(r, decision))
    : rule.Variable === '$.Payload.decision' && rule.StringEquals === decision;

/** Where the definition sends `decision` returned by `from`. */
function route(from: LifecycleStateName, decision: string): string | undefined {
  const next = state(from).Next;
  const choice = spec(from).choice;
  // A task that ends the execution itself succeeds it, exactly as Done would.
  if (!choice) return state(from).End ? 'Done' : next;
  expect(next).toBe(choice);
  const rules = state(choice).Choices ?? [];
  return rules.find((r) => matches(r, decision))?.Next ?? state(choice).Default;
}

describe('the synthesized state machine', () => {
  const all = [...TASK_STATES, ...WAIT_STATES];

  it('has one Task per contract state, invoked with its own state name', () => {
    expect(all).toHaveLength(Object.keys(LIFECYCLE.states).length);
    for (const name of all) {
      expect(state(name).Type, name).toBe('Task');
      const parameters = state(name).Parameters ?? {};
      // Waits invoke through the callback integration, which wraps the input in Payload.
      const input = (spec(name).type === 'wait' ? parameters.Payload : parameters) as Record<string, unknown>;
      expect(input.state, name).toBe(name);
    }
  });

  it.each(all)('routes every decision %s declares to its declared target', (name) => {
    const declared = exits(name);
    expect(declared.length).toBeGreaterThan(0);
    for (const { decision, to } of declared) expect(route(name, decision), `${name} -> ${decision}`).toBe(to);
    // Anything else is parked as failed, never routed on.
    if (spec(name).choice) {
      expect(route(name, 'no-such-decision')).toBe('UndeclaredDecision');
      expect(state('UndeclaredDecision').Next).toBe(LIFECYCLE.onFailure);
    }
  });

  it.each(all)(
    'catches %s: a wait timeout into onTimeout, every other failure into RecordFailure',
    (name) => {
      const s = spec(name);
      const catches = state(name).Catch ?? [];
      const expected = [
        ...(s.type === 'wait' ? [{ ErrorEquals: ['States.Timeout'], Next: s.onTimeout }] : []),
        ...(name === LIFECYCLE.onFailure ? [] : [{ ErrorEquals: ['States.ALL'], Next: LIFECYCLE.onFailure }]),
      ];
      expect(catches.map((c) => ({ ErrorEquals: c.ErrorEquals, Next: c.Next }))).toEqual(expected);
    },
  );

  it('ends the execution in the task itself where Done is its only way on', () => {
    const ending = all.filter((name) => endsExecution(name));
    expect(ending.sort()).toEqual(['ContinueAsNew', 'Disqualify', 'Outcome']);
    for (const name of ending) {
      expect(state(name).End, name).toBe(true);
      expect(state(name).Next, name).toBeUndefined();
    }
    for (const name of all.filter((n) => !endsExecution(n))) expect(state(name).End, name).toBeUndefined();
  });

  it('ends in Done (success) and LifecycleFailed (failure)', () => {
    expect(state('Done').Type).toBe('Succeed');
    expect(state('LifecycleFailed').Type).toBe('Fail');
  });

  it('reaches every state from Start', () => {
    expect(asl.StartAt).toBe(LIFECYCLE.startAt);
    const seen = new Set<string>();
    const queue = [asl.StartAt];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const s = state(name);
      const rules = (s.Choices ?? []).flatMap((r) => [r, ...(r.Or ?? [])]);
      for (const next of [
        s.Next,
        s.Default,
        ...rules.map((r) => r.Next),
        ...(s.Catch ?? []).map((c) => c.Next),
      ])
        if (next) queue.push(next);
    }
    const contract = [...all, 'Done', 'LifecycleFailed'];
    for (const name of contract) expect(seen.has(name), name).toBe(true);
    expect([...seen].sort()).toEqual(Object.keys(states).sort());
  });
});
