/**
 * Lifecycle ports in memory for fast use-case tests: the in-memory repository and routing
 * state (held to the DynamoDB adapters' contract), recorders for events, mail, callbacks and
 * execution starts, and a clock the test moves by hand.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { InMemoryAlertOutbox } from '../../functions/adapters/in-memory/alert-outbox.ts';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import {
  RecordingCallbacks,
  RecordingEventPublisher,
  RecordingExecutions,
  RecordingMailer,
} from '../../functions/adapters/in-memory/outbound.ts';
import { InMemoryRoutingState } from '../../functions/adapters/in-memory/routing-state.ts';
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

export interface InMemoryPorts extends LifecyclePorts {
  clock: HandClock;
  leads: InMemoryLeadRepository;
  routing: InMemoryRoutingState;
  events: RecordingEventPublisher;
  mailer: RecordingMailer;
  alerts: InMemoryAlertOutbox;
  callbacks: RecordingCallbacks;
  executions: RecordingExecutions;
}

export function inMemoryPorts(options: { now: string; config?: BusinessUnitConfig }): InMemoryPorts {
  return {
    config: options.config ?? unitConfig(),
    clock: new HandClock(options.now),
    leads: new InMemoryLeadRepository(),
    routing: new InMemoryRoutingState(),
    events: new RecordingEventPublisher(),
    mailer: new RecordingMailer(),
    alerts: new InMemoryAlertOutbox(),
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
