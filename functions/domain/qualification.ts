/**
 * Qualification: is this lead ready for sales (SQL), worth nurturing (MQL / lead), or out?
 *
 * Order of evaluation:
 * 1. The first matching `disqualifyWhen` rule disqualifies, whatever the score.
 * 2. A hand-raiser (intent in `handRaiserIntents`, case-insensitive) is an SQL at once when
 *    every `sqlRequiredFields` entry is present and, if `handRaiserRequiresBusinessEmail`,
 *    the email is a business address. Otherwise it is judged by score like everyone else,
 *    and the reasons say why the hand-raise did not count.
 * 3. total >= sqlThreshold with all required fields present: SQL.
 * 4. Otherwise nurture: level 'mql' when total >= mqlThreshold (also when the score reaches
 *    SQL but required fields are missing), else 'lead'. `missing` lists absent required fields.
 *
 * `nurtureDecision` runs at each nurture wake-up. Nurture counts calendar time, not business
 * time: it paces marketing, not a sales SLA.
 */
import type { NurtureConfig, QualificationConfig } from '../../config/schema.ts';
import type { LeadProfile, LeadScore } from './lead.ts';
import { emailDomain, evaluatePredicate, getField, isBusinessEmail, isPresent } from './predicates.ts';

export type QualificationDecision =
  | { decision: 'disqualify'; reason: string }
  | { decision: 'sql'; reasons: string[] }
  | { decision: 'nurture'; level: 'mql' | 'lead'; missing?: string[]; reasons: string[] };

export interface QualificationInput {
  profile: LeadProfile;
  score: LeadScore;
}

export function missingFields(profile: LeadProfile, fields: readonly string[]): string[] {
  return fields.filter((field) => !isPresent(getField(profile, field)));
}

function handRaiserBlockers(profile: LeadProfile, missing: string[], config: QualificationConfig): string[] {
  const blockers: string[] = [];
  if (missing.length > 0) blockers.push(`missing ${missing.join(', ')}`);
  if (config.handRaiserRequiresBusinessEmail && !isBusinessEmail(profile.email ?? '')) {
    const domain = emailDomain(profile.email ?? '');
    blockers.push(domain ? `free-mail address (${domain})` : 'no valid email address');
  }
  return blockers;
}

export function qualifyLead(input: QualificationInput, config: QualificationConfig): QualificationDecision {
  const { profile, score } = input;
  const rule = config.disqualifyWhen.find((r) => evaluatePredicate(r.when, profile));
  if (rule) return { decision: 'disqualify', reason: rule.reason };

  const missing = missingFields(profile, config.sqlRequiredFields);
  const reasons: string[] = [];
  const intent = profile.intent?.trim().toLowerCase();
  const handRaised = intent !== undefined && config.handRaiserIntents.some((i) => i.toLowerCase() === intent);
  if (handRaised) {
    const blockers = handRaiserBlockers(profile, missing, config);
    if (blockers.length === 0) {
      return { decision: 'sql', reasons: [`Asked for sales contact (intent '${profile.intent}')`] };
    }
    reasons.push(`Asked for sales contact (intent '${profile.intent}') but ${blockers.join(' and ')}`);
  }

  const total = score.total;
  if (total >= config.sqlThreshold && missing.length === 0) {
    return {
      decision: 'sql',
      reasons: [...reasons, `Score ${total} reached the SQL threshold ${config.sqlThreshold}`],
    };
  }
  if (total >= config.sqlThreshold) {
    reasons.push(
      `Score ${total} reached the SQL threshold ${config.sqlThreshold} but ${missing.join(', ')} missing`,
    );
  } else {
    reasons.push(`Score ${total} is below the SQL threshold ${config.sqlThreshold}`);
  }
  const level = total >= config.mqlThreshold ? 'mql' : 'lead';
  if (level === 'lead') reasons.push(`Score ${total} is below the MQL threshold ${config.mqlThreshold}`);
  return missing.length > 0
    ? { decision: 'nurture', level, missing, reasons }
    : { decision: 'nurture', level, reasons };
}

export type NurtureDecision =
  | { decision: 'keep-nurturing'; wakeAt: string; timeoutSeconds: number }
  | { decision: 'qualified' }
  | { decision: 'disqualified'; reason: string }
  | { decision: 'expired'; action: 'recycle' | 'disqualify' };

export interface NurtureInput {
  nurtureStartedAt: string;
  now: Date;
  /** The decision from re-qualifying the lead at this wake-up. */
  latest: QualificationDecision;
}

export function nurtureUntil(nurtureStartedAt: string, config: NurtureConfig): Date {
  return new Date(Date.parse(nurtureStartedAt) + config.maxNurtureDays * 86_400_000);
}

export function nurtureDecision(input: NurtureInput, config: NurtureConfig): NurtureDecision {
  if (input.latest.decision === 'sql') return { decision: 'qualified' };
  // A lead that became disqualifiable while nurtured (consent withdrawn, ...) leaves now.
  if (input.latest.decision === 'disqualify')
    return { decision: 'disqualified', reason: input.latest.reason };
  const deadline = nurtureUntil(input.nurtureStartedAt, config).getTime();
  if (Number.isNaN(deadline)) throw new RangeError(`invalid nurtureStartedAt '${input.nurtureStartedAt}'`);
  const now = input.now.getTime();
  if (now >= deadline) return { decision: 'expired', action: config.onExpiry };
  const waitMs = Math.min(config.checkIntervalHours * 3_600_000, deadline - now);
  // Rounding up means the wake-up after the last partial wait is already past the deadline.
  const timeoutSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return {
    decision: 'keep-nurturing',
    wakeAt: new Date(now + timeoutSeconds * 1000).toISOString(),
    timeoutSeconds,
  };
}
