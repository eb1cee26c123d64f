/** Sends plain-text notification emails through SES (v1 API: the local stand-in speaks it too). */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import type { EmailMessage } from '../domain/notifications.ts';
import { sesClient } from './aws-clients.ts';

export class Mailer {
  constructor(private readonly sender: string) {}

  async send(message: EmailMessage): Promise<void> {
    await sesClient().send(
      new SendEmailCommand({
        Source: this.sender,
        Destination: { ToAddresses: message.to, CcAddresses: message.cc && message.cc.length > 0 ? message.cc : undefined },
        Message: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
        },
      }),
    );
  }
}
