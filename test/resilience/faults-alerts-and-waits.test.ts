/**
 * Alerts and wait completions under faults the first round of fault injection found to break
 * them (D1, D3, D4, D6 of the resilience report), each now guarded: an alert is recorded, sent
 * and marked per recipient; a mail SES refuses never re-sends another recipient's copy; a
 * redelivered activity finishes a completion Step Functions refused; and a long SES outage
 * still parks a failing lead.
 */
import { describe, expect, it } from 'vitest';
import { DynamoAlertOutbox } from '../../functions/adapters/alert-outbox.ts';
import { contactSales } from '../../local/driver.ts';
import { faultHarness, leadflowEvents, mailsTo } from './support/fault-harness.ts';
import { sdkAttempts, sesSubject, sesTo } from './support/fault-injector.ts';

const { h, faults } = faultHarness({
  start: '2026-03-23T09:00:00Z',
  file: 'faults-alerts-and-waits.test.ts',
});
const ANNA = 'anna@demo.example.com';
const MANAGER = 'mara.manager@demo.example.com';

describe('alerts', () => {
  // D1: marking an alert sent fails after the mail went out; the retried step must not resend it.
  it("sends 'New lead for you' once when marking it sent fails and HandOff is retried", async () => {
    const mark = faults.add({
      service: 'dynamodb',
      operation: 'UpdateItem',
      bodyIncludes: ['ALERT#assigned-1', 'sentAt'],
      kind: 'server-error',
      times: await sdkAttempts('dynamodb'),
    });
    await h.captureLead(contactSales('marked@acme.example'));
    expect(mark.left).toBe(0);
    expect(await mailsTo(h, ANNA, 'New lead for you')).toHaveLength(1);
  });

  // D3: each recipient's copy is its own outbox record, so the rep's copy is not sent twice.
  it("sends the rep's breach alert once when SES fails only on the manager's copy", async () => {
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
    expect(await mailsTo(h, ANNA, 'SLA breached')).toHaveLength(1);
  });

  // D6: RecordFailure publishes and parks before it mails, so SES being down loses no lead.
  it('parks a lead as failed when SES stays down through a breach and RecordFailure', async () => {
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
    // RecordFailure itself ends failed (its mail never went), but only after parking the lead.
    expect(execution.status).toBe('FAILED');
    expect(execution.path.at(-1)).toBe('RecordFailure');
    expect(leadflowEvents(h, leadId).filter((e) => e.type === 'LifecycleFailed')).toHaveLength(1);
    expect((await h.getLead(leadId)).stage).toBe('failed');
    // The ops alert waits in the outbox, for the redrive's Resume to send.
    const pending = await new DynamoAlertOutbox(h.local.tableName).pending(leadId);
    expect(pending.map((p) => p.message.to)).toContainEqual(['ops@demo.example.com']);
  });
});

describe('wait completion', () => {
  // D4: the redelivered activity re-sends the claimed result with the token it claimed.
  it('closes the lead when the bus redelivers an OutcomeRecorded whose SendTaskSuccess failed', async () => {
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
    expect((await h.getLead(leadId)).stage).toBe('won');
  });
});
