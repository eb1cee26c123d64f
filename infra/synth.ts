/**
 * Synthesizes a unit's real LeadflowStack in-process (bundling skipped) and reads back what
 * the local runtime and tests need to execute exactly what `cdk synth` emits:
 * the state machine as plain ASL, the EventBridge rules, the HTTP routes, the functions and the
 * EventBridge Scheduler schedules.
 *
 * Tokens are resolved for local use: Lambda references become
 * `arn:aws:lambda:local:000000000000:function:<handler>` (the handler module name), the
 * event bus becomes its name/ARN, and every other reference a readable `<Ref:LogicalId>` or
 * `<GetAtt:LogicalId.Attribute>` placeholder.
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { ROUTE_METADATA_KEY } from './constructs/events.ts';
import { HANDLER_METADATA_KEY } from './constructs/leadflow-function.ts';
import { SCHEDULE_METADATA_KEY } from './constructs/report-schedules.ts';
import { addBusinessUnitStack, createLeadflowApp } from './leadflow-app.ts';

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export function localLambdaArn(handler: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${handler}`;
}

export interface SynthesizedEventRule {
  /** The EVENT_ROUTES row id. */
  id: string;
  eventPattern: { source?: string[]; 'detail-type'?: string[] };
  /** Handler names of the rule's Lambda targets. */
  handlers: string[];
  /** The rule's Firehose targets, with where they write (the local bus writes the same layout). */
  deliveryStreams: SynthesizedDeliveryStream[];
}

export interface SynthesizedDeliveryStream {
  /** Logical id of the AWS::KinesisFirehose::DeliveryStream. */
  id: string;
  /** S3 key prefix, with Firehose's `!{timestamp:...}` expressions unevaluated. */
  prefix: string;
  /** IANA zone Firehose evaluates the prefix's timestamp in (UTC without one). */
  timeZone: string;
  compression: string;
}

export interface SynthesizedHttpRoute {
  /** e.g. `POST /leads`. */
  routeKey: string;
  handler: string;
  authorization: 'NONE' | 'JWT';
}

/** An EventBridge Scheduler schedule invoking a Leadflow function. */
export interface SynthesizedSchedule {
  /** The `reportSchedules` row id (or the logical id). */
  id: string;
  /** `cron(...)`, `rate(...)` or `at(...)`, read in `timezone`. */
  expression: string;
  timezone: string;
  handler: string;
  /** The target's input as the schedule holds it (context attributes unreplaced). */
  input: string;
}

export interface SynthesizedFunction {
  handler: string;
  environment: Record<string, unknown>;
}

export interface SynthesizedUnit {
  stackName: string;
  template: Record<string, unknown>;
  /** The state machine definition as plain ASL JSON. */
  stateMachineDefinition: Record<string, unknown>;
  eventRules: SynthesizedEventRule[];
  httpRoutes: SynthesizedHttpRoute[];
  /** Keyed by the function's logical id. */
  functions: Record<string, SynthesizedFunction>;
  schedules: SynthesizedSchedule[];
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

const cache = new Map<string, { json: string; result: SynthesizedUnit }>();

/** Cached per unit name (re-synthesized if the same name comes with a different config). */
export function synthesizeBusinessUnit(config: BusinessUnitConfig): SynthesizedUnit {
  const json = JSON.stringify(config);
  const hit = cache.get(config.name);
  if (hit && hit.json === json) return hit.result;

  const app = createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });
  // Environment-agnostic even when the unit pins a region: AWS::Region/AccountId stay pseudo
  // parameters and resolve to `local` below, consistently in every ARN (a pinned stack would
  // spell some ARNs with the unit's real region), and no machine's CDK_DEFAULT_ACCOUNT leaks in.
  const stack = addBusinessUnitStack(app, config, { environment: 'agnostic' });
  const template = app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
  const result = readTemplate(template, stack.stackName);
  cache.set(config.name, { json, result });
  return result;
}

/** Reads the local-runtime view out of a synthesized Leadflow template. */
export function readTemplate(template: Record<string, unknown>, stackName: string): SynthesizedUnit {
  const resources = (template.Resources ?? {}) as Record<string, CfnResource>;
  const resolver = new LocalResolver(resources, stackName);

  const functions: Record<string, SynthesizedFunction> = {};
  for (const [id, res] of Object.entries(resources)) {
    const handler = resolver.handlerOf(id);
    if (!handler) continue;
    const env = (res.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    functions[id] = { handler, environment: resolver.resolve(env ?? {}) as Record<string, unknown> };
  }

  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) {
    throw new Error(
      `Expected exactly one AWS::StepFunctions::StateMachine in ${stackName}, found ${machines.length}`,
    );
  }
  const [, machine] = machines[0] as [string, CfnResource];
  const stateMachineDefinition = resolver.definition(machine);

  const eventRules: SynthesizedEventRule[] = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([id, r]) => ({
      id:
        typeof r.Metadata?.[ROUTE_METADATA_KEY] === 'string'
          ? (r.Metadata[ROUTE_METADATA_KEY] as string)
          : id,
      eventPattern: resolver.resolve(
        r.Properties?.EventPattern ?? {},
      ) as SynthesizedEventRule['eventPattern'],
      handlers: ((r.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>)
        .map((t) => resolver.handlerOfReference(t.Arn))
        .filter((h): h is string => h !== undefined),
      deliveryStreams: ((r.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>).flatMap((t) => {
        const id = (t.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
        const stream = id ? resources[id] : undefined;
        if (!id || stream?.Type !== 'AWS::KinesisFirehose::DeliveryStream') return [];
        const s3 = (stream.Properties?.ExtendedS3DestinationConfiguration ?? {}) as Record<string, unknown>;
        return [
          {
            id,
            prefix: String(s3.Prefix ?? ''),
            timeZone: String(s3.CustomTimeZone ?? 'UTC'),
            compression: String(s3.CompressionFormat ?? 'UNCOMPRESSED'),
          },
        ];
      }),
    }));

  const httpRoutes: SynthesizedHttpRoute[] = Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
    .flatMap((r) => {
      const integrationId = refTarget(r.Properties?.Target);
      const integration = integrationId ? resources[integrationId] : undefined;
      const handler = resolver.handlerOfReference(integration?.Properties?.IntegrationUri);
      if (!handler) return [];
      return [
        {
          routeKey: String(r.Properties?.RouteKey),
          handler,
          authorization: r.Properties?.AuthorizationType === 'JWT' ? 'JWT' : 'NONE',
        } satisfies SynthesizedHttpRoute,
      ];
    });

  const schedules: SynthesizedSchedule[] = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties?.State !== 'DISABLED')
    .flatMap(([id, r]) => {
      const target = (r.Properties?.Target ?? {}) as { Arn?: unknown; Input?: unknown };
      const handler = resolver.handlerOfReference(target.Arn);
      if (!handler) return [];
      const row = r.Metadata?.[SCHEDULE_METADATA_KEY];
      return [
        {
          id: typeof row === 'string' ? row : id,
          expression: String(r.Properties?.ScheduleExpression),
          timezone: String(r.Properties?.ScheduleExpressionTimezone ?? 'UTC'),
          handler,
          input: String(resolver.resolve(target.Input ?? '{}')),
        } satisfies SynthesizedSchedule,
      ];
    });

  return { stackName, template, stateMachineDefinition, eventRules, httpRoutes, functions, schedules };
}

/** `integrations/<Ref>` targets of HTTP API routes name their integration. */
function refTarget(target: unknown): string | undefined {
  const join = (target as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  const ref = join?.[1].find((p): p is { Ref: string } => typeof p === 'object' && p !== null && 'Ref' in p);
  return ref?.Ref;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

class LocalResolver {
  constructor(
    private readonly resources: Record<string, CfnResource>,
    private readonly stackName: string,
  ) {}

  handlerOf(logicalId: string): string | undefined {
    const res = this.resources[logicalId];
    if (res?.Type !== 'AWS::Lambda::Function') return undefined;
    const handler = res.Metadata?.[HANDLER_METADATA_KEY];
    return typeof handler === 'string' ? handler : logicalId;
  }

  /** The handler behind `{ Fn::GetAtt: [fn, 'Arn'] }`, `{ Ref: fn }` or a Join containing one. */
  handlerOfReference(value: unknown): string | undefined {
    const resolved = this.resolve(value);
    const prefix = localLambdaArn('');
    if (typeof resolved !== 'string' || !resolved.startsWith(prefix)) return undefined;
    return resolved.slice(prefix.length).split(':')[0];
  }

  definition(machine: CfnResource): Record<string, unknown> {
    const props = machine.Properties ?? {};
    const substitutions = (this.resolve(props.DefinitionSubstitutions ?? {}) ?? {}) as Record<
      string,
      unknown
    >;
    if (props.Definition && typeof props.Definition === 'object') {
      return this.resolve(props.Definition) as Record<string, unknown>;
    }
    let text = String(this.resolve(props.DefinitionString));
    for (const [key, value] of Object.entries(substitutions)) {
      text = text.split(`\${${key}}`).join(String(value));
    }
    return JSON.parse(text) as Record<string, unknown>;
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.getAtt(id ?? '', attr.join('.'));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(asText).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list);
        return Array.isArray(items) ? items[Number(this.resolve(index))] : `<Fn::Select>`;
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return asText(this.resolve(text)).split(sep);
      }
      case 'Fn::Sub': {
        const [template, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        const values = this.resolve(vars) as Record<string, unknown>;
        return template.replace(/\$\{([^}!]+)\}/g, (_m, key: string) => {
          if (key in values) return asText(values[key]);
          const [id, ...attr] = key.split('.');
          return asText(attr.length > 0 ? this.getAtt(id ?? '', attr.join('.')) : this.ref(key));
        });
      }
      default:
        return `<${name}>`;
    }
  }

  private ref(id: string): unknown {
    if (id === 'AWS::StackName') return this.stackName;
    if (id in PSEUDO) return PSEUDO[id];
    const res = this.resources[id];
    switch (res?.Type) {
      case 'AWS::Lambda::Function':
        return this.handlerOf(id);
      case 'AWS::Events::EventBus':
        return this.resolve(res.Properties?.Name);
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${asText(this.resolve(res.Properties?.StateMachineName ?? id))}`;
      default:
        return `<Ref:${id}>`;
    }
  }

  private getAtt(id: string, attr: string): unknown {
    const res = this.resources[id];
    if (res?.Type === 'AWS::Lambda::Function' && attr === 'Arn')
      return localLambdaArn(this.handlerOf(id) ?? id);
    if (res?.Type === 'AWS::Events::EventBus') {
      const name = asText(this.resolve(res.Properties?.Name));
      if (attr === 'Name') return name;
      if (attr === 'Arn') return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;
    }
    if (res?.Type === 'AWS::StepFunctions::StateMachine' && attr === 'Arn') return this.ref(id);
    return `<GetAtt:${id}.${attr}>`;
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
