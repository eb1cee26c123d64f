/**
 * Fault injection into the AWS SDK calls the real handlers make (DynamoDB, EventBridge
 * PutEvents, SES SendEmail, Step Functions StartExecution/SendTaskSuccess), through the local
 * runtime and the synthesized state machine in virtual time. A fault that fails fewer attempts
 * than the SDK makes is absorbed by the SDK's own retries; one that fails `sdkAttempts` in a row
 * fails the Lambda, and then the state machine's Retry (steps) or the bus's redelivery
 * (activity) has to carry the work through, repeating nothing: the same timeline, the same
 * events (by id) and every mail once. More alert and wait cases: faults-alerts-and-waits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { HAPPY_PATH_DECISIONS, pathThrough } from '../../workflows/lifecycle-contract.ts';
import { distinctEvents, faultHarness, leadflowEvents, mailsTo } from './support/fault-harness.ts';
import { sdkAttempts, sesSubject, sesTo } from './support/fault-injector.ts';

// Monday 23 March 2026, 10:00 in Berlin: first touch due within 60 business minutes.
const { h, faults } = faultHarness({ start: '2026-03-23T09:00:00Z', file: 'faults.test.ts' });
const ANNA = 'anna@demo.example.com';
const MANAGER = 'mara.manager@demo.example.com';
const OPS = 'ops@demo.example.com';

describe('transient faults at every layer', () => {
  it("completes a hand-raiser's happy path with the same timeline, events and one 'New lead for you' mail", async () => {
    const ddb = await sdkAttempts('dynamodb');
    const ses = await sdkAttempts('ses');
    const bus = await sdkAttempts('eventbridge');
    const rules = [
      // Absorbed by the SDK's retries: the handlers never see them.
      faults.add({ service: 'dynamodb', operation: 'GetItem', kind: 'throttle', times: 1 }),
      faults.add({
        service: 'sfn',
        operation: 'StartExecution',
        kind: 'server-error',
        status: 503,
        times: 2,
      }),
      faults.add({ service: 'sfn', operation: 'SendTaskSuccess', kind: 'throttle', times: 2 }),
      faults.add({ service: 'eventbridge', bodyIncludes: ['LeadAccepted'], kind: 'timeout', times: 1 }),
      // Outlast the SDK: the step's Lambda fails and the state machine's Retry runs it again.
      faults.add({
        service: 'dynamodb',
        operation: 'UpdateItem',
        bodyIncludes: ['scored'],
        kind: 'server-error',
        times: ddb,
      }),
      faults.add({
        service: 'ses',
        bodyIncludes: [sesSubject('New lead for you')],
        kind: 'server-error',
        status: 503,
        times: ses,
      }),
      faults.add({ service: 'eventbridge', bodyIncludes: ['LeadAssigned'], kind: 'timeout', times: bus }),
      faults.add({
        service: 'eventbridge',
        bodyIncludes: ['LeadConverted'],
        kind: 'server-error',
        times: bus,
      }),
    ];

    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    await h.runUntil('2026-03-23T09:20:00Z');
    await h.activity('TouchLogged', { leadId, channel: 'call', repEmail: ANNA });
    await h.runUntil('2026-03-23T09:30:00Z');
    await h.activity('LeadAccepted', { leadId });
    await h.runUntil('2026-03-23T10:00:00Z');
    await h.activity('OutcomeRecorded', { leadId, result: 'won' });
    const execution = h.local.stepFunctions.execution(leadId)!;
    await execution.done;

    expect(rules.map((r) => r.left)).toEqual(rules.map(() => 0));
    expect(execution.status).toBe('SUCCEEDED');
    expect(h.path(leadId)).toEqual(pathThrough(HAPPY_PATH_DECISIONS));
    // The first read and the hand-off's faults are Start's to retry (it hands an SQL off itself).
    expect(execution.retries).toEqual(['Start', 'Start', 'Outcome']);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('won');
    expect(lead.timeline.map((e) => `${e.at} ${e.type}`)).toEqual([
      '2026-03-23T09:00:00.000Z captured',
      '2026-03-23T09:00:00.000Z scored',
      '2026-03-23T09:00:00.000Z qualified',
      '2026-03-23T09:00:00.000Z assigned',
      '2026-03-23T09:20:00.000Z touch',
      '2026-03-23T09:30:00.000Z accepted',
      '2026-03-23T10:00:00.000Z outcome-logged',
      '2026-03-23T10:00:00.000Z won',
    ]);
    expect(lead.sla.touchAttempts).toBe(1);
    expect(distinctEvents(h, leadId).map((e) => e.type)).toEqual([
      'LeadCaptured',
      'LeadScored',
      'LeadQualified',
      'LeadAssigned',
      'LeadTouched',
      'LeadAccepted',
      'LeadConverted',
    ]);
    // A step retried after its events went out publishes them again under the same ids.
    for (const e of leadflowEvents(h, leadId)) expect(e.eventId).toMatch(new RegExp(`^${leadId}:`));
    expect(await mailsTo(h, ANNA)).toEqual([expect.stringMatching(/^New lead for you: Eva Schmidt/)]);
    expect(await h.emails()).toHaveLength(1);
  });
});

describe('a permanent failure', () => {
  it('parks the lead as failed, emits LifecycleFailed and mails ops once, though RecordFailure hits a transient fault', async () => {
    // The routing items (TEAM#…, REP#…) only a hand-off reads: access to them is denied for good.
    const denied = faults.add({
      service: 'dynamodb',
      bodyIncludes: ['TEAM#dach'],
      kind: 'permanent',
      times: Infinity,
    });
    const opsMail = faults.add({
      service: 'ses',
      bodyIncludes: [sesTo(OPS), sesSubject('Leadflow could not process lead')],
      kind: 'throttle',
      times: await sdkAttempts('ses'),
    });
    const leadId = await h.captureLead(contactSales('broken@acme.example'));
    const execution = h.local.stepFunctions.execution(leadId)!;
    await execution.done;

    expect(execution.status).toBe('FAILED');
    expect(execution.retries).toEqual(['Start', 'Start', 'Start', 'RecordFailure']);
    expect(execution.path.slice(-3)).toEqual(['Start', 'RecordFailure', 'LifecycleFailed']);
    expect(opsMail.left).toBe(0);
    expect(faults.injected.filter((f) => f.kind === 'permanent').length).toBeGreaterThanOrEqual(4);
    expect(denied.left).toBe(Infinity);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('failed');
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'failed',
      summary: expect.stringMatching(/in stage qualified: AccessDeniedException/),
    });
    expect(leadflowEvents(h, leadId).filter((e) => e.type === 'LifecycleFailed')).toHaveLength(1);
    expect(await mailsTo(h, OPS)).toEqual([`Leadflow could not process lead ${leadId}`]);
    expect(await mailsTo(h, ANNA)).toEqual([]);
  });
});

describe('an SES outage', () => {
  it('delays a breach alert until SES recovers; the retried step sends it once to each recipient', async () => {
    const leadId = await h.captureLead(contactSales('quiet@acme.example'));
    await h.runUntil('2026-03-23T09:50:00Z'); // the reminder went out at 09:45
    expect(await mailsTo(h, ANNA, 'Reminder')).toHaveLength(1);
    // SES refuses every mail for two whole attempts of the breach step and the first try of the third.
    const ses = await sdkAttempts('ses');
    const outage = faults.add({
      service: 'ses',
      operation: 'SendEmail',
      kind: 'server-error',
      status: 503,
      times: 2 * ses + 1,
    });
    await h.runUntil('2026-03-23T10:05:00Z');

    expect(outage.left).toBe(0);
    expect(h.local.stepFunctions.execution(leadId)!.retries).toEqual([
      'FirstTouchOverdue',
      'FirstTouchOverdue',
    ]);
    expect(await mailsTo(h, ANNA, 'SLA breached')).toHaveLength(1);
    expect(await mailsTo(h, MANAGER, 'SLA breached')).toHaveLength(1);
    const lead = await h.getLead(leadId);
    expect(lead.sla.breachedAt).toBe('2026-03-23T10:00:00.000Z');
    expect(lead.timeline.filter((e) => e.type === 'breached')).toHaveLength(1);
    expect(leadflowEvents(h, leadId).filter((e) => e.type === 'FollowUpBreached')).toHaveLength(1);
    expect(await mailsTo(h, ANNA, 'Reminder')).toHaveLength(1);
  });
});

describe('PutEvents failures', () => {
  it('publishes the event of a failed step on its retry, under the same event id', async () => {
    const failing = faults.add({
      service: 'eventbridge',
      bodyIncludes: ['LeadQualified'],
      kind: 'server-error',
      times: await sdkAttempts('eventbridge'),
    });
    const leadId = await h.captureLead(contactSales('events@acme.example'));
    expect(failing.left).toBe(0);
    expect(h.local.stepFunctions.execution(leadId)!.retries).toEqual(['Start']);
    const qualified = leadflowEvents(h, leadId).filter((e) => e.type === 'LeadQualified');
    expect(qualified).toEqual([
      { type: 'LeadQualified', eventId: expect.stringMatching(`^${leadId}:qualified`) },
    ]);
    expect((await h.getLead(leadId)).stage).toBe('assigned');
  });

  it('starts one lifecycle when a lost PutEvents answer makes the SDK put LeadCaptured twice', async () => {
    // The bus took the event, but the answer was lost: the SDK's retry puts it again.
    const lost = faults.add({
      service: 'eventbridge',
      bodyIncludes: ['LeadCaptured'],
      kind: 'lost-response',
      times: 1,
    });
    const leadId = await h.captureLead(contactSales('twice@acme.example'));
    expect(lost.left).toBe(0);
    const captured = leadflowEvents(h, leadId).filter((e) => e.type === 'LeadCaptured');
    expect(captured).toHaveLength(2);
    expect(new Set(captured.map((e) => e.eventId)).size).toBe(1);
    expect(h.local.stepFunctions.list().filter((e) => e.name.startsWith(leadId))).toHaveLength(1);
    expect((await h.getLead(leadId)).timeline.filter((e) => e.type === 'assigned')).toHaveLength(1);
    expect(await mailsTo(h, ANNA, 'New lead for you')).toHaveLength(1);
  });
});

describe('activity redelivered by the bus', () => {
  it('applies a TouchLogged whose write kept failing exactly once, at its own time, when the bus redelivers it', async () => {
    const leadId = await h.captureLead(contactSales('touch@acme.example'));
    await h.runUntil('2026-03-23T09:20:00Z');
    // The touch's write (which also claims the first-touch wait) fails through every SDK attempt.
    const write = faults.add({
      service: 'dynamodb',
      operation: 'UpdateItem',
      bodyIncludes: ['claimedToken:first-touch'],
      kind: 'server-error',
      status: 503,
      times: await sdkAttempts('dynamodb'),
    });
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    expect(write.left).toBe(0);
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    expect(h.path(leadId).at(-1)).toBe('AwaitFirstTouch');
    expect(h.local.bus.pendingRedeliveries).toBe(1);

    await h.runUntil('2026-03-23T09:21:00Z'); // redelivered one minute later
    expect(h.path(leadId).at(-1)).toBe('AwaitDecision');
    await h.runUntil('2026-03-23T10:30:00Z');
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('touched');
    expect(lead.sla.touchAttempts).toBe(1);
    // The touch counts from when it was logged, not from the redelivery.
    expect(lead.sla.firstTouchAt).toBe('2026-03-23T09:20:00.000Z');
    expect(lead.timeline.filter((e) => e.type === 'touch')).toHaveLength(1);
    expect(h.local.bus.deadLetters()).toEqual([]);
    // The wait ended with the touch, so the first-touch ladder never ran.
    expect(await mailsTo(h, ANNA)).toEqual([expect.stringMatching(/^New lead for you/)]);
  });

  // Both were D4/D5 of the resilience report until db0bf5e: the claimed result was lost, and a
  // touched lead got the reminder, the breach alert and the escalation ladder.
  for (const [name, arm] of [
    [
      'SendTaskSuccess fails after the wait was claimed',
      async () =>
        faults.add({
          service: 'sfn',
          operation: 'SendTaskSuccess',
          kind: 'throttle',
          times: await sdkAttempts('sfn'),
        }),
    ],
    [
      'the answer to the write that claims the wait is lost and the SDK retries it',
      async () =>
        faults.add({
          service: 'dynamodb',
          operation: 'UpdateItem',
          bodyIncludes: ['claimedToken:first-touch'],
          kind: 'lost-response',
          times: 1,
        }),
    ],
  ] as const)
    it(`keeps a touch when ${name}: no reminder, no breach, and the decision is due a day after the touch`, async () => {
      const leadId = await h.captureLead(contactSales('claimed@acme.example'));
      await h.runUntil('2026-03-23T09:20:00Z');
      const fault = await arm();
      await h.activity('TouchLogged', { leadId, channel: 'call' });
      await h.runUntil('2026-03-23T10:30:00Z');
      expect(fault.left).toBe(0);
      const lead = await h.getLead(leadId);
      expect(lead.stage).toBe('touched');
      expect(lead.sla.acceptanceDueAt).toBe('2026-03-24T09:20:00.000Z');
      expect(lead.timeline.map((e) => e.type)).toEqual([
        'captured',
        'scored',
        'qualified',
        'assigned',
        'touch',
      ]);
      // Taken by the wait's overdue step at the latest (its first timeout, the reminder time).
      expect(h.path(leadId).at(-1)).toBe('AwaitDecision');
      expect(await mailsTo(h, ANNA)).toEqual([expect.stringMatching(/^New lead for you/)]);
    });
});
