/**
 * Lead capture rules: identity, spam, the new lead and what a re-submission adds.
 */
import { createHash } from 'node:crypto';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { Lead, LeadProfile, TimelineEntry } from './lead.ts';

/**
 * The same normalized email in the same unit is the same lead. Deriving the id from it lets
 * concurrent submissions meet on one item with a single conditional write, with no index
 * lookup and no transaction; hashing keeps the address out of keys, URLs and logs.
 */
export function leadIdFor(businessUnit: string, normalizedEmail: string): string {
  const digest = createHash('sha256').update(`${businessUnit}\u0000${normalizedEmail}`).digest('base64url');
  return `ld_${digest.slice(0, 24)}`;
}

export interface SpamSignals {
  /** An authenticated server-side integration: it has no form, so form signals do not apply. */
  apiClient?: string;
  /** The honeypot field's value; undefined when the field was not sent at all. */
  honeypotValue?: string;
  /** Epoch ms the form was rendered, if the form sent it. */
  formRenderedAt?: number;
  /** Result of a server-side Turnstile check, when the unit requires one. */
  turnstile?: { success: boolean; errorCodes?: string[] };
}

export interface SpamVerdict {
  spam: boolean;
  reasons: string[];
}

export function assessSpam(signals: SpamSignals, spam: BusinessUnitConfig['spam'], now: Date): SpamVerdict {
  if (signals.apiClient) return { spam: false, reasons: [] };
  const reasons: string[] = [];
  if (spam.requireFormSignals) {
    if (signals.honeypotValue === undefined) reasons.push('honeypot-missing');
    if (signals.formRenderedAt === undefined) reasons.push('fill-time-missing');
  }
  if (signals.honeypotValue && signals.honeypotValue.trim() !== '') reasons.push('honeypot-filled');
  if (signals.formRenderedAt !== undefined) {
    const filledInMs = now.getTime() - signals.formRenderedAt;
    // A timestamp from the future is a visitor's clock running fast, not a bot's speed.
    if (filledInMs >= 0 && filledInMs < spam.minFillSeconds * 1000) reasons.push('filled-too-fast');
  }
  if (spam.turnstile) {
    if (!signals.turnstile) reasons.push('turnstile-missing');
    else if (!signals.turnstile.success)
      reasons.push(`turnstile-failed:${(signals.turnstile.errorCodes ?? []).join(',') || 'unknown'}`);
  }
  return { spam: reasons.length > 0, reasons };
}

/** No open redirects: only exact allowlisted URLs; anything else falls back to the unit's default page. */
export function thankYouUrl(requested: string | undefined, allowlist: readonly string[]): string {
  if (requested && allowlist.includes(requested)) return requested;
  return allowlist[0]!;
}

export function newLead(params: {
  leadId: string;
  businessUnit: string;
  profile: LeadProfile;
  now: Date;
}): Lead {
  const at = params.now.toISOString();
  return {
    leadId: params.leadId,
    businessUnit: params.businessUnit,
    stage: 'captured',
    profile: params.profile,
    createdAt: at,
    updatedAt: at,
    submissionCount: 1,
    lastSubmittedAt: at,
    announcedAt: at,
    engagements: [],
    timeline: [
      {
        at,
        type: 'captured',
        summary: `Lead captured${params.profile.formId ? ` from form ${params.profile.formId}` : ''}${params.profile.intent ? ` (intent: ${params.profile.intent})` : ''}`,
        data: { formId: params.profile.formId, intent: params.profile.intent, utm: params.profile.utm },
      },
    ],
    version: 1,
  };
}

/** A re-submission is engagement on the existing lead, never a second lead. */
export function resubmission(
  profile: LeadProfile,
  now: Date,
): { entry: TimelineEntry; engagement: { type: string; at: string } } {
  const at = now.toISOString();
  return {
    entry: {
      at,
      type: 'resubmitted',
      summary: `Form re-submitted${profile.formId ? ` (${profile.formId})` : ''}${profile.intent ? ` with intent ${profile.intent}` : ''}`,
      data: { formId: profile.formId, intent: profile.intent, utm: profile.utm },
    },
    engagement: { type: profile.intent === 'demo' ? 'demo-requested' : 'form-resubmitted', at },
  };
}
