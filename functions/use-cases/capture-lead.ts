/**
 * Capture a lead (primary course):
 * 1. Spam verdict from honeypot, fill time and (when configured) Turnstile.
 * 2. Spam is quarantined: stored apart, no lifecycle, and the caller sees a normal success.
 * 3. Otherwise the lead is created, or, if the email is known, the submission is recorded on it.
 * 4. LeadCaptured is published for new leads, and again for a known lead whose lifecycle never
 *    started (a crash between store and publish must not strand it; the start is idempotent),
 *    at most once a minute, so a storm of concurrent re-submissions coalesces into one event.
 * A re-submission scores only when the last scored one is older than the unit's engagement
 * spacing; every other one is only counted, so no amount of posting can grow the lead.
 */
import { createHash } from 'node:crypto';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { assessSpam, leadIdFor, newLead, resubmission, type SpamSignals } from '../domain/capture.ts';
import type { Clock, Lead, LeadProfile } from '../domain/lead.ts';
import { engagementSpacingMs } from '../domain/scoring.ts';
import type { EventPublisher, LeadRepository, PublishedEvent } from './ports.ts';

export interface CaptureDependencies {
  config: BusinessUnitConfig;
  clock: Clock;
  leads: Pick<LeadRepository, 'create' | 'recordResubmission' | 'claimAnnouncement' | 'quarantine'>;
  events: EventPublisher;
}

const ANNOUNCE_AGAIN_AFTER_MS = 60_000;

export type CaptureResult =
  | { outcome: 'created' | 'updated'; leadId: string; stage: Lead['stage'] }
  | { outcome: 'quarantined'; leadId: string; reasons: string[] }
  /** The same email was submitted a moment ago (the unit's minSecondsBetweenSubmissions). */
  | { outcome: 'too-soon'; leadId: string; retryAfterSeconds: number };

function capturedEvent(
  lead: Pick<Lead, 'leadId' | 'profile'>,
  resubmitted: boolean,
): PublishedEvent<'LeadCaptured'> {
  return {
    name: 'LeadCaptured',
    leadId: lead.leadId,
    eventId: `${lead.leadId}:captured`,
    data: {
      intent: lead.profile.intent,
      formId: lead.profile.formId,
      country: lead.profile.country,
      utm: lead.profile.utm as Record<string, string> | undefined,
      resubmission: resubmitted,
    },
  };
}

export async function captureLead(
  deps: CaptureDependencies,
  input: { profile: LeadProfile; spamSignals: SpamSignals; sourceIp?: string },
): Promise<CaptureResult> {
  const now = deps.clock.now();
  const verdict = assessSpam(input.spamSignals, deps.config.spam, now);
  if (verdict.spam) {
    const id = await deps.leads.quarantine({
      profile: input.profile,
      reasons: verdict.reasons,
      now,
      sourceIp: input.sourceIp,
    });
    // Same shape as a real lead id (24 base64url characters, not hex) so bots learn nothing
    // from the response.
    return {
      outcome: 'quarantined',
      leadId: `ld_${createHash('sha256').update(id).digest('base64url').slice(0, 24)}`,
      reasons: verdict.reasons,
    };
  }

  const leadId = leadIdFor(deps.config.name, input.profile.email);
  const lead = newLead({ leadId, businessUnit: deps.config.name, profile: input.profile, now });
  if ((await deps.leads.create(lead)) === 'created') {
    await deps.events.publish([capturedEvent(lead, false)], now);
    return { outcome: 'created', leadId, stage: lead.stage };
  }

  const { entry, engagement } = resubmission(input.profile, now);
  const spacing = engagementSpacingMs(deps.config.scoring.engagementCap);
  const gap = deps.config.capture.rateLimit.minSecondsBetweenSubmissions * 1000;
  const recorded = await deps.leads.recordResubmission(leadId, {
    profile: input.profile,
    entry,
    engagement,
    scoreIfLastScoredBefore: new Date(now.getTime() - spacing).toISOString(),
    ...(gap > 0 ? { refuseIfSubmittedSince: new Date(now.getTime() - gap).toISOString() } : {}),
    now,
  });
  if (recorded === 'too-soon')
    return { outcome: 'too-soon', leadId, retryAfterSeconds: Math.ceil(gap / 1000) };
  const updated = recorded.lead;
  // A lifecycle that never started (a crash between storing and announcing) is announced
  // again, by one submission per minute however many arrive at once.
  const announceAgain = new Date(now.getTime() - ANNOUNCE_AGAIN_AFTER_MS);
  if (!updated.lifecycleStartedAt && (await deps.leads.claimAnnouncement(leadId, now, announceAgain)))
    await deps.events.publish([capturedEvent(updated, true)], now);
  return { outcome: 'updated', leadId, stage: updated.stage };
}
