/**
 * In-memory stand-ins for what leaves Leadflow: events on the bus, emails, workflow callbacks
 * and execution starts. They record what was sent and validate it as the real adapters do
 * (events against the catalog), so a test or a simulation sees exactly what would go out.
 */

import type { EmailMessage } from '../../domain/notifications.ts';
import { LEADFLOW_EVENTS } from '../../events/catalog.ts';
import type {
  EventPublisher,
  LifecycleExecutions,
  Mailer,
  PublishedEvent,
  WaitResult,
  WorkflowCallbacks,
} from '../../use-cases/ports.ts';

export class RecordingEventPublisher implements EventPublisher {
  readonly published: Array<PublishedEvent & { occurredAt: string }> = [];

  async publish(events: PublishedEvent[], occurredAt: Date): Promise<void> {
    for (const event of events)
      LEADFLOW_EVENTS[event.name].parse({
        version: 1,
        eventId: event.eventId ?? 'unset',
        occurredAt: occurredAt.toISOString(),
        businessUnit: 'in-memory',
        leadId: event.leadId,
        data: event.data,
      });
    this.published.push(
      ...events.map((e) => ({ ...structuredClone(e), occurredAt: occurredAt.toISOString() })),
    );
  }

  names(leadId?: string): string[] {
    return this.published.filter((e) => !leadId || e.leadId === leadId).map((e) => e.name);
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: EmailMessage[] = [];

  async send(message: EmailMessage): Promise<void> {
    this.sent.push(structuredClone(message));
  }

  /** The mails as alerts: copies of one message (each recipient gets their own) merged, in order. */
  grouped(): EmailMessage[] {
    const alerts: EmailMessage[] = [];
    for (const m of this.sent) {
      const last = alerts.at(-1);
      const copy = last && last.subject === m.subject && last.text === m.text;
      if (copy && !m.to.some((to) => last.to.includes(to))) last.to = [...last.to, ...m.to];
      else alerts.push(structuredClone(m));
    }
    return alerts;
  }

  subjectsTo(address: string): string[] {
    return this.sent.filter((m) => m.to.includes(address) || m.cc?.includes(address)).map((m) => m.subject);
  }
}

/** Callbacks to a workflow: records each completion; a token marked stale is refused, as a timed-out wait is. */
export class RecordingCallbacks implements WorkflowCallbacks {
  readonly completed: Array<{ token: string; output: WaitResult }> = [];
  private readonly staleTokens = new Set<string>();

  markStale(token: string): void {
    this.staleTokens.add(token);
  }

  async completeWait(token: string, output: WaitResult): Promise<'completed' | 'stale'> {
    if (this.staleTokens.has(token)) return 'stale';
    this.staleTokens.add(token);
    this.completed.push({ token, output: structuredClone(output) });
    return 'completed';
  }
}

export class RecordingExecutions implements LifecycleExecutions {
  readonly started: Array<{ name: string; input: Record<string, unknown> }> = [];

  async start(name: string, input: Record<string, unknown>): Promise<'started' | 'already-running'> {
    if (this.started.some((s) => s.name === name)) return 'already-running';
    this.started.push({ name, input: structuredClone(input) });
    return 'started';
  }
}
