/**
 * Each rep's daily digest of their open leads (domain/rep-digest.ts says who and when): the
 * leads their load names and they own now, as GET /me/leads lists them (rep-work.ts), rendered
 * by `composeDigest` with fresh one-click links per lead when the unit signs links. A rep
 * holding nothing gets no mail.
 *
 * Delivery goes through the scorecard mail's outbox (scorecard-mail.ts `deliver`), keyed by the
 * rep's local date and id (`rep-digest:<date>:<repId>#<address>`): a retried run, or a second
 * run inside the same local day, finds the mail sent and sends nothing.
 */
import { composeDigest, type DigestEntry } from '../domain/notifications.ts';
import { repDigestsDue } from '../domain/rep-digest.ts';
import { configWithRoster } from '../domain/roster.ts';
import type { ActionLinkIssuer, RepQueue, RosterStore } from './ports.ts';
import { openLeadsHeldBy } from './rep-work.ts';
import { type DeliveryPorts, type DeliveryTally, deliver } from './scorecard-mail.ts';

export interface RepDigestPorts extends DeliveryPorts {
  queue: RepQueue;
  roster: RosterStore;
  /** Absent, or without a signing key: the digest lists the leads without action links. */
  actionLinks?: ActionLinkIssuer;
}

export interface RepDigestRun extends DeliveryTally {
  /** Reps whose local time matched but who hold no open lead (no mail). */
  withoutOpenLeads: number;
}

export async function sendRepDigests(ports: RepDigestPorts, scheduledAt: Date): Promise<RepDigestRun> {
  const teams = (await ports.roster.current())?.teams ?? ports.config.routing.teams;
  // The stored roster's calendars decide each rep's time zone, in the mail as in the schedule.
  const config = configWithRoster(ports.config, teams);
  const run: RepDigestRun = { sent: [], alreadySent: 0, withoutOpenLeads: 0 };
  for (const { rep, localDate } of repDigestsDue(teams, ports.config, scheduledAt)) {
    const leads = await openLeadsHeldBy(ports.queue, [rep], (owner) => owner?.repId === rep.id);
    if (leads.length === 0) {
      run.withoutOpenLeads++;
      continue;
    }
    const entries: DigestEntry[] = [];
    for (const lead of leads) {
      const links = await ports.actionLinks?.linksFor(lead, ports.clock.now());
      entries.push(links ? { lead, links } : { lead });
    }
    const { to, ...message } = composeDigest(
      { repId: rep.id, name: rep.name, email: rep.email },
      entries,
      config,
      scheduledAt,
    );
    await deliver(ports, `rep-digest:${localDate}:${rep.id}`, message, to, run);
  }
  return run;
}
