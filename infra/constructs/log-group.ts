/**
 * Every log group in a Leadflow stack comes from here, so all of them carry the unit's
 * `logRetentionDays` (CloudWatch only accepts a fixed set of retention values).
 */
import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';

/** The retention values CloudWatch Logs accepts (RetentionDays without INFINITE), ascending. */
const ALLOWED_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/** The smallest retention CloudWatch accepts that keeps logs at least `days` days. */
export function toRetentionDays(days: number): RetentionDays {
  const allowed = ALLOWED_RETENTION_DAYS.find((d) => d >= days) ?? ALLOWED_RETENTION_DAYS.at(-1);
  return allowed as RetentionDays;
}

export interface LeadflowLogGroupProps {
  config: BusinessUnitConfig;
  /** Explicit name, only where AWS expects a prefix (e.g. `/aws/vendedlogs/` for Step Functions). */
  logGroupName?: string;
}

export function createLogGroup(scope: Construct, id: string, props: LeadflowLogGroupProps): LogGroup {
  const retention = toRetentionDays(props.config.logRetentionDays);
  if (retention !== props.config.logRetentionDays) {
    Annotations.of(scope).addWarningV2(
      'leadflow:logRetentionRounded',
      `logRetentionDays ${props.config.logRetentionDays} is not a CloudWatch retention value; using ${retention}`,
    );
  }
  return new LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    retention,
    // Logs outlive the stack (an incident review may need them); retention still ages them out.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
