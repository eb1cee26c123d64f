/**
 * The unit's event bus, locally: PutEvents accepts events like EventBridge and delivers them
 * asynchronously to the targets of the rules read back from the synthesized template.
 * Every event is kept in an in-memory log for the outbox page and tests.
 */
import { randomUUID } from 'node:crypto';
import type { SynthesizedEventRule } from '../../infra/synth.ts';
import type { LambdaInvoker } from './lambda-invoker.ts';
import type { VirtualClock } from './virtual-clock.ts';

export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time: string;
  deliveredTo: string[];
}

function matches(rule: SynthesizedEventRule, event: Pick<BusEvent, 'source' | 'detail-type'>): boolean {
  const { source, 'detail-type': detailType } = rule.eventPattern;
  return (
    (!source || source.includes(event.source)) && (!detailType || detailType.includes(event['detail-type']))
  );
}

export class LocalEventBus {
  readonly log: BusEvent[] = [];
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly busName: string,
    private readonly rules: SynthesizedEventRule[],
    private readonly invoker: LambdaInvoker,
    private readonly clock: VirtualClock,
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
    }
    return { EventId: event.id };
  }

  private deliver(event: BusEvent, handler: string): void {
    this.clock.enter();
    const lambdaEvent = {
      version: '0',
      id: event.id,
      'detail-type': event['detail-type'],
      source: event.source,
      account: '000000000000',
      time: event.time,
      region: 'local',
      resources: [],
      detail: event.detail,
    };
    // EventBridge invokes targets asynchronously: never inside the publisher's request.
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.invoker.invoke(handler, lambdaEvent))
      .then(() => {
        event.deliveredTo.push(handler);
      })
      .catch((error: unknown) =>
        console.error(`[local-bus] ${handler} failed for ${event['detail-type']}:`, error),
      )
      .finally(() => {
        this.deliveries.delete(delivery);
        this.clock.leave();
      });
    this.deliveries.add(delivery);
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
