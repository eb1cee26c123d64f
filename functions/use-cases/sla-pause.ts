/**
 * Ops pause and resume a lead's SLA clock (domain/sla-pause.ts). Pausing only marks the lead:
 * a wait that times out meanwhile finds it paused, alerts nobody and waits on. Resuming moves
 * the deadlines on by the business time paused and ends the running wait with `resumed`, so
 * its overdue step runs now and waits again until the new deadline (or alerts at once if a
 * rung is due): the wait is re-timed without waiting for its old timer.
 */
import { withPauses } from '../domain/business-hours.ts';
import type { Lead } from '../domain/lead.ts';
import { calendarForOwner } from '../domain/owner-calendar.ts';
import { PAUSABLE_STAGES, resumeChange } from '../domain/sla-pause.ts';
import { timelineEntry } from '../domain/timeline.ts';
import { activityResults, completeClaimed } from './lifecycle/wait-handshake.ts';
import type { LifecyclePorts } from './ports.ts';

export type SlaPausePorts = Pick<LifecyclePorts, 'config' | 'clock' | 'leads' | 'callbacks'>;

export type SlaPauseResult =
  | { status: 'not-found' }
  | { status: 'refused'; reason: string }
  | { status: 'paused' | 'resumed'; lead: Lead };

const MAX_ATTEMPTS = 10;
const WAIT_OF = { assigned: 'first-touch', touched: 'decision' } as const;

export async function pauseSla(
  ports: SlaPausePorts,
  leadId: string,
  request: { by: string; reason?: string },
): Promise<SlaPauseResult> {
  const now = ports.clock.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const lead = await ports.leads.get(leadId);
    if (!lead) return { status: 'not-found' };
    if (lead.sla?.pausedAt)
      return { status: 'refused', reason: `the SLA clock is paused since ${lead.sla.pausedAt}` };
    if (!PAUSABLE_STAGES.includes(lead.stage))
      return {
        status: 'refused',
        reason: `a lead in stage ${lead.stage} has no first-touch or decision deadline running`,
      };
    const written = await ports.leads.applyActivity(
      leadId,
      {
        set: { 'sla.pausedAt': now.toISOString() },
        timeline: [
          timelineEntry(
            now,
            'sla-paused',
            `SLA clock paused by ${request.by}${request.reason ? `: ${request.reason}` : ''}`,
          ),
        ],
      },
      { expectedVersion: lead.version },
      now,
    );
    if (written !== 'conflict') return { status: 'paused', lead: written };
  }
  throw new Error(`Lead ${leadId} kept changing while pausing its SLA; retry`);
}

export async function resumeSla(
  ports: SlaPausePorts,
  leadId: string,
  request: { by: string },
): Promise<SlaPauseResult> {
  const now = ports.clock.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await ports.leads.getWithWaits(leadId);
    if (!read) return { status: 'not-found' };
    const { lead, waits } = read;
    if (!lead.sla?.pausedAt) return { status: 'refused', reason: 'the SLA clock is not paused' };
    const calendar = withPauses(calendarForOwner(ports.config, lead.owner), lead.sla.pauses);
    const set = resumeChange(lead, now, calendar);
    const kind = WAIT_OF[lead.stage as keyof typeof WAIT_OF];
    const results = kind ? activityResults([{ kind, result: { decision: 'resumed' } }], waits) : {};
    const written = await ports.leads.applyActivity(
      leadId,
      {
        set,
        timeline: [
          timelineEntry(
            now,
            'sla-resumed',
            `SLA clock resumed by ${request.by} (paused since ${lead.sla.pausedAt})`,
          ),
        ],
      },
      { expectedVersion: lead.version, results },
      now,
    );
    if (written === 'conflict') continue;
    await completeClaimed(ports, leadId, results);
    return { status: 'resumed', lead: written };
  }
  throw new Error(`Lead ${leadId} kept changing while resuming its SLA; retry`);
}
