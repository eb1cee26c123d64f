/**
 * SES bounce and complaint events (the configuration set's SNS destination) -> the unit's
 * suppression record, for ops. SES already stops mailing these addresses itself (the
 * configuration set's suppression); the record says which configured rep, manager or ops
 * address that hit, why and since when, so ops can fix the routing config. Only a permanent
 * bounce or a complaint counts: a transient bounce (mailbox full, greylisting) does not.
 * Logs carry the event type and counts, never the addresses.
 */
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoSuppressionList } from '../adapters/suppression-list.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { suppressionsFrom } from '../use-cases/mail-feedback.ts';

const suppression = new DynamoSuppressionList(requiredEnv(ENV.tableName));

export interface FeedbackResult {
  /** Addresses recorded for the first time. */
  recorded: number;
  /** Addresses already recorded (SES reports every later mail it drops as another bounce). */
  known: number;
}

export const handler = middy<SNSEvent, FeedbackResult>().handler(async (event) => {
  const result: FeedbackResult = { recorded: 0, known: 0 };
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      logger.warn('Ignoring an SNS message that is not JSON');
      continue;
    }
    const entries = suppressionsFrom(message);
    if (entries instanceof z.ZodError) {
      logger.warn('Ignoring an SES event of an unexpected shape');
      continue;
    }
    for (const entry of entries) result[await suppression.suppress(entry.address, entry, clock.now())]++;
  }
  // A new entry means a configured recipient no longer gets alerts: worth a warning for ops.
  if (result.recorded > 0)
    logger.warn('SES stopped mail to an address: bounced or complained', { ...result });
  else logger.info('SES feedback', { ...result });
  return result;
});
