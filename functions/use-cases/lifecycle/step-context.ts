/**
 * What every lifecycle step works with: the ports, one instant (`now`) for the whole step,
 * the lead (loaded once), and one way to record a transition: the change, then its events,
 * then its alerts, each alert sent once per marker across retries and restarts.
 */
import type { BusinessCalendar } from '../../../config/schema.ts';
import type { Lead, Owner } from '../../domain/lead.ts';
import { composeNotification, type NotificationFacts } from '../../domain/notifications.ts';
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

  /** The lead if this step has read it, without reading it. */
  get leadIfLoaded(): Lead | undefined {
    return this.loaded;
  }

  /** The calendar an SLA runs on: the owning rep's own hours if set, else the unit's. */
  calendarFor(owner: Owner | undefined): BusinessCalendar {
    return calendarForOwner(this.config, owner);
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

  /** Applies a transition: change, then events, then alerts. Returns the lead after the change. */
  async record(lead: Lead, effects: Effects): Promise<Lead> {
    const after = effects.change
      ? await this.ports.leads.transition(lead.leadId, effects.change, this.now)
      : lead;
    if (effects.events?.length) await this.ports.events.publish(effects.events, this.now);
    for (const alert of effects.alerts ?? []) await this.notifyOnce(after, alert);
    return after;
  }

  /** Sends an alert once per marker, even when the step is retried or the runtime restarts. */
  async notifyOnce(lead: Lead, alert: Alert): Promise<void> {
    const message = composeNotification(lead, { ...alert.facts, now: this.now }, this.config);
    if (message.to.length === 0) return;
    if (!(await this.ports.leads.markOnce(lead.leadId, alert.marker, this.now))) return;
    try {
      await this.ports.mailer.send(message);
    } catch (error) {
      // Let the retry send it: an alert nobody received must not count as sent.
      await this.ports.leads.unmark(lead.leadId, alert.marker);
      throw error;
    }
  }
}
