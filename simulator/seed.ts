/**
 * A seeded synthetic history for a unit without one (and for the tests): lead profiles with a
 * realistic mix (hand-raisers, content leads, free-mail sign-ups, the odd competitor), arrivals
 * by hour and weekday from a weekly profile and a UTM source / campaign mix (arrival-profile.ts),
 * later engagement, what sales made of each lead (rejected mostly for one of the unit's agreed
 * reasons), and a response-time behaviour for every rep of the unit. The same seed and options
 * always give the same history.
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { assertDate, startOfLocalDate } from '../functions/domain/agreement/dates.ts';
import { arrivalInstants, type DrawnChannel, drawChannel } from './arrival-profile.ts';
import type { HistoricalLead, History, RepBehaviour } from './history.ts';
import { Random } from './random.ts';

export interface SeedOptions {
  seed: number;
  leads: number;
  /** The period's first day and the day after its last, local to the unit (default: Q1 2026). */
  from?: string;
  to?: string;
}

const DACH = ['DE', 'AT', 'CH'];
const ELSEWHERE = ['US', 'GB', 'FR', 'ES', 'NL', 'SE'];
const FIRST_NAMES = ['Eva', 'Jonas', 'Mia', 'Luca', 'Sofia', 'Noah', 'Emma', 'Paul', 'Lea', 'Tom'];
const LAST_NAMES = ['Schmidt', 'Meyer', 'Garcia', 'Smith', 'Dubois', 'Jansen', 'Berg', 'Rossi'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne'];
const SENIOR_TITLES = ['Head of Operations', 'Director of Sales', 'VP Marketing', 'CTO', 'Founder'];
const OTHER_TITLES = ['Analyst', 'Marketing Manager', 'Engineer', 'Consultant', 'Student'];
const ENGAGEMENTS = ['email-clicked', 'pricing-page-visited', 'webinar-attended', 'content-downloaded'];
/** Said when a rep gives none of the agreed reasons (the scorecard ranks it as Other). */
const FREE_TEXT_REASONS = ['not interested right now', 'already talking to a partner', 'duplicate'];
const REASON_NOTES = ['next quarter', 'maybe next year', 'asked to be called back later'];

type Kind = 'hand-raiser' | 'content' | 'free-mail' | 'competitor';
const KINDS: Array<[Kind, number]> = [
  ['hand-raiser', 0.4],
  ['content', 0.45],
  ['free-mail', 0.13],
  ['competitor', 0.02],
];

function kindOf(random: Random): Kind {
  let roll = random.next();
  for (const [kind, share] of KINDS) {
    if (roll < share) return kind;
    roll -= share;
  }
  return 'content';
}

function submission(
  index: number,
  kind: Kind,
  random: Random,
  utm: DrawnChannel['utm'],
): Record<string, unknown> {
  const company = `${random.pick(COMPANIES)} ${random.pick(['GmbH', 'Ltd', 'Inc', 'SA', 'BV'])}`;
  const domain = `${company.split(' ')[0]?.toLowerCase()}${index}.example`;
  const firstName = random.pick(FIRST_NAMES);
  const base = {
    email: `${firstName.toLowerCase()}.${index}@${kind === 'free-mail' ? 'gmail.com' : domain}`,
    firstName,
    lastName: random.pick(LAST_NAMES),
    country: random.chance(0.5) ? random.pick(DACH) : random.pick(ELSEWHERE),
    consent: true,
    ...(utm ? { utm } : {}),
  };
  switch (kind) {
    case 'hand-raiser':
      return {
        ...base,
        company,
        companySize: random.integer(10, 2000),
        jobTitle: random.pick(random.chance(0.6) ? SENIOR_TITLES : OTHER_TITLES),
        intent: random.pick(['contact-sales', 'demo']),
      };
    case 'content':
      return {
        ...base,
        ...(random.chance(0.7) ? { company, companySize: random.integer(1, 500) } : {}),
        jobTitle: random.pick(random.chance(0.3) ? SENIOR_TITLES : OTHER_TITLES),
        intent: random.pick(['content', 'newsletter']),
      };
    case 'free-mail':
      return { ...base, intent: random.pick(['contact-sales', 'content']) };
    case 'competitor':
      return { ...base, company: 'RivalCorp', intent: 'demo' };
  }
}

/**
 * Mostly one of the unit's agreed reasons, the first-listed ones most often (Zipf-like), at
 * times with a note after a colon as reps write them; now and then free text.
 */
function rejectionReason(config: BusinessUnitConfig, random: Random): string {
  const agreed = config.sla.rejectionReasons;
  if (agreed.length === 0 || random.chance(0.1)) return random.pick(FREE_TEXT_REASONS);
  const reason = random.weighted(agreed, (r) => 1 / (agreed.indexOf(r) + 1));
  return random.chance(0.25) ? `${reason}: ${random.pick(REASON_NOTES)}` : reason;
}

function repBehaviour(random: Random): RepBehaviour {
  const median = Math.round(random.between(12, 55));
  const decision = Math.round(random.between(60, 300));
  return {
    touchMinutes: { median, p90: Math.round(median * random.between(2, 4.5)) },
    missRate: Math.round(random.between(0.02, 0.12) * 100) / 100,
    decisionMinutes: { median: decision, p90: Math.round(decision * random.between(1.5, 3)) },
  };
}

export function generateHistory(config: BusinessUnitConfig, options: SeedOptions): History {
  const localFrom = assertDate(options.from ?? '2026-01-01');
  const localTo = assertDate(options.to ?? '2026-04-01');
  const from = new Date(startOfLocalDate(localFrom, config.timezone));
  const to = new Date(startOfLocalDate(localTo, config.timezone));
  if (!(from < to)) throw new RangeError(`the period must end after it starts (${from.toISOString()})`);
  const arrivals = arrivalInstants(
    { from: localFrom, to: localTo, zone: config.timezone, holidays: config.calendar.holidays },
    options.leads,
    (i) => Random.for(options.seed, 'arrival', i),
  );

  const leads: HistoricalLead[] = arrivals.map((arrival, i) => {
    const random = Random.for(options.seed, 'lead', i);
    const kind = kindOf(random);
    // Its own stream, so the mix leaves the lead's other draws as they were.
    const { channel, utm } = drawChannel(Random.for(options.seed, 'channel', i));
    const engaged = kind === 'content' || kind === 'free-mail' ? random.integer(0, 3) : 0;
    return {
      submission: submission(i, kind, random, utm),
      arrivedAt: new Date(arrival).toISOString(),
      engagements: Array.from({ length: engaged }, () => ({
        afterDays: Math.round(random.between(1, 80) * 10) / 10,
        type: random.pick(ENGAGEMENTS),
      })).sort((a, b) => a.afterDays - b.afterDays),
      verdict: random.chance((kind === 'hand-raiser' ? 0.8 : 0.55) + channel.acceptance)
        ? 'accept'
        : 'reject',
      rejectionReason: rejectionReason(config, random),
      result: random.chance(0.3) ? 'won' : 'lost',
      outcomeAfterDays: Math.round(random.between(3, 45)),
    };
  });

  const reps = Object.fromEntries(
    config.routing.teams
      .flatMap((team) => team.members)
      .map((rep) => [rep.id, repBehaviour(Random.for(options.seed, 'rep', rep.id))]),
  );
  return {
    format: 'leadflow-history/1',
    unit: config.name,
    seed: options.seed,
    period: { from: from.toISOString(), to: to.toISOString() },
    reps,
    leads,
  };
}
