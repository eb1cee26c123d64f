/**
 * Sends notification emails through SES (v1 `SendEmail`): the text body always, the HTML body
 * when the message has one (clients show the HTML and fall back to the text), with the unit's
 * configuration set.
 *
 * Why no suppression check here: the configuration set has SES's own suppression switched on
 * for bounces and complaints (infra/constructs/mail-feedback.ts), so SES accepts a mail to an
 * address that bounced for good or complained and drops it without delivery, at no cost to us.
 * Reading the unit's suppression record before each send would repeat that verdict for one
 * DynamoDB request per recipient of every alert, on the happy path too. The record
 * (ses-feedback) is there for ops, who fix the routing config of an address SES has stopped.
 */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import type { EmailMessage } from '../domain/notifications.ts';
import type { Mailer as MailerPort } from '../use-cases/ports.ts';
import { sesClient } from './clients/ses.ts';

export interface MailerOptions {
  /** SES configuration set the mail is sent with: suppression, and events to ses-feedback. */
  configurationSet?: string;
}

export class Mailer implements MailerPort {
  constructor(
    private readonly sender: string,
    private readonly options: MailerOptions = {},
  ) {}

  /**
   * One message per recipient: a bounced or suppressed manager address cannot block the rep's
   * alert, nobody sees the other recipients, and the local SES stand-in (whose v1 parser keeps
   * only the first address of a list) shows exactly what each person received.
   */
  async send(message: EmailMessage): Promise<void> {
    for (const to of [...message.to, ...(message.cc ?? [])]) {
      await sesClient().send(
        new SendEmailCommand({
          Source: this.sender,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              ...(message.html ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
            },
          },
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
        }),
      );
    }
  }
}
