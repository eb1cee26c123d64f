/**
 * The scenarios guard the synthesized definition itself: each case removes one timeout, retry
 * or catch from the state machine as `cdk synth` emits it and runs a scenario that depends on
 * it. The scenario holds on the real definition and fails on the altered one, so a change to
 * the workflow that AWS would execute differently cannot pass the suite unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import type { Asl, AslState } from '../../local/runtime/asl-engine-definition.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const START = '2026-03-23T09:00:00Z'; // Monday 10:00 in Berlin

function alter(state: string, change: (s: AslState) => void) {
  return (definition: Asl): Asl => {
    const target = definition.States[state];
    if (!target) throw new Error(`No state ${state} in the synthesized definition`);
    change(target);
    return definition;
  };
}

/**
 * Takes `error` out of the state's catchers. The catcher itself stays (matching an error nothing
 * raises), because a state only a catch leads to would otherwise be unreachable, which Step
 * Functions refuses at deploy time, just as CDK would drop it from the synthesized definition.
 */
const withoutCatch = (error: string) => (s: AslState) => {
  for (const catcher of s.Catch ?? [])
    catcher.ErrorEquals = catcher.ErrorEquals.map((e) => (e === error ? 'Leadflow.NeverRaised' : e));
};

const failOnce = (h: Harness, state: string, times = 1) =>
  h.local.invoker.intercept('lifecycle-step', {
    times,
    match: (e) => (e as { state?: string }).state === state,
    fail: () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
  });

interface Guard {
  name: string;
  alterDefinition: (definition: Asl) => Asl;
  /** True when the behaviour the altered part provides still happened. */
  holds(h: Harness): Promise<boolean>;
}

/** An untouched lead is reminded and then breaches: needs the first-touch wait to time out into its catch. */
const untouchedLeadEscalates = async (h: Harness) => {
  const leadId = await h.captureLead(contactSales('guard@acme.example'));
  await h.runUntil('2026-03-23T10:01:00Z');
  const lead = await h.getLead(leadId);
  const subjects = (await h.emails()).map((m) => m.subject);
  return (
    lead.stage === 'assigned' &&
    lead.sla.breachedAt === '2026-03-23T10:00:00.000Z' &&
    subjects.some((s) => s.startsWith('Reminder')) &&
    subjects.some((s) => s.startsWith('SLA breached'))
  );
};

/** A touched lead nobody accepts or rejects gets the decision-overdue alert after 8 business hours. */
const undecidedLeadIsChased = async (h: Harness) => {
  const leadId = await h.captureLead(contactSales('undecided@acme.example'));
  await h.activity('TouchLogged', { leadId, channel: 'call' });
  await h.runUntil('2026-03-24T10:01:00Z');
  const lead = await h.getLead(leadId);
  return lead.stage === 'touched' && lead.timeline.some((e) => e.type === 'decision-overdue');
};

/** An accepted lead without an outcome gets the outcome-overdue alert after 30 business days. */
const openDealIsChased = async (h: Harness) => {
  const leadId = await h.captureLead(contactSales('open-deal@acme.example'));
  await h.activity('LeadAccepted', { leadId });
  await h.runUntil('2026-05-06T09:00:00Z');
  const lead = await h.getLead(leadId);
  return lead.stage === 'accepted' && lead.timeline.some((e) => e.type === 'outcome-overdue');
};

/** A nurtured lead is re-checked weekly and leaves nurture after 90 days. */
const nurtureEnds = async (h: Harness) => {
  const leadId = await h.captureLead({ email: 'quiet@sleepy.example', country: 'FR', intent: 'newsletter' });
  await h.runUntil('2026-07-01T00:00:00Z');
  return (await h.getLead(leadId)).stage === 'disqualified';
};

/** A step that fails once (throttled) is retried and the lead carries on. */
const transientFailureIsRetried = (state: string) => async (h: Harness) => {
  failOnce(h, state);
  const leadId = await h.captureLead(contactSales(`retry-${state.toLowerCase()}@acme.example`));
  return (await h.getLead(leadId)).stage === 'assigned';
};

/**
 * HandOff runs for every hand-off after the first (Start hands an SQL off itself): here the rep
 * says "Not my lead", HandOff fails once, and its retry still hands the lead to someone else.
 */
const declinedLeadIsHandedOnDespiteAFailure = async (h: Harness) => {
  const leadId = await h.captureLead(contactSales('declined@acme.example'));
  const first = (await h.getLead(leadId)).owner?.repId;
  failOnce(h, 'HandOff');
  await h.activity('LeadDeclined', { leadId, reason: 'Wrong region' });
  const lead = await h.getLead(leadId);
  return lead.stage === 'assigned' && first !== undefined && lead.owner?.repId !== first;
};

/** A step that keeps failing parks the lead as failed and alerts ops. */
const permanentFailureIsRecorded = async (h: Harness) => {
  failOnce(h, 'Start', 10);
  const leadId = await h.captureLead(contactSales('broken@acme.example'));
  await h.local.stepFunctions.execution(leadId)?.done;
  const lead = await h.getLead(leadId);
  const alerted = (await h.emails()).some(
    (m) => m.to.includes('ops@demo.example.com') && m.subject.includes(leadId),
  );
  return lead.stage === 'failed' && alerted;
};

const GUARDS: Guard[] = [
  {
    name: 'the first-touch wait without its TimeoutSecondsPath',
    alterDefinition: alter('AwaitFirstTouch', (s) => {
      delete s.TimeoutSecondsPath;
    }),
    holds: untouchedLeadEscalates,
  },
  {
    name: 'the first-touch wait without its States.Timeout catch',
    alterDefinition: alter('AwaitFirstTouch', withoutCatch('States.Timeout')),
    holds: untouchedLeadEscalates,
  },
  {
    name: 'the decision wait without its TimeoutSecondsPath',
    alterDefinition: alter('AwaitDecision', (s) => {
      delete s.TimeoutSecondsPath;
    }),
    holds: undecidedLeadIsChased,
  },
  {
    name: 'the decision wait without its States.Timeout catch',
    alterDefinition: alter('AwaitDecision', withoutCatch('States.Timeout')),
    holds: undecidedLeadIsChased,
  },
  {
    name: 'the outcome wait without its TimeoutSecondsPath',
    alterDefinition: alter('AwaitOutcome', (s) => {
      delete s.TimeoutSecondsPath;
    }),
    holds: openDealIsChased,
  },
  {
    name: 'the outcome wait without its States.Timeout catch',
    alterDefinition: alter('AwaitOutcome', withoutCatch('States.Timeout')),
    holds: openDealIsChased,
  },
  {
    name: 'the nurture wait without its TimeoutSecondsPath',
    alterDefinition: alter('Nurture', (s) => {
      delete s.TimeoutSecondsPath;
    }),
    holds: nurtureEnds,
  },
  {
    name: 'Start without its retry',
    alterDefinition: alter('Start', (s) => {
      delete s.Retry;
    }),
    holds: transientFailureIsRetried('Start'),
  },
  {
    name: 'HandOff without its retry',
    alterDefinition: alter('HandOff', (s) => {
      delete s.Retry;
    }),
    holds: declinedLeadIsHandedOnDespiteAFailure,
  },
  {
    name: 'Start without its catch into RecordFailure',
    alterDefinition: alter('Start', withoutCatch('States.ALL')),
    holds: permanentFailureIsRecorded,
  },
  {
    name: 'RecordFailure without its retry',
    alterDefinition: alter('RecordFailure', (s) => {
      delete s.Retry;
    }),
    holds: async (h) => {
      // The failure recorder itself hits a throttle once: without its retry nobody hears of the lead.
      failOnce(h, 'RecordFailure');
      return permanentFailureIsRecorded(h);
    },
  },
];

async function holdsOn(guard: Guard, alterDefinition?: Guard['alterDefinition']): Promise<boolean> {
  const h = await startHarness({ start: START, alterDefinition });
  try {
    return await guard.holds(h);
  } finally {
    await h.stop();
  }
}

describe('scenarios guard the synthesized definition', () => {
  for (const guard of GUARDS) {
    it(`notice ${guard.name}`, async () => {
      expect(await holdsOn(guard)).toBe(true);
      expect(await holdsOn(guard, guard.alterDefinition)).toBe(false);
    });
  }
});
