/**
 * The SES mailer against a mocked client: both bodies, the configuration set (whose SES
 * suppression drops bounced and complaining addresses), one message per recipient; plus what
 * SES's bounce and complaint events, as the configuration set publishes them, record.
 */
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Mailer } from '../../functions/adapters/mailer.ts';
import { suppressionsFrom } from '../../functions/use-cases/mail-feedback.ts';

const ses = mockClient(SESClient);
const message = {
  to: ['anna@demo.example.com', 'mara.manager@demo.example.com'],
  subject: 'New lead for you: Eva Schmidt (Acme GmbH)',
  text: 'A new sales-qualified lead was assigned to you.\n',
  html: '<!doctype html><p>A new sales-qualified lead was assigned to you.</p>',
};

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  process.env.AWS_REGION = 'eu-central-1';
});

describe('Mailer', () => {
  it('sends the text and the HTML body, UTF-8, with the configuration set, one recipient per message', async () => {
    await new Mailer('leadflow@demo.example.com', { configurationSet: 'leadflow-demo' }).send(message);
    const inputs = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual(
      message.to.map((to) => ({
        Source: 'leadflow@demo.example.com',
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            Html: { Data: message.html, Charset: 'UTF-8' },
          },
        },
        ConfigurationSetName: 'leadflow-demo',
      })),
    );
  });

  it('sends a text-only message as text, and names no configuration set when it has none', async () => {
    await new Mailer('leadflow@demo.example.com').send({
      ...message,
      to: ['ops@demo.example.com'],
      html: undefined,
    });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Message?.Body).toEqual({ Text: { Data: message.text, Charset: 'UTF-8' } });
    expect(input).not.toHaveProperty('ConfigurationSetName');
  });
});

describe('suppressionsFrom (SES events)', () => {
  const bounce = (bounceType: string) => ({
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: 'Gone <gone@acme.example>' },
        { emailAddress: 'left@acme.example' },
      ],
    },
    mail: { destination: ['gone@acme.example'] },
  });

  it('suppresses every recipient of a permanent bounce', () => {
    expect(suppressionsFrom(bounce('Permanent'))).toEqual([
      { address: 'gone@acme.example', reason: 'bounce', detail: 'Permanent/General' },
      { address: 'left@acme.example', reason: 'bounce', detail: 'Permanent/General' },
    ]);
  });

  it('leaves transient and undetermined bounces alone (a full mailbox recovers)', () => {
    expect(suppressionsFrom(bounce('Transient'))).toEqual([]);
    expect(suppressionsFrom(bounce('Undetermined'))).toEqual([]);
  });

  it('suppresses whoever complained, in the event and the notification format alike', () => {
    const complaint = {
      complaint: {
        complainedRecipients: [{ emailAddress: 'angry@acme.example' }],
        complaintFeedbackType: 'abuse',
      },
    };
    for (const type of [{ eventType: 'Complaint' }, { notificationType: 'Complaint' }])
      expect(suppressionsFrom({ ...type, ...complaint })).toEqual([
        { address: 'angry@acme.example', reason: 'complaint', detail: 'abuse' },
      ]);
  });

  it('ignores other events and reports malformed ones', () => {
    expect(suppressionsFrom({ eventType: 'Delivery', delivery: {} })).toEqual([]);
    expect(
      suppressionsFrom({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{}] } }),
    ).toEqual([]);
    expect(suppressionsFrom(null)).toBeInstanceOf(Error);
  });
});
