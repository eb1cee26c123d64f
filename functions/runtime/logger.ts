import { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from './env.ts';

/**
 * One logger per process. Never pass personal data (email, phone, names, free text) to it:
 * log lead ids, stages and reasons only.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'leadflow',
  persistentKeys: { businessUnit: process.env[ENV.businessUnit] ?? 'unknown' },
});
