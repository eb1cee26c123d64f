/**
 * A dead-letter queue as a ParkedSource. A message received is hidden from other readers for
 * `visibilitySeconds`; it is deleted only after its event was put back, so one that is not
 * simply becomes visible again. A dry run peeks (visibility 0) and changes nothing.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { eventFromBody, type ParkedMessage, type ParkedSource } from './parked-events.ts';

export interface DeadLetterQueue {
  /** The stack output's name for it: `event-targets`, `start-lifecycle-async`, … */
  name: string;
  url: string;
}

export interface SqsSourceOptions {
  peek?: boolean;
  visibilitySeconds?: number;
  /** Stops after this many messages, so a queue refilling as fast as it drains cannot loop forever. */
  maxMessages?: number;
}

export function sqsQueueSource(
  sqs: SQSClient,
  queue: DeadLetterQueue,
  options: SqsSourceOptions = {},
): ParkedSource {
  const { peek = false, visibilitySeconds = 120, maxMessages = 10_000 } = options;
  const seen = new Set<string>();
  const receipts = new Map<string, string>();
  let done = false;
  return {
    name: queue.name,
    async next() {
      if (done || seen.size >= maxMessages) return [];
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: 10,
          // Long polling asks every SQS server, so an empty answer means an empty queue.
          WaitTimeSeconds: 1,
          VisibilityTimeout: peek ? 0 : visibilitySeconds,
        }),
      );
      // A message seen before has come back (not deleted, or peeked): the queue has gone round.
      const fresh = (received.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) {
        done = true;
        return [];
      }
      return fresh.map((m): ParkedMessage => {
        const messageId = m.MessageId as string;
        seen.add(messageId);
        if (m.ReceiptHandle) receipts.set(messageId, m.ReceiptHandle);
        try {
          return { messageId, event: eventFromBody(m.Body ?? '') };
        } catch (error) {
          return { messageId, problem: (error as Error).message };
        }
      });
    },
    async remove(messages) {
      const failures: Array<{ messageId: string; error: string }> = [];
      for (let i = 0; i < messages.length; i += 10) {
        const entries = messages.slice(i, i + 10).map((m, j) => ({
          Id: String(i + j),
          ReceiptHandle: receipts.get(m.messageId) ?? '',
        }));
        const result = await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: entries }),
        );
        for (const failed of result.Failed ?? []) {
          const message = messages[Number(failed.Id)];
          if (message)
            failures.push({ messageId: message.messageId, error: `${failed.Code}: ${failed.Message}` });
        }
      }
      return failures;
    },
  };
}

/** SQS's approximate number of visible messages (what a dry run reports next to its sample). */
export async function approximateDepth(sqs: SQSClient, url: string): Promise<number> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(result.Attributes?.ApproximateNumberOfMessages ?? 0);
}
