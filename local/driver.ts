/**
 * Drives a local runtime the way its clients do: HTTP for capture and reads, EventBridge
 * PutEvents for sales and marketing activity, the SES outbox for emails, and the virtual clock
 * for time. Shared by the end-to-end and workflow tests and by the benchmarks, so both measure
 * and assert on the same traffic.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  type InboundChannel,
  SIGNATURE_HEADER,
  signInboundBody,
  TIMESTAMP_HEADER,
} from '../functions/domain/inbound-events.ts';
import type { Lead } from '../functions/domain/lead.ts';
import { MARKETING_SOURCE, SALES_SOURCE } from '../workflows/event-routes.ts';
import { LOCAL_INBOUND_KEY_ENV } from './auth/local-action-key.ts';
import type { LeadflowLocal } from './runtime/leadflow-local.ts';

/** One activity event as sales or marketing tools put it on the bus. */
export interface ActivityEntry {
  type: string;
  detail: Record<string, unknown>;
}

export interface LeadView extends Omit<Lead, 'sla' | 'owner'> {
  sla: NonNullable<Lead['sla']> & Record<string, unknown>;
  owner?: NonNullable<Lead['owner']>;
  followUpDueAt?: string;
}

/** The demo unit's API client key (config/business-units/demo.ts lists its hash). */
export const DEMO_API_KEY = 'demo-local-api-key';

export class LeadflowDriver {
  private readonly events = new EventBridgeClient({});

  /** `apiKey`: post as that server-side integration (no form signals needed); null posts as a bare client. */
  constructor(
    readonly local: LeadflowLocal,
    private readonly apiKey: string | null = DEMO_API_KEY,
  ) {}

  get clock() {
    return this.local.clock;
  }

  /**
   * POST /leads as JSON: by default as the server-side integration (with its API key); `as:
   * 'browser'` posts as a web page's script does, without a key but with the form's spam
   * signals (empty honeypot, rendered 10 s ago) unless the body sets them.
   */
  postLead(
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    { as = 'integration' }: { as?: 'integration' | 'browser' } = {},
  ): Promise<Response> {
    const browser = as === 'browser' || !this.apiKey;
    const signals = browser
      ? { [this.local.config.spam.honeypotField]: '', formRenderedAt: this.clock.now().getTime() - 10_000 }
      : {};
    return this.clock.track(() =>
      fetch(`${this.local.url}/leads`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(browser ? {} : { 'x-leadflow-api-key': this.apiKey as string }),
          ...headers,
        },
        body: JSON.stringify({ ...signals, ...body }),
      }),
    );
  }

  /** POSTs a lead, expects 202, returns its id (without waiting for the lifecycle). */
  async capture(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
    const response = await this.postLead(body, headers);
    const text = await response.text();
    if (response.status !== 202) throw new Error(`capture failed: ${response.status} ${text}`);
    return (JSON.parse(text) as { leadId: string }).leadId;
  }

  /** Puts activity on the unit's bus (10 entries per PutEvents call) and waits for its delivery. */
  async activity(entries: ActivityEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 10) {
      const batch = entries.slice(i, i + 10);
      const result = await this.clock.track(() =>
        this.events.send(
          new PutEventsCommand({
            Entries: batch.map((e) => ({
              EventBusName: this.local.names.eventBus,
              Source: e.type === 'EngagementRecorded' ? MARKETING_SOURCE : SALES_SOURCE,
              DetailType: e.type,
              Detail: JSON.stringify(e.detail),
            })),
          }),
        ),
      );
      if (result.FailedEntryCount) throw new Error(`PutEvents refused ${result.FailedEntryCount} entries`);
    }
    await this.local.bus.drain();
  }

  /**
   * POSTs a batch to /events/engagement or /events/activity as a marketing tool or CRM does:
   * signed with the runtime's inbound key, timestamped now (virtual time) unless `timestamp`
   * (unix seconds) says otherwise. Waits for the bus to deliver what it put.
   */
  async postSignedEvents(
    channel: InboundChannel,
    batch: unknown,
    options: { timestamp?: number; key?: string; signature?: string } = {},
  ): Promise<Response> {
    const body = typeof batch === 'string' ? batch : JSON.stringify(batch);
    const timestamp = options.timestamp ?? Math.floor(this.clock.now().getTime() / 1000);
    const key = Buffer.from(options.key ?? process.env[LOCAL_INBOUND_KEY_ENV] ?? '', 'utf8');
    const response = await this.clock.track(() =>
      fetch(`${this.local.url}/events/${channel}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: options.signature ?? signInboundBody(body, timestamp, key),
        },
        body,
      }),
    );
    await this.local.bus.drain();
    return response;
  }

  /** Lets the runtime finish what it is doing, without moving time past now. */
  settle(): Promise<void> {
    return this.clock.runUntilIdle(this.clock.now());
  }

  /** Lets virtual time run (firing due timers) until `until`. */
  runUntil(until: string | Date): Promise<void> {
    return this.clock.runUntilIdle(new Date(until));
  }

  /** GET /leads/{id} with a bearer token. */
  async getLead(leadId: string, token: string): Promise<LeadView> {
    const response = await fetch(`${this.local.url}/leads/${leadId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 200)
      throw new Error(`get lead failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as LeadView;
  }

  emails(): Promise<Array<{ to: string[]; subject: string; text?: string }>> {
    return this.local.ses.fetchSentEmails();
  }

  /** States the lead's first execution entered, in order. */
  path(leadId: string): string[] {
    return this.local.stepFunctions.execution(leadId)?.path ?? [];
  }

  stop(): void {
    this.events.destroy();
  }
}

/** A sales-ready hand-raiser (SQL at once in the demo unit); DACH or international by country. */
export const contactSales = (email: string, country = 'DE', extra: Record<string, unknown> = {}) => ({
  email,
  firstName: 'Eva',
  lastName: 'Schmidt',
  company: 'Acme GmbH',
  jobTitle: 'Head of Operations',
  country,
  intent: 'contact-sales',
  consent: true,
  ...extra,
});

/** A low-fit content lead: nurtured in the demo unit. */
export const contentLead = (email: string, country = 'DE') => ({
  email,
  company: 'Widgets AG',
  country,
  intent: 'content',
});
