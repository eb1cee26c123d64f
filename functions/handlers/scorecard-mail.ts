/**
 * EventBridge Scheduler -> the scorecard's mail (use-cases/scorecard-mail.ts): the weekly digest
 * to both teams, and the daily pace alerts. The schedules (domain/scorecard/report-schedules.ts)
 * pass the task and the instant they fired for; a manual invocation may leave the instant out
 * (then: now).
 */
import middy from '@middy/core';
import * as z from 'zod';
import { DynamoAlertOutbox, REPORTS_PARTITION } from '../adapters/alert-outbox.ts';
import { Mailer } from '../adapters/mailer.ts';
import { DynamoMetricsStore } from '../adapters/metrics-store.ts';
import { REPORT_TASKS } from '../domain/scorecard/report-schedules.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import {
  type MailRun,
  type PaceAlertRun,
  type ScorecardMailPorts,
  sendPaceAlerts,
  sendWeeklyDigest,
} from '../use-cases/scorecard-mail.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const ports: ScorecardMailPorts = {
  config,
  clock,
  metrics: new DynamoMetricsStore(tableName),
  mailer: new Mailer(process.env[ENV.sesSender] ?? config.email.sender, {
    configurationSet: process.env[ENV.sesConfigurationSet],
  }),
  outbox: new DynamoAlertOutbox(tableName, REPORTS_PARTITION),
};

export const ScheduledRun = z.object({
  task: z.enum(REPORT_TASKS),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export const handler = middy<unknown, MailRun | PaceAlertRun>().handler(async (event) => {
  const parsed = ScheduledRun.safeParse(event);
  // A malformed input is a broken schedule: fail, so its retries and the error alarm show it.
  if (!parsed.success) throw new Error(`Not a scorecard mail run: ${z.prettifyError(parsed.error)}`);
  const { task, scheduledTime } = parsed.data;
  const at = scheduledTime ? new Date(scheduledTime) : clock.now();
  const run = task === 'weekly-digest' ? await sendWeeklyDigest(ports, at) : await sendPaceAlerts(ports, at);
  // Markers carry addresses: log counts only.
  logger.info('Scorecard mail', {
    task,
    scheduledTime: at.toISOString(),
    ...('skipped' in run ? run : { period: run.period, sent: run.sent.length, alreadySent: run.alreadySent }),
  });
  return run;
});
