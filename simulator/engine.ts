/**
 * The lifecycle in one process, in virtual time, without HTTP: the unit's synthesized state
 * machine (exactly what `cdk synth` emits, as the local runtime gets it) runs in the
 * simulator's ASL interpreter (simulator/asl/, which refuses any part of a definition it does
 * not implement) or, with `engine: 'library'`, in the local runtime's Step Functions engine
 * (aws-local-stepfunctions with the conformance fixes of asl-engine-definition.ts); its tasks
 * call the lifecycle use cases directly on the in-memory ports, and virtual time jumps from one
 * due timer (a wait's timeout, an arrival, a rep's action) to the next.
 *
 * What differs from `npm start`: no API Gateway, capture handler or EventBridge hop (a lead
 * is captured by the capture use case and its execution started as start-lifecycle would),
 * the stores are the in-memory twins (held to the DynamoDB adapters' contract tests), and
 * mails are recorded, not rendered by SES, and carry no action links.
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import {
  type InMemoryLifecycleStores,
  inMemoryLifecycleStores,
} from '../functions/adapters/in-memory/lifecycle-stores.ts';
import type { LeadProfile } from '../functions/domain/lead.ts';
import type { ActivityEvent, ActivityEventName } from '../functions/events/catalog.ts';
import { type CaptureResult, captureLead } from '../functions/use-cases/capture-lead.ts';
import { runLifecycleTask } from '../functions/use-cases/lifecycle/task-request.ts';
import type { LifecyclePorts } from '../functions/use-cases/ports.ts';
import { type ActivityOutcome, recordActivity } from '../functions/use-cases/record-activity.ts';
import type { Asl } from '../local/runtime/asl-engine-definition.ts';
import { AwsServiceError } from '../local/runtime/local-aws-endpoint.ts';
import { LocalStepFunctions } from '../local/runtime/local-step-functions.ts';
import { VirtualClock } from '../local/runtime/virtual-clock.ts';
import { AslInterpreter } from './asl/interpreter.ts';
import { SimulationClock } from './virtual-time.ts';

/** The only Lambda the lifecycle definition calls. */
const LIFECYCLE_HANDLER = 'lifecycle-step';
/** What the simulator says it is when it captures a lead (an API client: no form spam signals). */
export const SIMULATOR_CLIENT = 'leadflow-simulator';

/** Which engine runs the state machine: the simulator's interpreter, or the local runtime's library. */
export type SimulatorEngine = 'interpreter' | 'library';
export const SIMULATOR_ENGINES: readonly SimulatorEngine[] = ['interpreter', 'library'];

/** What the simulator needs of virtual time (both engines' clocks give it). */
type SimulatedTime = Pick<SimulationClock, 'now' | 'at' | 'track' | 'runUntilIdle'>;

/** What the simulator needs of Step Functions (both engines give it). */
interface Workflow {
  start(name: string, input: string): unknown;
  sendTaskSuccess(token: string, output: unknown): void;
  execution(name: string): SimulatedExecution | undefined;
}

export interface SimulatedExecution {
  status: string;
  /** State names entered, in order. */
  path: string[];
}

export interface SimulatedLifecycleOptions {
  config: BusinessUnitConfig;
  /** The unit's synthesized state machine (`synthesizeBusinessUnit(config).stateMachineDefinition`). */
  definition: Asl;
  start: Date;
  /** Default: the interpreter. */
  engine?: SimulatorEngine;
  /** Replaces or wraps ports (the simulator observes events and routing through this). */
  ports?: (stores: InMemoryLifecycleStores) => Partial<LifecyclePorts>;
}

export class SimulatedLifecycle {
  readonly clock: SimulatedTime;
  readonly stores: InMemoryLifecycleStores;
  readonly ports: LifecyclePorts;
  private readonly stepFunctions: Workflow;
  /** Work scheduled with `at` that threw: a simulation with any is not to be trusted. */
  readonly failures: Error[] = [];

  constructor(options: SimulatedLifecycleOptions) {
    const { config } = options;
    this.stores = inMemoryLifecycleStores();
    const { definition } = options;
    const name = `leadflow-${config.name}`;
    const invoke = (handler: string, payload: unknown) => {
      if (handler !== LIFECYCLE_HANDLER)
        throw new Error(`The simulator runs only ${LIFECYCLE_HANDLER}, not ${handler}`);
      return runLifecycleTask(this.ports, payload).then((task) => task.output);
    };
    if (options.engine === 'library') {
      const clock = new VirtualClock({ mode: 'manual', start: options.start });
      this.clock = clock;
      const invoker = { invoke: (h: string, p: unknown) => clock.track(async () => invoke(h, p)) };
      this.stepFunctions = new LocalStepFunctions(definition, invoker, clock, name);
    } else {
      const clock = new SimulationClock(options.start);
      this.clock = clock;
      // The interpreter counts an execution as busy while it runs a task: no need to track it.
      const invoker = { invoke: async (h: string, p: unknown) => invoke(h, p) };
      this.stepFunctions = new AslInterpreter(
        definition,
        invoker,
        clock,
        `arn:aws:states:local:000000000000:stateMachine:${name}`,
      );
    }
    this.ports = {
      config,
      clock: this.clock,
      ...this.stores,
      callbacks: { completeWait: (token, output) => this.completeWait(token, output) },
      executions: { start: (name, input) => this.startExecution(name, input) },
      ...options.ports?.(this.stores),
    };
  }

  /** SendTaskSuccess, with the adapter's reading of a wait that is already over. */
  private async completeWait(token: string, output: unknown): Promise<'completed' | 'stale'> {
    try {
      this.stepFunctions.sendTaskSuccess(token, output);
      return 'completed';
    } catch (error) {
      if (error instanceof AwsServiceError && ['TaskTimedOut', 'TaskDoesNotExist'].includes(error.type))
        return 'stale';
      throw error;
    }
  }

  private async startExecution(name: string, input: Record<string, unknown>) {
    try {
      this.stepFunctions.start(name, JSON.stringify(input));
      return 'started' as const;
    } catch (error) {
      if (error instanceof AwsServiceError && error.type === 'ExecutionAlreadyExists')
        return 'already-running' as const;
      throw error;
    }
  }

  /** A lead posted by an API integration; a new one starts its lifecycle (as start-lifecycle does). */
  capture(profile: LeadProfile): Promise<CaptureResult> {
    return this.clock.track(async () => {
      const result = await captureLead(this.ports, { profile, spamSignals: { apiClient: SIMULATOR_CLIENT } });
      if (result.outcome === 'created') await this.startExecution(result.leadId, { leadId: result.leadId });
      return result;
    });
  }

  /** Sales or marketing activity, as complete-wait records it. */
  activity<N extends ActivityEventName>(
    type: N,
    activity: ActivityEvent<N>,
    activityId: string,
  ): Promise<ActivityOutcome> {
    return this.clock.track(() => recordActivity(this.ports, type, activity, { activityId }));
  }

  /**
   * Runs `work` when virtual time reaches `at` (work started then counts as in flight); on the
   * interpreter's clock, before any wait's timeout due at the same instant (see virtual-time.ts).
   */
  at(at: Date, work: () => Promise<unknown>): void {
    const fire = () => {
      this.clock.track(work).catch((error: Error) => this.failures.push(error));
    };
    if (this.clock instanceof SimulationClock) this.clock.at(at, fire, 'work');
    else this.clock.at(at, fire);
  }

  runUntil(until: Date): Promise<void> {
    return this.clock.runUntilIdle(until);
  }

  execution(leadId: string): SimulatedExecution | undefined {
    return this.stepFunctions.execution(leadId);
  }
}
