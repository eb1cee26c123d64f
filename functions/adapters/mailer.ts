/** Sends plain-text notification emails through SES (v1 API). */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import type { EmailMessage } from '../domain/notifications.ts';
import type { Mailer as MailerPort } from '../use-cases/ports.ts';
import { sesClient } from './clients/ses.ts';

export class Mailer implements MailerPort {
  constructor(private readonly sender: string) {}

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
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        }),
      );
    }
  }
}
