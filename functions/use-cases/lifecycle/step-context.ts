/**
 * What every lifecycle step works with: the ports, one instant (`now`) for the whole step,
 * the lead (loaded once), and one way to record a transition: its alerts, then its events,
 * then the change. The change comes last because it is what tells a retried step that the work
 * is done: if a mail or the bus fails, nothing is recorded and the retry does it all again;
 * alerts go out once per marker (the outbox) and events carry stable ids, so doing it again
 * repeats nothing. Alerts are composed from the lead as the change will leave it.
 */
import type { BusinessCalendar } from '../../../config/schema.ts';
import { withPauses } from '../../domain/business-hours.ts';
import type { Lead, Owner } from '../../domain/lead.ts';
import { applyLeadChange } from '../../domain/lead-change.ts';
import {
  composeNotifications,
  type EmailMessage,
  type NotificationFacts,
} from '../../domain/notifications.ts';
import { calendarForOwner } from '../../domain/owner-calendar.ts';
import { timelineEntry } from '../../domain/timeline.ts';
import type { LeadflowEventData, LeadflowEventName } from '../../events/catalog.ts';
import type { LeadChange, LifecyclePorts, PublishedEvent } from '../ports.ts';

export class LeadNotFoundError extends Error {
  override name = 'LeadNotFoundError';
}

/** An alert to send once: `marker` names it on the lead (per hand-off, rung, deadline, ...). */
export interface Alert {
  marker: string;
  facts: Omit<NotificationFacts, 'now'>;
}

export interface Effects {
  change?: LeadChange;
  events?: PublishedEvent[];
  alerts?: Alert[];
}

export class StepContext {
  readonly now: Date;
  private loaded: Lead | undefined;

  constructor(
    readonly ports: LifecyclePorts,
    readonly leadId: string,
    /** The name of the execution running this step, when the workflow passes it. */
    readonly execution?: string,
  ) {
    this.now = ports.clock.now();
  }

  get config() {
    return this.ports.config;
  }

  /** The lead as this step found it (read once per step). */
  async lead(): Promise<Lead> {
    if (this.loaded) return this.loaded;
    const lead = await this.ports.leads.get(this.leadId);
    if (!lead) throw new LeadNotFoundError(`Lead ${this.leadId} does not exist`);
    this.loaded = lead;
    return lead;
  }

  /**
   * The lead as a step just wrote it, for the step it hands on to in the same invocation (Start
   * hands an SQL off at once): that step reads it from here instead of the store.
   */
  continueWith(lead: Lead): void {
    this.loaded = lead;
  }

  /** The lead if this step has read it, without reading it. */
  get leadIfLoaded(): Lead | undefined {
    return this.loaded;
  }

  /** The calendar an SLA runs on: the owning rep's own hours if set, else the unit's. */
  calendarFor(owner: Owner | undefined): BusinessCalendar {
    // Time the lead's SLA clock stood paused is no business time for it.
    return withPauses(calendarForOwner(this.config, owner), this.loaded?.sla?.pauses);
  }

  entry(type: string, summary: string, data?: Record<string, unknown>) {
    return timelineEntry(this.now, type, summary, data);
  }

  /** A Leadflow event about this lead; `idSuffix` makes its id stable across retries. */
  event<N extends LeadflowEventName>(
    name: N,
    idSuffix: string,
    data: LeadflowEventData<N>,
  ): PublishedEvent<N> {
    return { name, leadId: this.leadId, eventId: `${this.leadId}:${idSuffix}`, data };
  }

  /** Records a transition: alerts, then events, then the change. Returns the lead after it. */
  async record(lead: Lead, effects: Effects): Promise<Lead> {
    const after = effects.change ? applyLeadChange(lead, effects.change, this.now) : lead;
    for (const alert of effects.alerts ?? []) await this.notifyOnce(after, alert);
    if (effects.events?.length) await this.ports.events.publish(effects.events, this.now);
    return effects.change ? this.ports.leads.transition(lead.leadId, effects.change, this.now) : lead;
  }

  /**
   * Sends an alert once per marker and recipient, even when the step is retried or the runtime
   * restarts: for each recipient the intent (with the message) is recorded first, the mail sent,
   * then the intent marked sent. One recipient's bounce or outage never re-sends another's copy.
   */
  async notifyOnce(lead: Lead, alert: Alert): Promise<void> {
    const facts = { ...alert.facts, now: this.now };
    // Only a mail to the owner carries action links; sign them only when the owner gets one.
    const toOwner = alert.facts.audiences.includes('rep') && lead.owner !== undefined;
    const links = toOwner ? await this.ports.actionLinks?.linksFor(lead, this.now) : undefined;
    for (const composed of composeNotifications(lead, facts, this.config, links)) {
      const marker = `${alert.marker}#${composed.to[0]}`;
      const { status, message } = await this.ports.alerts.record(lead.leadId, marker, composed, this.now);
      if (status === 'pending') await this.deliver(marker, message);
    }
  }

  /** Sends the lead's alerts that were recorded but never marked sent (a crash between the two). */
  async sendPendingAlerts(): Promise<void> {
    for (const { marker, message } of await this.ports.alerts.pending(this.leadId))
      await this.deliver(marker, message);
  }

  private async deliver(marker: string, message: EmailMessage): Promise<void> {
    await this.ports.mailer.send(message);
    try {
      await this.ports.alerts.markSent(this.leadId, marker, this.now);
    } catch {
      // The mail went out: failing the step now would send it again on the retry. Left pending,
      // it is sent again only if the lead resumes after a restart (the one window left).
    }
  }
}
