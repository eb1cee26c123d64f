/**
 * The alert outbox in memory, with the DynamoDB adapter's semantics (one record per lead and
 * marker; an unsent alert takes the latest message, a sent one never changes). Held to the
 * same contract tests.
 */
import type { EmailMessage } from '../../domain/notifications.ts';
import type { AlertOutbox } from '../../use-cases/ports.ts';

interface StoredAlert {
  /** Dropped once sent: nothing reads a sent alert's message again, and a quarter of rendered mail is gigabytes. */
  message?: EmailMessage;
  status: 'pending' | 'sent';
  recordedAt: string;
  sentAt?: string;
}

export class InMemoryAlertOutbox implements AlertOutbox {
  private readonly alerts = new Map<string, Map<string, StoredAlert>>();

  private of(leadId: string): Map<string, StoredAlert> {
    let alerts = this.alerts.get(leadId);
    if (!alerts) {
      alerts = new Map();
      this.alerts.set(leadId, alerts);
    }
    return alerts;
  }

  async record(
    leadId: string,
    marker: string,
    message: EmailMessage,
    now: Date,
  ): Promise<{ status: 'pending' | 'sent'; message: EmailMessage }> {
    const alerts = this.of(leadId);
    if (alerts.get(marker)?.status === 'sent') return { status: 'sent', message };
    alerts.set(marker, {
      message: structuredClone(message),
      status: 'pending',
      recordedAt: now.toISOString(),
    });
    return { status: 'pending', message };
  }

  async markSent(leadId: string, marker: string, now: Date): Promise<void> {
    const alert = this.of(leadId).get(marker);
    if (alert) Object.assign(alert, { status: 'sent', sentAt: now.toISOString(), message: undefined });
  }

  async pending(leadId: string): Promise<Array<{ marker: string; message: EmailMessage }>> {
    return [...this.of(leadId)]
      .filter(([, a]) => a.status === 'pending')
      .map(([marker, a]) => ({ marker, message: structuredClone(a.message as EmailMessage) }));
  }

  /**
   * Test view: the alerts of a lead that went out to at least one recipient, in the order they
   * were recorded (each recipient's copy is its own record, `<marker>#<address>`).
   */
  markersOf(leadId: string): string[] {
    const sent = [...this.of(leadId)]
      .filter(([, a]) => a.status === 'sent')
      .map(([marker]) => marker.split('#')[0]);
    return [...new Set(sent)] as string[];
  }
}
