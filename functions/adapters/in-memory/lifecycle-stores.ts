/**
 * The in-memory stores and outbound recorders the lifecycle runs on, assembled once for the
 * fast use-case tests and the what-if simulator. The caller adds the clock, the unit config
 * and how waits complete and executions start (a hand-moved recorder in tests, the simulated
 * state machine in the simulator).
 */
import { InMemoryAlertOutbox } from './alert-outbox.ts';
import { InMemoryLeadRepository } from './lead-repository.ts';
import { RecordingEventPublisher, RecordingMailer } from './outbound.ts';
import { InMemoryRoutingState } from './routing-state.ts';

export interface InMemoryLifecycleStores {
  leads: InMemoryLeadRepository;
  routing: InMemoryRoutingState;
  events: RecordingEventPublisher;
  mailer: RecordingMailer;
  alerts: InMemoryAlertOutbox;
}

export function inMemoryLifecycleStores(): InMemoryLifecycleStores {
  return {
    leads: new InMemoryLeadRepository(),
    routing: new InMemoryRoutingState(),
    events: new RecordingEventPublisher(),
    mailer: new RecordingMailer(),
    alerts: new InMemoryAlertOutbox(),
  };
}
