/**
 * The whole Leadflow stack of one business unit on this machine: the synthesized stack's
 * HTTP routes, state machine, event rules and table, served by the real handler modules over
 * embedded DynamoDB (dynalite), SES (aws-ses-v2-local) and a local Step Functions/EventBridge
 * endpoint. Used by `npm start`, the end-to-end and workflow tests, and the benchmarks.
 */
import { join, resolve } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { type UnitResourceNames, unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { useClock } from '../../functions/runtime/clock.ts';
import { ENV } from '../../functions/runtime/env.ts';
import { useUnitConfig } from '../../functions/runtime/unit-config.ts';
import { type SynthesizedUnit, synthesizeBusinessUnit } from '../../infra/synth.ts';
import { createLocalIssuer, type LocalIssuer } from '../auth/local-issuer.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../embedded/dynamodb.ts';
import { type EmbeddedSes, startEmbeddedSes } from '../embedded/ses.ts';
import { type ApiGatewayEvent, startApiGatewayServer } from '../http/api-gateway-server.ts';
import { localRoutes } from '../http/local-routes.ts';
import type { Asl } from './asl-engine-definition.ts';
import { LambdaInvoker } from './lambda-invoker.ts';
import { startLocalAwsEndpoint } from './local-aws-endpoint.ts';
import { LocalEventBus } from './local-event-bus.ts';
import { LocalStepFunctions } from './local-step-functions.ts';
import { openLeads } from './open-leads.ts';
import { VirtualClock } from './virtual-clock.ts';

export interface LeadflowLocalOptions {
  unit?: string | BusinessUnitConfig;
  port?: number;
  /** On-disk data folder (default `.leadflow/data/<unit>`), unless inMemory. */
  dataDir?: string;
  inMemory?: boolean;
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
  resumed: string[];
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
  useUnitConfig(config);
  useClock(clock);
  const synth = synthesizeBusinessUnit(config);

  const names = unitResourceNames(config.name);
  const tableName = names.table;
  const invoker = new LambdaInvoker(clock);
  const busName = names.eventBus;
  const bus = new LocalEventBus(busName, synth.eventRules, invoker, clock);
  // Built (and the definition validated) before any server starts, so a bad one leaves nothing running.
  const stepFunctions = new LocalStepFunctions(
    (options.alterDefinition ?? ((d: Asl) => d))(structuredClone(synth.stateMachineDefinition) as Asl),
    invoker,
    clock,
    names.stateMachine,
  );

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
    POWERTOOLS_SERVICE_NAME: 'leadflow',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });

  const issuer = createLocalIssuer({ keyDir: options.keyDir });
  const verify = issuer.createVerifier();
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
    ...localRoutes({ config, clock, ses, bus, busName, stepFunctions }),
  });

  await invoker.warm([...new Set(Object.values(synth.functions).map((f) => f.handler))]);
  clock.anchor();

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
    resumed,
    stop: async () => {
      await api.close();
      await aws.close();
      await ses.close();
      await dynamo.close();
    },
  };
}
