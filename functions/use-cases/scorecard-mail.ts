/**
 * The scorecard's scheduled mail (functions/domain/scorecard/report-schedules.ts says when):
 *
 * - the weekly digest: the scorecard of the seven days before the send day, as the reports use
 *   case computes it for `GET /reports/scorecard` (so the mail and the JSON cannot disagree),
 *   rendered by `weeklyDigest` (text and HTML with pure-HTML bars), to both teams;
 * - the pace alerts: the month so far, `paceAlerts` decides which side hears what.
 *
 * Delivery goes through the alert outbox, one record per mail and recipient, under the unit's own
 * subject (not a lead): the digest keyed by the week (`digest:<from>..<to>#<address>`), an alert
 * by its key, which names the period, side, measure and threshold (`<key>#<address>`). A run that
 * is retried, or a schedule that fires twice, finds the mail sent and sends nothing; one that
 * died between sending and marking sends that one recipient's mail again (at least once, never
 * lost). A recipient added mid-period gets the alerts still standing.
 */
import type { EmailMessage } from '../domain/notifications.ts';
import { paceAlerts } from '../domain/scorecard/alerts.ts';
import { weeklyDigest } from '../domain/scorecard/digest.ts';
import { alertMonth, checksPaceOn, digestWeek } from '../domain/scorecard/report-schedules.ts';
import type { Period } from '../domain/scorecard/types.ts';
import type { AlertOutbox, Mailer } from './ports.ts';
import { type ReportPorts, scorecardReport } from './reports.ts';

export interface ScorecardMailPorts extends ReportPorts {
  mailer: Mailer;
  /** Keyed by the unit's name where lifecycle alerts are keyed by a lead id. */
  outbox: AlertOutbox;
}

/** What `deliver` needs: the unit (its name keys the outbox), the clock, the mailer and outbox. */
export type DeliveryPorts = Pick<ScorecardMailPorts, 'config' | 'clock' | 'mailer' | 'outbox'>;

export interface DeliveryTally {
  /** `<marker>#<address>` of each mail this run sent. */
  sent: string[];
  /** How many mails were already sent by an earlier run. */
  alreadySent: number;
}

export interface MailRun extends DeliveryTally {
  period: Period;
}

export type PaceAlertRun = MailRun | { skipped: 'not a business day' };

/** Records, sends and marks one mail per recipient; a mail already marked sent is left alone. */
export async function deliver(
  ports: DeliveryPorts,
  marker: string,
  message: Omit<EmailMessage, 'to'>,
  to: readonly string[],
  run: DeliveryTally,
): Promise<void> {
  const subject = ports.config.name;
  for (const address of to) {
    const key = `${marker}#${address}`;
    const recorded = await ports.outbox.record(
      subject,
      key,
      { ...message, to: [address] },
      ports.clock.now(),
    );
    if (recorded.status === 'sent') {
      run.alreadySent++;
      continue;
    }
    await ports.mailer.send(recorded.message);
    await ports.outbox.markSent(subject, key, ports.clock.now());
    run.sent.push(key);
  }
}

/** The digest of the week before `scheduledAt`'s local day, to marketing and sales. */
export async function sendWeeklyDigest(ports: ScorecardMailPorts, scheduledAt: Date): Promise<MailRun> {
  const period = digestWeek(scheduledAt, ports.config);
  const card = await scorecardReport(ports, period);
  const { to, ...message } = weeklyDigest(card, ports.config);
  const run: MailRun = { period, sent: [], alreadySent: 0 };
  await deliver(ports, `digest:${period.from}..${period.to}`, message, to, run);
  return run;
}

/** The pace alerts due on the month of `scheduledAt`, each once per period, threshold and recipient. */
export async function sendPaceAlerts(ports: ScorecardMailPorts, scheduledAt: Date): Promise<PaceAlertRun> {
  if (!checksPaceOn(scheduledAt, ports.config)) return { skipped: 'not a business day' };
  const period = alertMonth(scheduledAt, ports.config);
  const card = await scorecardReport(ports, period);
  const run: MailRun = { period, sent: [], alreadySent: 0 };
  for (const alert of paceAlerts(card, ports.config))
    await deliver(ports, alert.key, { subject: alert.subject, text: alert.text }, alert.to, run);
  return run;
}
