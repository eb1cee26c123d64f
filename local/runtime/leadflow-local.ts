/**
 * The whole Leadflow stack of one business unit on this machine: the synthesized stack's
 * HTTP routes, state machine, event rules and table, served by the real handler modules over
 * embedded DynamoDB (dynalite), SES (aws-ses-v2-local) and a local Step Functions/EventBridge
 * endpoint. Used by `npm start`, the end-to-end and workflow tests, and the benchmarks.
 *
 * The handlers' SDK clients reach those services in-process by default (local/transport/): each
 * request goes to the service's request listener without a socket. Their HTTP endpoints stay up
 * for outside clients (curl, the AWS CLI, the driver's PutEvents), and `transport: 'http'` sends
 * the handlers' requests over them too.
 */
import { join, resolve } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { type UnitResourceNames, unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { useRequestHandler } from '../../functions/adapters/clients/transport.ts';
import { useClock } from '../../functions/runtime/clock.ts';
import { ENV } from '../../functions/runtime/env.ts';
import { useUnitConfig } from '../../functions/runtime/unit-config.ts';
import { type SynthesizedUnit, synthesizeBusinessUnit } from '../../infra/synth.ts';
import {
  INBOUND_KEY_FILE,
  LOCAL_ACTION_KEY_ENV,
  LOCAL_INBOUND_KEY_ENV,
  loadOrCreateActionKey,
  withLocalActionKey,
  withLocalInboundKey,
} from '../auth/local-action-key.ts';
import { createLocalIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer } from '../auth/local-issuer.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../embedded/dynamodb.ts';
import { type EmbeddedSes, startEmbeddedSes } from '../embedded/ses.ts';
import { type ApiGatewayEvent, startApiGatewayServer } from '../http/api-gateway-server.ts';
import { localRoutes } from '../http/local-routes.ts';
import { localTransport, type TransportMode } from '../transport/local-transport.ts';
import type { Asl } from './asl-engine-definition.ts';
import { LambdaInvoker } from './lambda-invoker.ts';
import { startLocalAwsEndpoint } from './local-aws-endpoint.ts';
import { LocalEventArchive } from './local-event-archive.ts';
import { LocalEventBus } from './local-event-bus.ts';
import { LocalScheduler } from './local-scheduler.ts';
import { LocalStepFunctions } from './local-step-functions.ts';
import { openLeads } from './open-leads.ts';
import type { AwsEndpoints } from './service-ports.ts';
import { VirtualClock } from './virtual-clock.ts';

export interface LeadflowLocalOptions {
  unit?: string | BusinessUnitConfig;
  port?: number;
  /** On-disk data folder (default `.leadflow/data/<unit>`), unless inMemory. */
  dataDir?: string;
  inMemory?: boolean;
  /**
   * Where the local event archive goes (what Firehose writes to S3): default `<dataDir>/event-archive`
   * on disk, none in memory unless given.
   */
  eventArchiveDir?: string;
  clock?: VirtualClock;
  keyDir?: string;
  /** Resume every open lead found in the store (what a restart does). Default true. */
  resume?: boolean;
  /**
   * Tests only: changes the synthesized state machine before it runs, to prove that scenarios
   * notice when a timeout, a retry or a catch goes missing.
   */
  alterDefinition?: (definition: Asl) => Asl;
  /** Fixed ports for the embedded services (default: any free port). */
  servicePorts?: { dynamodb?: number; ses?: number; aws?: number };
  /**
   * How the handlers' SDK clients reach the embedded services: `in-process` (default) calls
   * each service's request listener directly; `http` goes over their loopback endpoints.
   */
  transport?: TransportMode;
  /**
   * Run the stack's EventBridge Scheduler schedules (the scorecard digest and pace alerts) on
   * the clock. Default true; scenario tests that count mails turn them off.
   */
  schedules?: boolean;
}

export interface LeadflowLocal {
  url: string;
  config: BusinessUnitConfig;
  names: UnitResourceNames;
  clock: VirtualClock;
  synth: SynthesizedUnit;
  ses: EmbeddedSes;
  bus: LocalEventBus;
  stepFunctions: LocalStepFunctions;
  issuer: LocalIssuer;
  invoker: LambdaInvoker;
  tableName: string;
  /** The embedded services' HTTP endpoints, for outside clients (the AWS CLI, SDKs). */
  endpoints: AwsEndpoints;
  resumed: string[];
  /** The stack's schedules on this runtime's clock (idle when `schedules: false`). */
  scheduler: LocalScheduler;
  stop(): Promise<void>;
}

type CfnResource = { Type: string; Properties?: Record<string, unknown> };

function resources(template: Record<string, unknown>): CfnResource[] {
  return Object.values((template.Resources ?? {}) as Record<string, CfnResource>);
}

/** The table exactly as the stack declares it (keys, attribute types, indexes). */
export function tableFromTemplate(
  template: Record<string, unknown>,
  tableName: string,
): CreateTableCommandInput {
  const table = resources(template).find((r) => r.Type === 'AWS::DynamoDB::Table');
  if (!table?.Properties) throw new Error('The synthesized stack has no DynamoDB table');
  const p = table.Properties as Record<string, never>;
  return {
    TableName: tableName,
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
    BillingMode: 'PAY_PER_REQUEST',
  };
}

function corsFromTemplate(template: Record<string, unknown>) {
  const api = resources(template).find((r) => r.Type === 'AWS::ApiGatewayV2::Api');
  const cors = (api?.Properties?.CorsConfiguration ?? {}) as Record<string, string[] | number | undefined>;
  return {
    allowOrigins: (cors.AllowOrigins as string[]) ?? [],
    allowMethods: (cors.AllowMethods as string[]) ?? ['GET', 'POST', 'OPTIONS'],
    allowHeaders: (cors.AllowHeaders as string[]) ?? ['content-type'],
    maxAgeSeconds: cors.MaxAge as number | undefined,
  };
}

export async function startLeadflowLocal(options: LeadflowLocalOptions = {}): Promise<LeadflowLocal> {
  const config =
    typeof options.unit === 'object' ? options.unit : await loadBusinessUnitConfig(options.unit ?? 'demo');
  const clock = options.clock ?? new VirtualClock({ mode: 'wall' });
  // Every unit signs its action links with the runtime's own key (an SSM key is out of reach).
  // Inbound events likewise (POST /events/*), with a key the runtime keeps next to it.
  const runConfig = withLocalInboundKey(withLocalActionKey(config));
  useUnitConfig(runConfig);
  useClock(clock);
  // Before any handler (or anything else) creates the process-wide SDK clients.
  useRequestHandler(localTransport);
  const synth = synthesizeBusinessUnit(config);

  const names = unitResourceNames(config.name);
  const tableName = names.table;
  const invoker = new LambdaInvoker(clock);
  const busName = names.eventBus;
  const archiveDir =
    options.eventArchiveDir ??
    (options.inMemory
      ? undefined
      : join(resolve(options.dataDir ?? join('.leadflow', 'data', config.name)), 'event-archive'));
  const bus = new LocalEventBus(
    busName,
    synth.eventRules,
    invoker,
    clock,
    archiveDir ? new LocalEventArchive(resolve(archiveDir)) : undefined,
  );
  // Built (and the definition validated) before any server starts, so a bad one leaves nothing running.
  const stepFunctions = new LocalStepFunctions(
    (options.alterDefinition ?? ((d: Asl) => d))(structuredClone(synth.stateMachineDefinition) as Asl),
    invoker,
    clock,
    names.stateMachine,
  );
  // Likewise the schedules: an expression the local scheduler cannot run fails here.
  const scheduler = new LocalScheduler(synth.schedules, invoker, clock);

  const dataDir = resolve(options.dataDir ?? join('.leadflow', 'data', config.name));
  const dynamo = await startEmbeddedDynamoDb(
    options.inMemory
      ? { inMemory: true, port: options.servicePorts?.dynamodb }
      : { dataDir, port: options.servicePorts?.dynamodb },
  );
  await ensureTable(dynamo.endpoint, tableFromTemplate(synth.template, tableName));
  const ses = await startEmbeddedSes({
    port: options.servicePorts?.ses ?? 0,
    ...(options.inMemory ? {} : { logFile: join(dataDir, 'outbox.ndjson') }),
  });

  const aws = await startLocalAwsEndpoint(
    { ...stepFunctions.operations(), ...bus.operations() },
    { port: options.servicePorts?.aws },
  );
  const releaseTransport = localTransport.serve(
    { dynamodb: dynamo, ses, states: aws, events: aws },
    options.transport ?? 'in-process',
  );

  // The same variables the stack sets on its functions, pointed at the local stand-ins.
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SES: ses.endpoint,
    AWS_ENDPOINT_URL_SFN: aws.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
    [ENV.tableName]: tableName,
    [ENV.eventBusName]: busName,
    [ENV.stateMachineArn]: stepFunctions.arn,
    [ENV.businessUnit]: config.name,
    [ENV.sesSender]: config.email.sender,
    [ENV.sesConfigurationSet]: names.configurationSet,
    [LOCAL_ACTION_KEY_ENV]: await loadOrCreateActionKey(options.keyDir),
    [LOCAL_INBOUND_KEY_ENV]: await loadOrCreateActionKey(options.keyDir, INBOUND_KEY_FILE),
    POWERTOOLS_SERVICE_NAME: 'leadflow',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });

  const issuer = createLocalIssuer({ keyDir: options.keyDir });
  const verify = issuer.createVerifier();
  // The board verifies its session token as the local authorizer does: this issuer's keys.
  Object.assign(process.env, {
    [ENV.authIssuer]: LOCAL_ISSUER,
    [ENV.authAudience]: LOCAL_AUDIENCE,
    [ENV.authJwks]: JSON.stringify(await issuer.jwks()),
  });
  const api = await startApiGatewayServer({
    port: options.port ?? 3000,
    routes: synth.httpRoutes.map((r) => {
      const [method = 'GET', path = '/'] = r.routeKey.split(' ');
      return {
        method,
        path,
        handler: r.handler,
        auth: r.authorization === 'JWT' ? ('jwt' as const) : ('none' as const),
      };
    }),
    invoke: (handler, event: ApiGatewayEvent) => invoker.invoke(handler, event) as never,
    cors: corsFromTemplate(synth.template),
    verifyJwt: verify,
    staticDir: resolve('local/public'),
    // /health, /outbox, /_local/*: local-only endpoints (local/http/local-routes.ts).
    ...localRoutes({ config: runConfig, clock, ses, bus, busName, stepFunctions }),
  });
  // Rep mails link to this runtime's /actions/{token}, as they link to the API on AWS.
  process.env[ENV.actionsBaseUrl] = api.url;

  await invoker.warm([...new Set(Object.values(synth.functions).map((f) => f.handler))]);
  clock.anchor();
  if (options.schedules !== false) scheduler.start();

  const resumed: string[] = [];
  if (options.resume !== false) {
    for (const { leadId, stage } of await openLeads(tableName)) {
      stepFunctions.start(leadId, JSON.stringify({ leadId, resumeAt: stage }));
      resumed.push(leadId);
    }
  }

  return {
    url: api.url,
    config,
    names,
    clock,
    synth,
    ses,
    bus,
    stepFunctions,
    issuer,
    invoker,
    tableName,
    endpoints: { eventbridge: aws.endpoint, sfn: aws.endpoint, dynamodb: dynamo.endpoint, ses: ses.endpoint },
    resumed,
    scheduler,
    stop: async () => {
      scheduler.stop();
      await api.close();
      releaseTransport();
      await aws.close();
      await ses.close();
      await dynamo.close();
    },
  };
}
