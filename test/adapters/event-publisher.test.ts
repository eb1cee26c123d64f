/** The EventBridge adapter against a mocked client: typed envelopes, batching, partial failures. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventPublisher } from '../../functions/adapters/event-publisher.ts';

const eventBridge = mockClient(EventBridgeClient);
const publisher = new EventPublisher('leadflow-demo', 'demo');
const at = new Date('2026-03-23T09:00:00Z');

beforeEach(() => {
  eventBridge.reset();
  process.env.AWS_REGION = 'eu-central-1';
});

describe('EventPublisher', () => {
  it('puts a versioned envelope with source leadflow on the unit bus', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await publisher.publish(
      [
        {
          name: 'LeadQualified',
          leadId: 'ld_1',
          eventId: 'ld_1:qualified',
          data: { reasons: ['Asked for sales'] },
        },
      ],
      at,
    );
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'leadflow-demo',
      Source: 'leadflow',
      DetailType: 'LeadQualified',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      version: 1,
      eventId: 'ld_1:qualified',
      occurredAt: '2026-03-23T09:00:00.000Z',
      businessUnit: 'demo',
      leadId: 'ld_1',
      data: { reasons: ['Asked for sales'] },
    });
  });

  it('splits more than ten events into several PutEvents calls', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const events = Array.from({ length: 23 }, (_, i) => ({
      name: 'LeadRecycled' as const,
      leadId: `ld_${i}`,
      data: { reason: 'test' },
    }));
    await publisher.publish(events, at);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
  });

  it('throws on a partial failure so the caller retries instead of losing the event', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(
      publisher.publish([{ name: 'LeadRecycled', leadId: 'ld_1', data: { reason: 'x' } }], at),
    ).rejects.toThrow(/InternalFailure: try again/);
  });

  it('refuses an event whose data does not match its schema', async () => {
    await expect(
      publisher.publish([{ name: 'LeadConverted', leadId: 'ld_1', data: { result: 'maybe' } as never }], at),
    ).rejects.toThrow();
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
