/**
 * GDPR: everything Leadflow holds about one person (their lead and its whole partition, and
 * submissions quarantined as spam), and its erasure. Erasing stops the lead's lifecycle first
 * (so no step writes the lead again), then replaces every item with one anonymous record for
 * reports (domain/anonymous-lead.ts) and gives the lead back from its rep's load.
 *
 * A lead's executions are named from it: `<leadId>`, `<leadId>-g<n>` after continue-as-new,
 * and the ones a redrive started (named on its timeline); each is stopped if it runs.
 */
import { createHash } from 'node:crypto';
import { anonymousLead } from '../domain/anonymous-lead.ts';
import { leadIdFor } from '../domain/capture.ts';
import type { Lead, TimelineEntry } from '../domain/lead.ts';
import { milestoneDays } from '../domain/metrics/days.ts';
import { anonymizeFacts } from '../domain/scorecard/facts.ts';
import type { ExecutionStopper, LifecyclePorts, MetricsStore, PersonalDataStore } from './ports.ts';

export type PersonalDataPorts = Pick<LifecyclePorts, 'config' | 'clock' | 'leads' | 'routing'> & {
  people: PersonalDataStore;
  executions: ExecutionStopper;
  /** The scorecard's projection: the lead's facts there are kept under the anonymous id. */
  metrics: MetricsStore;
};

/** The lead's metrics facts move to the anonymous id: figures kept, the person gone. */
async function anonymizeMetrics(ports: PersonalDataPorts, leadId: string, anonymousId: string) {
  const facts = await ports.metrics.facts(leadId);
  if (!facts) return;
  const anonymous = anonymizeFacts(facts, anonymousId, ports.config);
  await ports.metrics.anonymize(leadId, anonymous, milestoneDays(facts, ports.config.timezone));
}

export const normalizedEmail = (email: string) => email.trim().toLowerCase();

/** Everything about the person with this email, as stored (internal tokens left out). */
export async function exportPerson(ports: PersonalDataPorts, email: string) {
  const address = normalizedEmail(email);
  const leadId = leadIdFor(ports.config.name, address);
  const items = await ports.people.leadItems(leadId);
  const lead = await ports.leads.get(leadId);
  return {
    email: address,
    exportedAt: ports.clock.now().toISOString(),
    lead: lead ? { ...withoutInternals(lead), timeline: await ports.leads.timeline(leadId) } : null,
    alerts: items
      .filter((i) => String(i.sk).startsWith('ALERT#'))
      .map((i) => ({ message: i.message, sentAt: i.sentAt, recordedAt: i.recordedAt })),
    quarantined: (await ports.people.quarantined(address)).map(
      ({ pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, ...rest }) => rest,
    ),
  };
}

function withoutInternals(lead: Lead) {
  const { waitResults: _w, processedActivityIds: _p, ...rest } = lead;
  return rest;
}

/** Names of the executions a lead may have running. */
export function executionNames(lead: Lead, timeline: TimelineEntry[]): string[] {
  const names = new Set([lead.leadId]);
  for (let g = 2; g <= (lead.lifecycleGeneration ?? 1); g++) names.add(`${lead.leadId}-g${g}`);
  for (const entry of timeline) {
    const execution = entry.data?.execution;
    if (typeof execution === 'string' && execution.startsWith(lead.leadId)) names.add(execution);
  }
  return [...names];
}

export type ErasureResult =
  | { status: 'not-found' }
  | { status: 'erased'; stoppedExecutions: string[]; itemsRemoved: number; anonymousId: string };

export async function erasePerson(ports: PersonalDataPorts, email: string): Promise<ErasureResult> {
  const address = normalizedEmail(email);
  const leadId = leadIdFor(ports.config.name, address);
  const now = ports.clock.now();
  const lead = await ports.leads.get(leadId);
  const quarantined = await ports.people.quarantined(address);
  if (!lead && quarantined.length === 0) return { status: 'not-found' };
  const quarantineIds = quarantined.map((q) => String(q.pk));
  // Stable for a retried erasure of the same lead, yet not derivable from the email.
  const anonymousId = `anon_${createHash('sha256')
    .update(`${leadId}\u0000${lead?.createdAt ?? ''}\u0000erased`)
    .digest('base64url')
    .slice(0, 20)}`;
  if (!lead) {
    await ports.people.erase(leadId, quarantineIds, undefined);
    return { status: 'erased', stoppedExecutions: [], itemsRemoved: quarantineIds.length, anonymousId };
  }
  const timeline = await ports.leads.timeline(leadId);
  const stoppedExecutions: string[] = [];
  for (const name of executionNames(lead, timeline))
    if ((await ports.executions.stop(name, 'Personal data erased (GDPR)')) === 'stopped')
      stoppedExecutions.push(name);
  if (lead.owner?.repId) await ports.routing.release(lead.owner.repId, leadId);
  await anonymizeMetrics(ports, leadId, anonymousId);
  const items = await ports.people.leadItems(leadId);
  await ports.people.erase(leadId, quarantineIds, anonymousLead(lead, timeline, anonymousId, now));
  return {
    status: 'erased',
    stoppedExecutions,
    itemsRemoved: items.length + quarantineIds.length,
    anonymousId,
  };
}
