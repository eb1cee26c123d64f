/**
 * Every dead-letter queue in a Leadflow stack comes from here: encrypted, TLS only, messages kept
 * 14 days (the SQS maximum) so a failure found after a long weekend can still be redriven.
 * Each one is alarmed on depth (alarms.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';

export function createDeadLetterQueue(scope: Construct, id: string, holds: string): Queue {
  const queue = new Queue(scope, id, {
    // SQS-managed SSE: EventBridge cannot write to a queue encrypted with the aws/sqs KMS key.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeNag(
    queue,
    'AwsSolutions-SQS3',
    `This queue is itself a dead-letter queue (${holds}), alarmed on depth; nothing consumes it automatically.`,
  );
  return queue;
}
