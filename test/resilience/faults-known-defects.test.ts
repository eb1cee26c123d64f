/**
 * Defects the fault injection found in functions/ (not fixed here: that code is being changed
 * elsewhere). Each test states the behaviour Leadflow promises and is marked `it.fails` because
 * today it does not hold; when a fix lands, the test passes, `it.fails` reports that, and the
 * marker should be dropped. The ids (D1…) are the ones of the resilience report.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { faultHarness, leadflowEvents, mailsTo } from './support/fault-harness.ts';
import { sdkAttempts, sesSubject, sesTo } from './support/fault-injector.ts';

const { h, faults } = faultHarness({ start: '2026-03-23T09:00:00Z', file: 'faults-known-defects.test.ts' });
const ANNA = 'anna@demo.example.com';
const MANAGER = 'mara.manager@demo.example.com';

describe('alerts', () => {
  // D1. StepContext.notifyOnce records the alert, sends it, and marks it sent in a separate write
  // (functions/use-cases/lifecycle/step-context.ts, adapters/alert-outbox.ts). When that last
  // write fails (or the runtime dies before it: the crash-restart test sees the same), the alert
  // is still 'pending', so the retried step (or Resume's sendPendingAlerts) mails it again.
  it.fails("sends 'New lead for you' once when marking it sent fails and HandOff is retried", async () => {
    const mark = faults.add({
      service: 'dynamodb',
      operation: 'UpdateItem',
      bodyIncludes: ['ALERT#assigned-1', 'sentAt'],
      kind: 'server-error',
      times: await sdkAttempts('dynamodb'),
    });
    await h.captureLead(contactSales('marked@acme.example'));
    expect(mark.left).toBe(0);
    expect(await mailsTo(h, ANNA, 'New lead for you')).toHaveLength(1); // today: 2
  });

  // D3. Mailer.send (functions/adapters/mailer.ts) sends one SendEmail per recipient in a loop,
  // and the outbox marks the alert as a whole: when SES fails on the manager's copy after the
  // rep's went out, the retried step sends the rep's copy again.
  it.fails("sends the rep's breach alert once when SES fails only on the manager's copy", async () => {
    const leadId = await h.captureLead(contactSales('breach@acme.example'));
    await h.runUntil('2026-03-23T09:50:00Z');
    const managerCopy = faults.add({
      service: 'ses',
      bodyIncludes: [sesTo(MANAGER), sesSubject('SLA breached')],
      kind: 'server-error',
      status: 503,
      times: await sdkAttempts('ses'),
    });
    await h.runUntil('2026-03-23T10:05:00Z');
    expect(managerCopy.left).toBe(0);
    expect(h.local.stepFunctions.execution(leadId)!.retries).toEqual(['FirstTouchOverdue']);
    expect(await mailsTo(h, MANAGER, 'SLA breached')).toHaveLength(1);
    expect(await mailsTo(h, ANNA, 'SLA breached')).toHaveLength(1); // today: 2
  });

  // D6. RecordFailure mails ops before it parks the lead (closing.ts: "ops hear of it first").
  // When SES is down for longer than the retries (a regional outage, the daily sending quota
  // used up), RecordFailure itself fails: the execution ends FAILED, the lead stays in its open
  // stage with no execution and no LifecycleFailed event, and the redrive (which looks for
  // stage 'failed') does not find it. On AWS nothing resumes it: the lead is lost.
  it.fails('parks a lead as failed when SES stays down through a breach and RecordFailure', async () => {
    const leadId = await h.captureLead(contactSales('outage@acme.example'));
    await h.runUntil('2026-03-23T09:50:00Z');
    faults.add({
      service: 'ses',
      operation: 'SendEmail',
      kind: 'server-error',
      status: 503,
      times: Infinity,
    });
    await h.runUntil('2026-03-23T10:05:00Z');
    const execution = h.local.stepFunctions.execution(leadId)!;
    await execution.done;
    expect(execution.path.slice(-2)).toEqual(['RecordFailure', 'LifecycleFailed']);
    expect(leadflowEvents(h, leadId).filter((e) => e.type === 'LifecycleFailed')).toHaveLength(1);
    expect((await h.getLead(leadId)).stage).toBe('failed'); // today: 'assigned', with no execution
  });
});

describe('wait completion', () => {
  // D4 (what is left of it since db0bf5e). completeWait claims the wait (token and pending result
  // removed, the result kept as `claimed:<kind>`) and then calls SendTaskSuccess. If that call
  // fails past the SDK's retries, the handler fails and the bus redelivers the activity, but the
  // redelivery is a duplicate (already applied) and completePending finds nothing pending, so
  // the wait is not ended: the claimed result is only taken by the wait's overdue step when the
  // wait times out. Nothing is lost any more, but a won deal recorded at 10:00 on 23 March closes
  // on 6 April (the capped outcome wait), holding the rep's capacity and LeadConverted until then.
  it.fails('closes the lead when the bus redelivers an OutcomeRecorded whose SendTaskSuccess failed', async () => {
    const leadId = await h.captureLead(contactSales('won@acme.example'));
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    await h.activity('LeadAccepted', { leadId });
    await h.runUntil('2026-03-23T10:00:00Z');
    const sfn = faults.add({
      service: 'sfn',
      operation: 'SendTaskSuccess',
      kind: 'throttle',
      times: await sdkAttempts('sfn'),
    });
    await h.activity('OutcomeRecorded', { leadId, result: 'won' });
    await h.runUntil('2026-03-23T10:05:00Z'); // redelivered at 10:01
    expect(sfn.left).toBe(0);
    expect((await h.getLead(leadId)).stage).toBe('won'); // today: 'accepted' until 6 April
  });
});
