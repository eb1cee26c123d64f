/**
 * EventBridge Scheduler -> the scheduled mail: the weekly digest to both teams and the daily
 * pace alerts (use-cases/scorecard-mail.ts), and each rep's daily digest of their open leads
 * (use-cases/rep-digest.ts). The schedules (domain/scorecard/report-schedules.ts) pass the task
 * and the instant they fired for; a manual invocation may leave the instant out (then: now).
 */
import middy from '@middy/core';
import * as z from 'zod';
import { SignedActionLinks } from '../adapters/action-links.ts';
import { DynamoAlertOutbox, REPORTS_PARTITION } from '../adapters/alert-outbox.ts';
import { DynamoLeadSearch } from '../adapters/lead-search.ts';
import { Mailer } from '../adapters/mailer.ts';
import { DynamoMetricsStore } from '../adapters/metrics-store.ts';
import { DynamoRosterStore } from '../adapters/roster-store.ts';
import { actionSigningKey } from '../adapters/signing-key.ts';
import { REPORT_TASKS } from '../domain/scorecard/report-schedules.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type RepDigestPorts, type RepDigestRun, sendRepDigests } from '../use-cases/rep-digest.ts';
import {
  type MailRun,
  type PaceAlertRun,
  type ScorecardMailPorts,
  sendPaceAlerts,
  sendWeeklyDigest,
} from '../use-cases/scorecard-mail.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const ports: ScorecardMailPorts & RepDigestPorts = {
  config,
  clock,
  metrics: new DynamoMetricsStore(tableName),
  mailer: new Mailer(process.env[ENV.sesSender] ?? config.email.sender, {
    configurationSet: process.env[ENV.sesConfigurationSet],
  }),
  outbox: new DynamoAlertOutbox(tableName, REPORTS_PARTITION),
  // The rep digest: each rep's load and leads, the roster ops keep, and the links' signing key.
  queue: new DynamoLeadSearch(tableName),
  roster: new DynamoRosterStore(tableName),
  actionLinks: new SignedActionLinks(config, process.env[ENV.actionsBaseUrl], () => actionSigningKey(config)),
};

const runTask = {
  'weekly-digest': sendWeeklyDigest,
  'pace-alerts': sendPaceAlerts,
  'rep-digest': sendRepDigests,
} satisfies Record<(typeof REPORT_TASKS)[number], (p: typeof ports, at: Date) => Promise<unknown>>;

export const ScheduledRun = z.object({
  task: z.enum(REPORT_TASKS),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export const handler = middy<unknown, MailRun | PaceAlertRun | RepDigestRun>().handler(async (event) => {
  const parsed = ScheduledRun.safeParse(event);
  // A malformed input is a broken schedule: fail, so its retries and the error alarm show it.
  if (!parsed.success) throw new Error(`Not a scorecard mail run: ${z.prettifyError(parsed.error)}`);
  const { task, scheduledTime } = parsed.data;
  const at = scheduledTime ? new Date(scheduledTime) : clock.now();
  const run: MailRun | PaceAlertRun | RepDigestRun = await runTask[task](ports, at);
  // Markers carry addresses: log counts only.
  logger.info('Scheduled mail', {
    task,
    scheduledTime: at.toISOString(),
    ...('skipped' in run ? run : { ...run, sent: run.sent.length }),
  });
  return run;
});
