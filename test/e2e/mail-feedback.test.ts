/**
 * SES feedback end to end in the local runtime: the ses-feedback function gets SES's event as
 * SNS delivers it and records the address for ops (first reason kept; a transient bounce
 * records nothing). The lifecycle's mails never read that record: on AWS the configuration
 * set's SES suppression drops mail to such an address, so a read per mail would only cost a
 * DynamoDB request per recipient of every alert.
 */
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../functions/adapters/aws-clients.ts';
import { DynamoSuppressionList } from '../../functions/adapters/suppression-list.ts';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

const snsEvent = (message: unknown): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:local:000000000000:leadflow-demo-mail-feedback:1',
      Sns: {
        Type: 'Notification',
        MessageId: 'm-1',
        TopicArn: 'arn:aws:sns:local:000000000000:leadflow-demo-mail-feedback',
        Subject: '',
        Message: JSON.stringify(message),
        Timestamp: '2026-03-23T09:00:00.000Z',
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    },
  ],
});

const bounce = (address: string, bounceType = 'Permanent') => ({
  eventType: 'Bounce',
  bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: address }] },
  mail: { destination: [address] },
});

const complaint = (address: string) => ({
  eventType: 'Complaint',
  complaint: { complainedRecipients: [{ emailAddress: address }], complaintFeedbackType: 'abuse' },
  mail: { destination: [address] },
});

/** The keys of every DynamoDB request the handlers make while `run` runs. */
async function keysTouched(run: () => Promise<void>): Promise<string[]> {
  const keys: string[] = [];
  const name = 'mailFeedbackTestKeys';
  dynamoDbClient().middlewareStack.add(
    (next) => async (args) => {
      // Document client commands arrive here with plain values, the others marshalled.
      type Pk = { pk?: string | { S?: string } };
      const input = args.input as { Key?: Pk; Item?: Pk };
      const pk = input.Key?.pk ?? input.Item?.pk;
      const value = typeof pk === 'string' ? pk : pk?.S;
      if (value) keys.push(value);
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await run();
  } finally {
    dynamoDbClient().middlewareStack.remove(name);
  }
  return keys;
}

describe('SES feedback', () => {
  it('records a permanent bounce for ops, and keeps its first reason when SES reports the address again', async () => {
    const records = new DynamoSuppressionList(h.local.tableName);
    expect(
      await h.local.invoker.invoke('ses-feedback', snsEvent(bounce('Anna <anna@demo.example.com>'))),
    ).toEqual({ recorded: 1, known: 0 });
    expect(
      await h.local.invoker.invoke('ses-feedback', snsEvent(complaint('anna@demo.example.com'))),
    ).toEqual({
      recorded: 0,
      known: 1,
    });
    expect(await records.lookup('ANNA@demo.example.com')).toEqual({
      reason: 'bounce',
      detail: 'Permanent/General',
      suppressedAt: '2026-03-23T09:00:00.000Z',
    });
    expect(await records.lookup('mara.manager@demo.example.com')).toBeUndefined();
  });

  it('a transient bounce records nothing', async () => {
    expect(
      await h.local.invoker.invoke('ses-feedback', snsEvent(bounce('anna@demo.example.com', 'Transient'))),
    ).toEqual({ recorded: 0, known: 0 });
    expect(
      await new DynamoSuppressionList(h.local.tableName).lookup('anna@demo.example.com'),
    ).toBeUndefined();
  });

  it("the lifecycle's mails read no suppression record, bounced recipient or not (SES drops those)", async () => {
    await h.local.invoker.invoke('ses-feedback', snsEvent(bounce('anna@demo.example.com')));
    const keys = await keysTouched(async () => {
      await h.captureLead(contactSales('eva@acme.example'));
      await h.runUntil('2026-03-23T10:01:00Z'); // reminder, then the breach at 11:00 Berlin: Anna and Mara
    });
    const mails = await h.emails();
    expect(mails.map((m) => m.to[0])).toEqual(
      expect.arrayContaining(['anna@demo.example.com', 'mara.manager@demo.example.com']),
    );
    expect(mails.length).toBeGreaterThanOrEqual(3);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((pk) => pk.startsWith('SUPPRESSED#'))).toEqual([]);
  });
});
