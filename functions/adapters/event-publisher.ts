/**
 * Puts typed, versioned Leadflow events on the unit's bus. A partial failure is an error,
 * so the caller's retry (Lambda, Step Functions) publishes again rather than losing it.
 */
import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../workflows/event-routes.ts';
// Not events/catalog.ts: that loads zod's classic API for the inbound schemas (see emitted.ts).
import { LEADFLOW_EVENTS } from '../events/emitted.ts';
import type { EventPublisher as EventPublisherPort, PublishedEvent } from '../use-cases/ports.ts';
import { eventBridgeClient } from './clients/eventbridge.ts';

export class EventPublisher implements EventPublisherPort {
  constructor(
    private readonly busName: string,
    private readonly businessUnit: string,
  ) {}

  async publish(events: PublishedEvent[], occurredAt: Date): Promise<void> {
    if (events.length === 0) return;
    const entries = events.map((event) => {
      const detail = LEADFLOW_EVENTS[event.name].parse({
        version: 1,
        eventId: event.eventId ?? randomUUID(),
        occurredAt: occurredAt.toISOString(),
        businessUnit: this.businessUnit,
        leadId: event.leadId,
        data: event.data,
      });
      return {
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: event.name,
        Time: occurredAt,
        Detail: JSON.stringify(detail),
      };
    });
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < entries.length; i += 10) {
      const result = await eventBridgeClient().send(
        new PutEventsCommand({ Entries: entries.slice(i, i + 10) }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failed = (result.Entries ?? [])
          .filter((e) => e.ErrorCode)
          .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new Error(`EventBridge rejected ${result.FailedEntryCount} event(s): ${failed.join('; ')}`);
      }
    }
  }
}
