/**
 * Which version of the agreement is in force, and which segment an SQL counts toward.
 *
 * A version is in force from the start of its `effectiveFrom` date in the unit's time zone until
 * the next version's date. A lead is judged by the version in force on the local date it was
 * handed off to sales, whatever has changed since. Before the first version's date, the first
 * version applies (there was no other agreement to judge by).
 */
import type { AgreementVersion, BusinessUnitConfig } from '../../../config/schema.ts';
import type { LeadProfile } from '../lead.ts';
import { evaluatePredicate } from '../predicates.ts';
import { type Instant, localDate } from './dates.ts';

/** The segment value of an SQL that matches none of a version's segments. */
export const OTHER_SEGMENT = '(other)';

/** The version in force on a local date (YYYY-MM-DD). `versions` is sorted, as the schema ensures. */
export function versionOn(versions: readonly AgreementVersion[], date: string): AgreementVersion {
  const first = versions[0];
  if (!first) throw new RangeError('an agreement needs at least one version');
  let found = first;
  for (const v of versions) if (v.effectiveFrom <= date) found = v;
  return found;
}

/** The version of the unit's agreement in force at an instant. */
export function agreementInForce(
  config: Pick<BusinessUnitConfig, 'agreement' | 'timezone'>,
  at: Instant,
): AgreementVersion {
  return versionOn(config.agreement.versions, localDate(at, config.timezone));
}

/** The version scheduled after the one in force at `at`, if any. */
export function nextVersion(
  config: Pick<BusinessUnitConfig, 'agreement' | 'timezone'>,
  at: Instant,
): AgreementVersion | undefined {
  const today = localDate(at, config.timezone);
  return config.agreement.versions.find((v) => v.effectiveFrom > today);
}

/**
 * The segment an SQL counts toward under `version`: the first segment whose predicate matches
 * the lead, `(other)` when none does, undefined when the version has no segments. Meant for the
 * step that qualifies or hands off the lead (it has the whole profile); the projection falls
 * back to the attributes LeadCaptured carries (country, intent, formId, utm).
 */
export function segmentFor(
  profile: Partial<LeadProfile>,
  version: Pick<AgreementVersion, 'marketing'>,
): string | undefined {
  const segments = version.marketing.bySegment;
  if (!segments) return undefined;
  const full: LeadProfile = { email: '', ...profile };
  return segments.find((s) => evaluatePredicate(s.when, full))?.id ?? OTHER_SEGMENT;
}

/** The ids of every segment any version defines, in first-seen order. */
export function segmentIds(versions: readonly AgreementVersion[]): string[] {
  const ids: string[] = [];
  for (const v of versions)
    for (const s of v.marketing.bySegment ?? []) if (!ids.includes(s.id)) ids.push(s.id);
  return ids;
}
