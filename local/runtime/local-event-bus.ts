/**
 * The unit's event bus, locally: PutEvents accepts events like EventBridge and delivers them
 * asynchronously to the targets of the rules read back from the synthesized template.
 * Every event is kept in an in-memory log for the outbox page and tests.
 *
 * A target that fails is redelivered as Lambda's asynchronous invocation does it for EventBridge
 * targets (`sendAsyncFailuresTo` in infra, retryAttempts 2): two more attempts, one minute and
 * then two minutes later on the virtual clock, with the same event id; only then is the
 * delivery parked as a dead letter (what the on-failure queue holds on AWS).
 */
import { randomUUID } from 'node:crypto';
import type { SynthesizedEventRule } from '../../infra/synth.ts';
import type { LambdaInvoker } from './lambda-invoker.ts';
import type { LocalEventArchive } from './local-event-archive.ts';
import type { VirtualClock } from './virtual-clock.ts';

export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time: string;
  deliveredTo: string[];
}

/** A delivery no target took: the event, kept for the redrive command (what a target DLQ holds on AWS). */
export interface DeadLetter {
  id: string;
  event: Omit<BusEvent, 'deliveredTo'>;
  target: string;
  error: string;
  parkedAt: string;
  /** Invocations tried before it was parked (1 + the redeliveries). */
  attempts: number;
}

/** Lambda's default for asynchronous invocations: 2 retries, 1 and 2 minutes apart. */
export const REDELIVERY_DELAYS_MS: readonly number[] = [60_000, 120_000];

function matches(rule: SynthesizedEventRule, event: Pick<BusEvent, 'source' | 'detail-type'>): boolean {
  const { source, 'detail-type': detailType } = rule.eventPattern;
  return (
    (!source || source.includes(event.source)) && (!detailType || detailType.includes(event['detail-type']))
  );
}

/** The event as EventBridge hands it to every target (a Lambda function, a Firehose stream). */
const targetEvent = (event: BusEvent) => ({
  version: '0',
  id: event.id,
  'detail-type': event['detail-type'],
  source: event.source,
  account: '000000000000',
  time: event.time,
  region: 'local',
  resources: [],
  detail: event.detail,
});

export class LocalEventBus {
  readonly log: BusEvent[] = [];
  private readonly deliveries = new Set<Promise<void>>();
  private readonly parked: DeadLetter[] = [];
  /** Redeliveries waiting for their instant on the clock (their cancel functions). */
  private readonly redeliveries = new Set<() => void>();
  /** The pause before each redelivery of a failed target; `[]` parks at the first failure. */
  redeliveryDelaysMs: readonly number[] = REDELIVERY_DELAYS_MS;

  constructor(
    private readonly busName: string,
    private readonly rules: SynthesizedEventRule[],
    private readonly invoker: LambdaInvoker,
    private readonly clock: VirtualClock,
    /** Where rules with a Firehose target write (the local event archive); none: not archived. */
    private readonly archive?: LocalEventArchive,
  ) {}

  put(entry: {
    Source?: string;
    DetailType?: string;
    Detail?: string;
    EventBusName?: string;
    Time?: number;
  }): { EventId?: string; ErrorCode?: string; ErrorMessage?: string } {
    if (
      entry.EventBusName &&
      entry.EventBusName !== this.busName &&
      !entry.EventBusName.endsWith(`/${this.busName}`)
    ) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    }
    if (!entry.Source || !entry.DetailType || !entry.Detail) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(entry.Detail) as Record<string, unknown>;
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const event: BusEvent = {
      id: randomUUID(),
      source: entry.Source,
      'detail-type': entry.DetailType,
      detail,
      time: this.clock.now().toISOString(),
      deliveredTo: [],
    };
    this.log.push(event);
    for (const rule of this.rules.filter((r) => matches(r, event))) {
      for (const handler of rule.handlers) this.deliver(event, handler);
      for (const stream of rule.deliveryStreams ?? [])
        this.archive?.write(stream, targetEvent(event), new Date(event.time));
    }
    return { EventId: event.id };
  }

  private deliver(event: BusEvent, handler: string, attempt = 1): void {
    this.clock.enter();
    const lambdaEvent = targetEvent(event);
    // EventBridge invokes targets asynchronously: never inside the publisher's request.
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.invoker.invoke(handler, lambdaEvent))
      .then(() => {
        event.deliveredTo.push(handler);
      })
      .catch((error: unknown) => {
        const pause = this.redeliveryDelaysMs[attempt - 1];
        const next = pause === undefined ? 'parked' : `again in ${pause / 1000} s`;
        console.error(
          `[local-bus] ${handler} failed for ${event['detail-type']} (attempt ${attempt}, ${next}):`,
          error,
        );
        if (pause !== undefined) return this.redeliverLater(event, handler, attempt + 1, pause);
        const { deliveredTo: _delivered, ...kept } = event;
        this.parked.push({
          id: randomUUID(),
          event: structuredClone(kept),
          target: handler,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          parkedAt: this.clock.now().toISOString(),
          attempts: attempt,
        });
      })
      .finally(() => {
        this.deliveries.delete(delivery);
        this.clock.leave();
      });
    this.deliveries.add(delivery);
  }

  /** Invokes the target again after `pause` of virtual time; the runtime is idle meanwhile. */
  private redeliverLater(event: BusEvent, handler: string, attempt: number, pause: number): void {
    const cancel = this.clock.at(new Date(this.clock.now().getTime() + pause), () => {
      this.redeliveries.delete(cancel);
      this.deliver(event, handler, attempt);
    });
    this.redeliveries.add(cancel);
  }

  /** Failed deliveries waiting for their next attempt. */
  get pendingRedeliveries(): number {
    return this.redeliveries.size;
  }

  /** Drops the redeliveries still waiting (a runtime that stops takes them with it, as a crash would). */
  cancelRedeliveries(): void {
    for (const cancel of this.redeliveries) cancel();
    this.redeliveries.clear();
  }

  /** The deliveries parked so far, oldest first (a copy). */
  deadLetters(): DeadLetter[] {
    return structuredClone(this.parked);
  }

  /** Removes and returns the parked deliveries with these ids (all of them without ids). */
  takeDeadLetters(ids?: readonly string[]): DeadLetter[] {
    const taken = this.parked.filter((d) => !ids || ids.includes(d.id));
    for (const d of taken) this.parked.splice(this.parked.indexOf(d), 1);
    return taken;
  }

  async drain(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  operations() {
    return {
      'AWSEvents.PutEvents': async (input: Record<string, unknown>) => {
        const entries = (input.Entries ?? []) as Array<Parameters<LocalEventBus['put']>[0]>;
        const results = entries.map((e) => this.put(e));
        return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
      },
    };
  }
}
