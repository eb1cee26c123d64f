/**
 * Benchmark 1: the capture Lambda bundle. Builds functions/handlers/capture-lead.ts with the
 * stack's esbuild options (leadflowBundling, plus what NodejsFunction adds: --bundle, platform
 * node, index.mjs and, unless the options say otherwise, its default externals for Node 22)
 * and a baseline bundle that only imports @aws-sdk/client-dynamodb and creates a client, with
 * the same options. Reports sizes and the cold import time of each in fresh node processes
 * (median of 7, interleaved), plus diagnostic variants that explain the gap.
 * Target: capture cold import <= 1.5x the baseline, with the stack's options.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { handlerEntry, leadflowBundling } from '../infra/constructs/leadflow-function.ts';
import { REPO_ROOT } from '../infra/paths.ts';
import { type BenchResult, type Metric, median, runAsScript } from './lib/report.ts';
import { loadDemoConfig } from './lib/runtime.ts';

const RUNS = 7;
const TARGET_RATIO = 1.5;
const SMITHY_FLAG = '@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages';

const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export const client = new DynamoDBClient({});
export const handler = async () => client.config.serviceId;
`;

/** Diagnostic: the baseline plus the other SDK clients capture creates (document client, EventBridge). */
const SDK_USED_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
export const client = new DynamoDBClient({});
export const documents = DynamoDBDocumentClient.from(client);
export const events = new EventBridgeClient({});
`;

/** SDK clients the capture handler never calls (SSM only when Turnstile reads its secret from SSM). */
const UNUSED_CLIENTS = ['@aws-sdk/client-ses', '@aws-sdk/client-sfn', '@aws-sdk/client-ssm'];

/** Diagnostic: unit-config.ts without re-validating the config the build already validated and baked in. */
const trustBakedConfig: Plugin = {
  name: 'bench-trust-baked-config',
  setup(b) {
    b.onLoad({ filter: /functions[\\/]runtime[\\/]unit-config\.ts$/ }, () => ({
      loader: 'ts',
      contents: `let cached: unknown;
export function unitConfig() { cached ??= JSON.parse(process.env.LEADFLOW_UNIT_CONFIG as string); return cached as never; }
export function useUnitConfig(config: unknown) { cached = config; }
`,
    }));
  },
};

/** NodejsFunction's default externals for a Node 22 runtime when bundling options name none (bundling.js). */
function cdkDefaultExternals(): string[] {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context?.[SMITHY_FLAG] === true ? ['@aws-sdk/*', '@smithy/*'] : ['@aws-sdk/*'];
}

type Externals = 'stack' | 'runtime-sdk';

async function esbuildOptions(externals: Externals): Promise<BuildOptions> {
  const bundling = leadflowBundling(await loadDemoConfig());
  const stack = bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : cdkDefaultExternals());
  return {
    bundle: true,
    platform: 'node',
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    target: bundling.target ?? 'node22',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ? 'linked' : false,
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    define: bundling.define,
    external: [...(externals === 'stack' ? stack : cdkDefaultExternals()), ...(bundling.nodeModules ?? [])],
    metafile: true,
    logLevel: 'silent',
  };
}

interface Bundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
  external: string[];
}

async function bundle(
  dir: string,
  name: string,
  externals: Externals,
  entry: 'capture' | { source: string },
  plugins: Plugin[] = [],
): Promise<Bundle> {
  const outfile = join(dir, name, 'index.mjs');
  mkdirSync(join(dir, name), { recursive: true });
  const options = await esbuildOptions(externals);
  const result = await build({
    ...options,
    outfile,
    plugins,
    ...(entry === 'capture'
      ? { entryPoints: [handlerEntry('capture-lead')] }
      : { stdin: { contents: entry.source, resolveDir: REPO_ROOT, loader: 'ts', sourcefile: `${name}.ts` } }),
  });
  return {
    file: outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    metafile: result.metafile!,
    external: options.external ?? [],
  };
}

/** SDK clients capture never calls that its bundle nevertheless contains or imports at load time. */
function unusedClientsLoaded(b: Bundle): string[] {
  const output = Object.values(b.metafile.outputs)[0];
  const bundled = Object.keys(output?.inputs ?? {});
  const staticImports = (output?.imports ?? [])
    .filter((i) => i.external && i.kind === 'import-statement')
    .map((i) => i.path);
  return UNUSED_CLIENTS.filter(
    (c) => bundled.some((p) => p.includes(`node_modules/${c}/`)) || staticImports.includes(c),
  );
}

/** Milliseconds `await import(bundle)` takes in a fresh node, with the stack's NODE_OPTIONS. */
function coldImportMs(file: string): number {
  const script =
    'const t0 = performance.now(); await import(process.env.BENCH_IMPORT_URL); ' +
    'process.stdout.write(String(performance.now() - t0));';
  const { NODE_COMPILE_CACHE: _cache, NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: {
      ...env,
      BENCH_IMPORT_URL: pathToFileURL(file).href,
      AWS_REGION: 'eu-central-1',
      TABLE_NAME: 'leadflow-demo',
      EVENT_BUS_NAME: 'leadflow-demo',
      BUSINESS_UNIT: 'demo',
      POWERTOOLS_SERVICE_NAME: 'leadflow',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  const ms = Number(child.stdout);
  if (child.status !== 0 || !Number.isFinite(ms))
    throw new Error(`importing ${file} failed (${child.status}): ${child.stderr.slice(0, 800)}`);
  return ms;
}

/** Median cold import per bundle, runs interleaved so machine noise hits all of them alike. */
function compareImports(files: string[]): number[] {
  for (const file of files) coldImportMs(file); // warm the OS file cache once; not counted
  const times = files.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, file] of files.entries()) times[j]!.push(coldImportMs(file));
  }
  return times.map(median);
}

/** Output bytes per package (node_modules/<pkg>), the project's own code as `leadflow`. */
function topContributors(meta: Metafile, limit: number): string {
  const output =
    Object.values(meta.outputs).find((o) => o.entryPoint !== undefined) ?? Object.values(meta.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const pkg = match?.[1] ?? 'leadflow (own code + config)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, limit)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)} KB`)
    .join(', ');
}

const kb = (bytes: number) => bytes / 1024;

export async function main(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bench-bundle-'));
  // Externals (on AWS the Lambda runtime's own SDK) resolve from the repo's node_modules here.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  try {
    const capture = await bundle(dir, 'capture', 'stack', 'capture');
    const baseline = await bundle(dir, 'baseline', 'stack', { source: BASELINE_SOURCE });
    const sdkUsed = await bundle(dir, 'sdk-used', 'stack', { source: SDK_USED_SOURCE });
    const trusting = await bundle(dir, 'capture-trust', 'stack', 'capture', [trustBakedConfig]);
    const rtCapture = await bundle(dir, 'capture-rt', 'runtime-sdk', 'capture');
    const rtBaseline = await bundle(dir, 'baseline-rt', 'runtime-sdk', { source: BASELINE_SOURCE });

    const [captureMs = Number.NaN, baselineMs = Number.NaN, sdkUsedMs = Number.NaN, trustingMs = Number.NaN] =
      compareImports([capture.file, baseline.file, sdkUsed.file, trusting.file]);
    const [rtCaptureMs = Number.NaN, rtBaselineMs = Number.NaN] = compareImports([
      rtCapture.file,
      rtBaseline.file,
    ]);
    const ratio = captureMs / baselineMs;
    const gap = captureMs - baselineMs;

    const metrics: Metric[] = [
      { name: 'capture bundle size', value: kb(capture.bytes), unit: 'KB', digits: 1 },
      { name: 'baseline bundle size', value: kb(baseline.bytes), unit: 'KB', digits: 1 },
      { name: 'bundle size ratio', value: capture.bytes / baseline.bytes, unit: 'x' },
      { name: 'capture cold import', value: captureMs, unit: 'ms', digits: 0 },
      { name: 'baseline cold import', value: baselineMs, unit: 'ms', digits: 0 },
      {
        name: 'cold import ratio',
        value: ratio,
        unit: 'x',
        target: `<= ${TARGET_RATIO}x`,
        pass: ratio <= TARGET_RATIO,
      },
      {
        name: 'cold import ratio, SDK from the Lambda runtime',
        value: rtCaptureMs / rtBaselineMs,
        unit: 'x',
      },
    ];
    const problems: string[] = [];
    const unused = unusedClientsLoaded(capture);
    if (unused.length)
      problems.push(
        `The capture bundle loads SDK clients it never calls at cold start: ${unused.join(', ')}.`,
      );
    const configMs = captureMs - trustingMs;
    if (configMs > 0.15 * gap && configMs > 5)
      problems.push(
        `functions/runtime/unit-config.ts re-validates the baked-in unit config with zod on every cold start (the build already validated it): ${configMs.toFixed(0)} ms of the ${gap.toFixed(0)} ms capture-vs-baseline gap (config/schema.ts construction + first parse). Trusting the baked JSON (validated at synth) and keeping zod for request bodies would bring the ratio to ${(trustingMs / baselineMs).toFixed(2)}x.`,
      );
    const externals = (b: Bundle) => (b.external.length ? b.external.join(', ') : 'none');
    const row = (name: string, b: Bundle, ms: number, base: number) => [
      name,
      externals(b),
      kb(b.bytes),
      kb(b.gzipBytes),
      ms,
      ms / base,
    ];
    return {
      id: 'capture-bundle',
      title: '1. Capture Lambda bundle: size and cold import',
      metrics,
      tables: [
        {
          title:
            'Bundles (stack esbuild options unless noted; KB = 1024 bytes; cold import = median of 7 fresh `node --enable-source-maps`, interleaved)',
          columns: ['Bundle', 'External', 'Size KB', 'gzip KB', 'Import ms', 'x baseline'],
          rows: [
            row('capture-lead', capture, captureMs, baselineMs),
            row('baseline: DynamoDB client', baseline, baselineMs, baselineMs),
            row('diag: baseline + DocumentClient + EventBridge', sdkUsed, sdkUsedMs, baselineMs),
            row('diag: capture-lead, baked config not re-parsed', trusting, trustingMs, baselineMs),
            row('alt: capture-lead, SDK from Lambda runtime', rtCapture, rtCaptureMs, rtBaselineMs),
            row('alt: baseline, SDK from Lambda runtime', rtBaseline, rtBaselineMs, rtBaselineMs),
          ],
        },
      ],
      notes: [
        `Stack options = leadflowBundling(demo) as NodejsFunction applies them (externals: ${externals(capture)}). "alt" rows leave @aws-sdk/* and @smithy/* to the Lambda runtime (CDK's default); their ratio is against the alt baseline. Externals resolve from the repo's node_modules here.`,
        `Of the ${gap.toFixed(0)} ms gap: ~${(sdkUsedMs - baselineMs).toFixed(0)} ms the extra SDK clients capture uses (diag row 1), ~${configMs.toFixed(0)} ms re-validating the unit config (diag row 2), the rest zod request schemas, Powertools (logger, idempotency), middy and own code.`,
        `Largest parts of the capture bundle: ${topContributors(capture.metafile, 6)}.`,
        'Import time includes module init (schemas, SDK clients, idempotency layer); TABLE_NAME/EVENT_BUS_NAME set, unit config baked in by define as in the stack.',
      ],
      problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, main);
