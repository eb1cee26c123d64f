/**
 * Building blocks of the CDK app, shared by `infra/app.ts` (cdk synth/deploy), `infra/synth.ts`
 * (local runtime) and the infra tests, so all three build the same stacks with the same flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { BusinessUnitConfigError, listBusinessUnits, loadBusinessUnitConfig } from '../config/load.ts';
import { unitResourceNames } from '../config/resource-names.ts';
import type { BusinessUnitConfig } from '../config/schema.ts';
import { EDGE_REGION } from './constructs/edge.ts';
import { REPO_ROOT } from './paths.ts';
import { LeadflowEdgeStack } from './stacks/edge-stack.ts';
import { LeadflowStack } from './stacks/leadflow-stack.ts';

/** Context key naming the unit(s) to synthesize: `-c businessUnit=demo` or `-c businessUnit=demo,emea`. */
export const BUSINESS_UNIT_CONTEXT = 'businessUnit';

let cdkJsonContext: Record<string, unknown> | undefined;

/** The feature flags and other context from cdk.json (the CLI passes these itself; in-process apps need them too). */
export function leadflowContext(): Record<string, unknown> {
  if (!cdkJsonContext) {
    const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    };
    cdkJsonContext = cdkJson.context ?? {};
  }
  return cdkJsonContext;
}

export interface CreateAppOptions {
  /** Skip esbuild bundling (tests, local runtime): function code becomes a placeholder asset. */
  skipBundling?: boolean;
  /** Extra context; wins over cdk.json but not over `-c` values from the CLI. */
  context?: Record<string, unknown>;
  outdir?: string;
  /**
   * CDK's built-in CloudFormation template validation (a WASM rule engine, ~3 s to start).
   * `cdk synth` keeps it on; in-process synths that only read the template turn it off.
   * @default true
   */
  cloudFormationValidation?: boolean;
}

export function createLeadflowApp(options: CreateAppOptions = {}): App {
  return new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    context: {
      ...leadflowContext(),
      ...(options.skipBundling ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
  });
}

/**
 * Where a unit deploys: its `aws.region`, and `aws.account` or else the CLI's account
 * (CDK_DEFAULT_ACCOUNT, unset when the CLI has no credentials: then the deploy-time account).
 * `undefined` (environment-agnostic) for a unit without `aws`.
 */
export function unitEnvironment(config: BusinessUnitConfig): Environment | undefined {
  if (!config.aws) return undefined;
  return {
    region: config.aws.region,
    account: config.aws.account ?? (process.env.CDK_DEFAULT_ACCOUNT || undefined),
  };
}

export interface AddBusinessUnitStackOptions {
  /**
   * `unit`: pinned to `unitEnvironment(config)`, plus the us-east-1 edge stack when the unit sets
   * `capture.edgeRateLimit`; what `cdk synth`/`deploy` and the infra tests build.
   * `agnostic`: no environment and no edge stack, so region and account stay pseudo parameters;
   * for the local runtime (infra/synth.ts), which resolves them to its own `local` values and has
   * no CloudFront. Everything else in the stack is the same.
   * @default 'unit'
   */
  environment?: 'unit' | 'agnostic';
}

export function addBusinessUnitStack(
  app: App,
  config: BusinessUnitConfig,
  options: AddBusinessUnitStackOptions = {},
): LeadflowStack {
  const names = unitResourceNames(config.name);
  if (options.environment === 'agnostic') return new LeadflowStack(app, names.stack, { config });

  const env = unitEnvironment(config);
  const edgeRateLimit = config.capture.edgeRateLimit;
  if (!edgeRateLimit) return new LeadflowStack(app, names.stack, { config, env });
  if (!env?.region) {
    throw new BusinessUnitConfigError(
      `Invalid business unit config config/business-units/${config.name}.ts:\n` +
        '  - capture.edgeRateLimit: needs aws.region (its web ACL is deployed in us-east-1 and referenced from the unit region)',
    );
  }
  // Cross-region references (experimental in CDK, custom resources + an SSM parameter) carry the
  // web ACL ARN from us-east-1 to the unit region; within us-east-1 they are plain exports.
  const edge = new LeadflowEdgeStack(app, names.edgeStack, {
    config,
    requestsPer5Minutes: edgeRateLimit.requestsPer5Minutes,
    env: { region: EDGE_REGION, account: env.account },
    crossRegionReferences: true,
  });
  return new LeadflowStack(app, names.stack, { config, env, edge, crossRegionReferences: true });
}

/** Parses the `businessUnit` context value into unit names, naming the known units on any mistake. */
export function parseBusinessUnitContext(value: unknown, known: string[] = listBusinessUnits()): string[] {
  const knownText = known.join(', ') || '(none)';
  const raw = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  const names = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) {
    throw new BusinessUnitConfigError(
      `Missing context "${BUSINESS_UNIT_CONTEXT}": pass -c ${BUSINESS_UNIT_CONTEXT}=<unit>[,<unit>...]. Known units: ${knownText}`,
    );
  }
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new BusinessUnitConfigError(
      `Unknown business unit${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}. Known units: ${knownText}`,
    );
  }
  return names;
}

/** Loads every unit, reporting all invalid files at once (each error names its file and field paths). */
export async function loadBusinessUnits(
  names: string[],
  load: (name: string) => Promise<BusinessUnitConfig> = loadBusinessUnitConfig,
): Promise<BusinessUnitConfig[]> {
  const results = await Promise.allSettled(names.map((n) => load(n)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (errors.length > 0) {
    const message = errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('\n');
    throw new BusinessUnitConfigError(message);
  }
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}
