/**
 * The simulated sales reps and marketing automation. A rep handed a lead (every LeadAssigned,
 * first hand-off or reassignment) answers as their history shows, whatever lead it is: they
 * touch it after a draw from their response-time spread (in business minutes of their own
 * calendar), or, at their miss rate, never; then decide after their decision spread, as sales
 * decided about that lead in the history; then record the outcome the history shows. A rep
 * acts only while the lead is still theirs. Marketing engagement arrives on the days the
 * history says, whatever the lead's stage. Every activity sent is logged, so it can be
 * replayed elsewhere (the comparison with the full local runtime does).
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { addBusinessMinutes } from '../functions/domain/business-hours.ts';
import { calendarForOwner } from '../functions/domain/owner-calendar.ts';
import type { ActivityEvent, ActivityEventName } from '../functions/events/catalog.ts';
import type { PublishedEvent } from '../functions/use-cases/ports.ts';
import type { SimulatedLifecycle } from './engine.ts';
import type { HistoricalLead, History } from './history.ts';
import { Random } from './random.ts';

export interface SentActivity {
  at: string;
  type: ActivityEventName;
  detail: Record<string, unknown> & { leadId: string };
  activityId: string;
}

const DAY_MS = 86_400_000;

/** Whole seconds, as EventBridge times are: a replay elsewhere lands on the same instant. */
const onTheSecond = (ms: number) => new Date(Math.ceil(ms / 1000) * 1000);

export class SimulatedSalesTeam {
  readonly sent: SentActivity[] = [];
  private readonly leads = new Map<string, { lead: HistoricalLead; ref: number }>();
  /** How many hand-offs each lead has had: a rep acts only on the hand-off they were given. */
  private readonly handoffs = new Map<string, number>();
  private readonly activitiesOf = new Map<string, number>();

  constructor(
    private readonly sim: SimulatedLifecycle,
    private readonly config: BusinessUnitConfig,
    private readonly history: History,
  ) {}

  /** The lead arrived as `leadId`: marketing's engagement is scheduled from now. */
  arrived(leadId: string, lead: HistoricalLead, ref: number): void {
    this.leads.set(leadId, { lead, ref });
    const now = this.sim.clock.now().getTime();
    for (const engagement of lead.engagements)
      this.sim.at(onTheSecond(now + engagement.afterDays * DAY_MS), () =>
        this.send('EngagementRecorded', { leadId, type: engagement.type }),
      );
  }

  /** Sees what the lifecycle publishes; a hand-off to a rep sets that rep to work. */
  observe(events: readonly PublishedEvent[]): void {
    for (const event of events) {
      if (event.name !== 'LeadAssigned') continue;
      const handoff = (this.handoffs.get(event.leadId) ?? 0) + 1;
      this.handoffs.set(event.leadId, handoff);
      const owner = (event as PublishedEvent<'LeadAssigned'>).data.owner;
      if (owner.fallback || !owner.repId) continue;
      this.handedTo(event.leadId, owner.repId, handoff);
    }
  }

  private handedTo(leadId: string, repId: string, handoff: number): void {
    const known = this.leads.get(leadId);
    const behaviour = this.history.reps[repId];
    if (!known || !behaviour) return;
    const random = Random.for(this.history.seed, 'answer', known.ref, repId, handoff);
    if (random.chance(behaviour.missRate)) return;
    const calendar = calendarForOwner(this.config, { repId });
    const later = (from: Date, minutes: number) =>
      onTheSecond(addBusinessMinutes(from, minutes, calendar).getTime());
    const stillTheirs = () => this.handoffs.get(leadId) === handoff;
    const touchAt = later(this.sim.clock.now(), random.logNormal(behaviour.touchMinutes));
    const decideAfter = random.logNormal(behaviour.decisionMinutes);
    const { lead } = known;
    this.sim.at(touchAt, async () => {
      if (!stillTheirs()) return;
      await this.send('TouchLogged', { leadId, channel: 'call' });
      this.sim.at(later(touchAt, decideAfter), async () => {
        if (!stillTheirs()) return;
        if (lead.verdict === 'reject')
          return this.send('LeadRejected', { leadId, reason: lead.rejectionReason });
        await this.send('LeadAccepted', { leadId });
        const closeAt = onTheSecond(this.sim.clock.now().getTime() + lead.outcomeAfterDays * DAY_MS);
        this.sim.at(closeAt, async () => {
          if (stillTheirs()) await this.send('OutcomeRecorded', { leadId, result: lead.result });
        });
      });
    });
  }

  private async send(type: ActivityEventName, detail: Record<string, unknown> & { leadId: string }) {
    const at = this.sim.clock.now().toISOString();
    // Numbered per lead, so an activity's id does not depend on which other leads share the run.
    const sequence = (this.activitiesOf.get(detail.leadId) ?? 0) + 1;
    this.activitiesOf.set(detail.leadId, sequence);
    const activityId = `sim:${detail.leadId}:${sequence}`;
    const activity = { ...detail, occurredAt: at };
    this.sent.push({ at, type, detail: activity, activityId });
    await this.sim.activity(type, activity as ActivityEvent<typeof type>, activityId);
  }
}
