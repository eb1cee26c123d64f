/**
 * Lifecycle ports in memory for fast use-case tests: the in-memory repository and routing
 * state (held to the DynamoDB adapters' contract), recorders for events, mail, callbacks and
 * execution starts, and a clock the test moves by hand.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  type InMemoryLifecycleStores,
  inMemoryLifecycleStores,
} from '../../functions/adapters/in-memory/lifecycle-stores.ts';
import { RecordingCallbacks, RecordingExecutions } from '../../functions/adapters/in-memory/outbound.ts';
import { newLead } from '../../functions/domain/capture.ts';
import type { Lead, LeadProfile } from '../../functions/domain/lead.ts';
import type { LifecyclePorts } from '../../functions/use-cases/ports.ts';
import { unitConfig } from './unit-config.ts';

export class HandClock {
  private current: number;
  constructor(start: string | Date) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export type InMemoryPorts = LifecyclePorts &
  InMemoryLifecycleStores & {
    clock: HandClock;
    callbacks: RecordingCallbacks;
    executions: RecordingExecutions;
  };

export function inMemoryPorts(options: { now: string; config?: BusinessUnitConfig }): InMemoryPorts {
  return {
    config: options.config ?? unitConfig(),
    clock: new HandClock(options.now),
    ...inMemoryLifecycleStores(),
    callbacks: new RecordingCallbacks(),
    executions: new RecordingExecutions(),
  };
}

/** A captured lead stored in the ports' repository, then changed by `with` (any stored field). */
export async function storedLead(
  ports: InMemoryPorts,
  profile: Partial<LeadProfile> & { email: string },
  change: Partial<Lead> = {},
): Promise<Lead> {
  const lead = newLead({
    leadId: `ld_${profile.email.replace(/[^a-z0-9]/gi, '_')}`,
    businessUnit: ports.config.name,
    profile: profile as LeadProfile,
    now: ports.clock.now(),
  });
  const stored = { ...lead, ...change } as Lead;
  await ports.leads.create(stored);
  return stored;
}
