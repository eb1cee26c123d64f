/**
 * Puts inbound activity on the unit's bus exactly as another AWS app would (source
 * leadflow.sales / leadflow.marketing), so the bus's existing rules carry it. Unlike
 * EventPublisher, a partial failure is an answer per entry, not an error: the caller reports
 * each entry and releases the ones the bus did not take.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ActivityBus, ActivityBusEntry } from '../use-cases/ports.ts';
import { eventBridgeClient } from './clients/eventbridge.ts';

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

export class EventBridgeActivityBus implements ActivityBus {
  constructor(private readonly busName: string) {}

  async put(
    entries: ActivityBusEntry[],
    now: Date,
  ): Promise<Array<{ ok: true } | { ok: false; error: string }>> {
    const results: Array<{ ok: true } | { ok: false; error: string }> = [];
    for (let i = 0; i < entries.length; i += ENTRIES_PER_CALL) {
      const chunk = entries.slice(i, i + ENTRIES_PER_CALL);
      try {
        const answer = await eventBridgeClient().send(
          new PutEventsCommand({
            Entries: chunk.map((e) => ({
              EventBusName: this.busName,
              Source: e.source,
              DetailType: e.detailType,
              Time: now,
              Detail: JSON.stringify(e.detail),
            })),
          }),
        );
        chunk.forEach((_, j) => {
          const entry = answer.Entries?.[j];
          results.push(
            entry?.ErrorCode
              ? { ok: false, error: `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`.trim() }
              : { ok: true },
          );
        });
      } catch (error) {
        for (const _ of chunk) results.push({ ok: false, error: (error as Error).message });
      }
    }
    return results;
  }
}
