/**
 * Benchmark 1: every Lambda's bundle and cold import, against the floor of the SDK clients it
 * uses. The functions are HANDLER_NAMES (infra), so a new function is measured as soon as the
 * stack deploys it. Each is built as NodejsFunction builds it (leadflowBundling for the demo
 * unit plus what CDK adds: --bundle, platform node, index.mjs, its externals rule), and its
 * floor is a bundle, built the same way, that only imports and constructs those SDK clients.
 * Cold import = `await import(bundle)` in a fresh `node --enable-source-maps` (the stack's
 * NODE_OPTIONS), timed as main-thread CPU and wall clock; medians of RUNS runs, interleaved so
 * noise hits every bundle alike. Target: import CPU <= 1.3x the floor's, per function.
 *
 * `npx tsx bench/cold-import.ts get-lead ...` measures only the named functions.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { loadBusinessUnitConfig } from '../config/load.ts';
import {
  ENV,
  HANDLER_NAMES,
  type HandlerName,
  handlerEntry,
  leadflowBundling,
} from '../infra/constructs/leadflow-function.ts';
import { REPO_ROOT } from '../infra/paths.ts';
import { type BenchResult, type Metric, median, runAsScript } from './lib/report.ts';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const TARGET_RATIO = 1.3;
const SMITHY_FLAG = '@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages';
/** The unit the stack is synthesized for here; its config is baked into every bundle. */
const UNIT = 'demo';

/** NodejsFunction's default externals for a Node 22 runtime when bundling options name none (bundling.js). */
function cdkDefaultExternals(): string[] {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context?.[SMITHY_FLAG] === true ? ['@aws-sdk/*', '@smithy/*'] : ['@aws-sdk/*'];
}

/** The esbuild options NodejsFunction derives from leadflowBundling (its buildEsbuildArgs). */
export async function stackBuildOptions(): Promise<BuildOptions> {
  const bundling = leadflowBundling(await loadBusinessUnitConfig(UNIT));
  return {
    bundle: true,
    platform: 'node',
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    target: bundling.target ?? 'node22',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ? 'linked' : false,
    sourcesContent: bundling.sourcesContent ?? true,
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    define: bundling.define,
    external: [
      ...(bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : cdkDefaultExternals())),
      ...(bundling.nodeModules ?? []),
    ],
    metafile: true,
    logLevel: 'silent',
  };
}

export interface Bundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

export async function bundle(
  options: BuildOptions,
  dir: string,
  name: string,
  entry: { handler: HandlerName } | { source: string },
): Promise<Bundle> {
  const outfile = join(dir, name, 'index.mjs');
  mkdirSync(join(dir, name), { recursive: true });
  const result = await build({
    ...options,
    outfile,
    ...('handler' in entry
      ? { entryPoints: [handlerEntry(entry.handler)] }
      : { stdin: { contents: entry.source, resolveDir: REPO_ROOT, loader: 'ts', sourcefile: `${name}.ts` } }),
  });
  return {
    file: outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    metafile: result.metafile!,
  };
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];

/**
 * The SDK clients a function uses, read from its bundle rather than a hand-kept list: every
 * @aws-sdk/client-* or lib-dynamodb package with code in the output, plus any such external the
 * bundle imports statically (so loads at cold start). A lazy `import()` (SSM for a secret) is a
 * rare path and not part of the floor. This trusts the handler to bundle only clients it calls;
 * which calls it may make is checked against its grants by test/workflow/least-privilege-calls.
 */
export function sdkClientsOf(meta: Metafile): string[] {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  const isClient = (pkg: string | undefined): pkg is string =>
    !!pkg && /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/.test(pkg);
  const bundled = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => packageOf(path));
  const external = (output?.imports ?? [])
    .filter((i) => i.external && i.kind === 'import-statement')
    .map((i) => i.path);
  return [...new Set([...bundled, ...external].filter(isClient))].sort();
}

/**
 * A client package's class, from the file every generated @aws-sdk/client-* package has
 * (dist-es/<Service>Client.js), so a newly used service needs no entry here.
 */
function clientClassOf(pkg: string): string {
  const dist = join(REPO_ROOT, 'node_modules', pkg, 'dist-es');
  const names = readdirSync(dist).flatMap((f) => /^(\w+Client)\.js$/.exec(f)?.[1] ?? []);
  if (names.length !== 1) throw new Error(`cannot tell the client class of ${pkg}: ${names.join(', ')}`);
  return names[0]!;
}

/** Source of the floor bundle: import and construct each client, nothing else. */
export function floorSource(clients: string[]): string {
  const lines: string[] = [];
  const sdkClients = clients.filter((c) => c !== '@aws-sdk/lib-dynamodb');
  // The document client wraps a DynamoDB client, so it brings one along.
  if (clients.includes('@aws-sdk/lib-dynamodb') && !sdkClients.includes('@aws-sdk/client-dynamodb'))
    sdkClients.push('@aws-sdk/client-dynamodb');
  for (const [i, pkg] of sdkClients.entries()) {
    const name = clientClassOf(pkg);
    lines.push(`import { ${name} } from '${pkg}';`, `export const c${i} = new ${name}({});`);
    if (pkg === '@aws-sdk/client-dynamodb' && clients.includes('@aws-sdk/lib-dynamodb'))
      lines.push(
        `import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';`,
        `export const documents = DynamoDBDocumentClient.from(c${i});`,
      );
  }
  lines.push('export const handler = async () => undefined;');
  return `${lines.join('\n')}\n`;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Every variable a function reads from ENV (the stack sets them), with plausible values. */
const FUNCTION_ENV: Record<string, string> = {
  [ENV.businessUnit]: UNIT,
  [ENV.tableName]: `leadflow-${UNIT}`,
  [ENV.eventBusName]: `leadflow-${UNIT}`,
  [ENV.stateMachineArn]: `arn:aws:states:eu-central-1:123456789012:stateMachine:leadflow-${UNIT}-lifecycle`,
  [ENV.sesSender]: 'leads@example.com',
  [ENV.sesConfigurationSet]: `leadflow-${UNIT}`,
  [ENV.actionsBaseUrl]: 'https://api.example.com',
};

/**
 * One cold import in a fresh node. CPU is the main thread's (process.threadCpuUsage): on a busy
 * 2-core machine it ignores time spent waiting for a core, which wall clock does not.
 */
function coldImport(file: string): Sample {
  const script =
    'const c0 = process.threadCpuUsage(); const t0 = performance.now(); ' +
    'await import(process.env.BENCH_IMPORT_URL); ' +
    'const t1 = performance.now(); const c = process.threadCpuUsage(c0); ' +
    'process.stdout.write(JSON.stringify({ wallMs: t1 - t0, cpuMs: (c.user + c.system) / 1000 }));';
  const { NODE_COMPILE_CACHE: _cache, NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: {
      ...env,
      ...FUNCTION_ENV,
      BENCH_IMPORT_URL: pathToFileURL(file).href,
      AWS_REGION: 'eu-central-1',
      POWERTOOLS_SERVICE_NAME: 'leadflow',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  if (child.status !== 0)
    throw new Error(`importing ${file} failed (${child.status}): ${child.stderr.slice(0, 800)}`);
  return JSON.parse(child.stdout) as Sample;
}

/** Median wall and CPU per bundle over RUNS rounds; each round imports every bundle once. */
export function measure(files: string[]): Sample[] {
  for (const file of files) coldImport(file); // warm the OS file cache once; not counted
  const samples = files.map(() => [] as Sample[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, file] of files.entries()) samples[j]!.push(coldImport(file));
  }
  return samples.map((s) => ({
    wallMs: median(s.map((x) => x.wallMs)),
    cpuMs: median(s.map((x) => x.cpuMs)),
  }));
}

/** Output bytes per package, the project's own code (and baked config) as `leadflow`. */
function topContributors(meta: Metafile, limit: number): string {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = packageOf(path) ?? 'leadflow';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, limit)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)}`)
    .join(', ');
}

const firstLine = (error: unknown) =>
  String((error as Error).message ?? error)
    .split('\n', 3)
    .slice(0, 2)
    .join(' ');
const kb = (bytes: number) => bytes / 1024;
const short = (clients: string[]) =>
  clients.map((c) => c.replace('@aws-sdk/client-', '').replace('@aws-sdk/lib-dynamodb', 'doc')).join('+') ||
  'none';

/** Handler modules the stack does not deploy: not measured, and probably forgotten in infra. */
function undeployedHandlers(): string[] {
  const dir = join(REPO_ROOT, 'functions', 'handlers');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !(HANDLER_NAMES as readonly string[]).includes(f.slice(0, -3)))
    .map((f) => f.slice(0, -3));
}

export async function main(only: string[] = []): Promise<BenchResult> {
  const names = HANDLER_NAMES.filter((n) => only.length === 0 || only.includes(n));
  // A function another change has named in infra before its module exists is reported, not fatal.
  const missing = names.filter((n) => !existsSync(handlerEntry(n)));
  const handlers = names.filter((n) => !missing.includes(n));
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bench-cold-'));
  // Externals (on AWS the Lambda runtime's own SDK) resolve from the repo's node_modules here.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  try {
    const options = await stackBuildOptions();
    // A function the stack's options cannot bundle is reported; CDK would fail on it as well.
    const unbundled: string[] = [];
    const built = await Promise.all(
      handlers.map(async (name) => {
        try {
          const b = await bundle(options, dir, name, { handler: name });
          return [{ name, bundle: b, clients: sdkClientsOf(b.metafile) }];
        } catch (error) {
          unbundled.push(`${name} does not bundle with the stack's options: ${firstLine(error)}`);
          return [];
        }
      }),
    );
    // One import each first: a function that cannot start with the stack's environment is
    // reported rather than failing the whole benchmark.
    const unimportable: string[] = [];
    const functions = built.flat().filter((f) => {
      try {
        coldImport(f.bundle.file);
        return true;
      } catch (error) {
        unimportable.push(`${f.name} fails at import: ${firstLine(error)}`);
        return false;
      }
    });
    // Functions that use the same clients share one floor.
    const floorKeys = [...new Set(functions.map((f) => short(f.clients)))];
    const floors = new Map<string, Bundle>();
    for (const key of floorKeys) {
      const clients = functions.find((f) => short(f.clients) === key)!.clients;
      floors.set(key, await bundle(options, dir, `floor-${key}`, { source: floorSource(clients) }));
    }
    const files = [...functions.map((f) => f.bundle.file), ...floorKeys.map((k) => floors.get(k)!.file)];
    const samples = measure(files);
    const sampleOf = new Map(files.map((f, i) => [f, samples[i]!]));

    const metrics: Metric[] = [];
    const rows: Array<Array<string | number>> = [];
    for (const f of functions) {
      const key = short(f.clients);
      const floor = floors.get(key)!;
      const own = sampleOf.get(f.bundle.file)!;
      const base = sampleOf.get(floor.file)!;
      const ratio = own.cpuMs / base.cpuMs;
      metrics.push({
        name: `${f.name} cold import / floor (CPU)`,
        value: ratio,
        unit: 'x',
        target: `<= ${TARGET_RATIO}x`,
        pass: ratio <= TARGET_RATIO,
      });
      rows.push([
        f.name,
        key,
        kb(f.bundle.bytes),
        kb(floor.bytes),
        own.cpuMs,
        base.cpuMs,
        ratio,
        own.wallMs,
        base.wallMs,
        own.wallMs / base.wallMs,
      ]);
    }
    const problems = [
      ...unbundled,
      ...unimportable,
      ...missing.map((n) => `${n} is in HANDLER_NAMES but ${handlerEntry(n)} does not exist: not measured.`),
      ...undeployedHandlers().map(
        (n) => `functions/handlers/${n}.ts is not in HANDLER_NAMES (infra): the stack does not deploy it.`,
      ),
    ];
    return {
      id: 'cold-import',
      title: '1. Lambda bundles: size and cold import against the SDK-client floor',
      metrics,
      tables: [
        {
          title: `Per function (stack esbuild options; KB = 1024 bytes; ms = median of ${RUNS} fresh \`node --enable-source-maps\`, interleaved; CPU = main thread)`,
          columns: [
            'Function',
            'SDK clients (floor)',
            'KB',
            'Floor KB',
            'CPU ms',
            'Floor CPU',
            'x floor',
            'Wall ms',
            'Floor wall',
            'x floor (wall)',
          ],
          rows,
        },
      ],
      notes: [
        `Floor = a bundle that imports and constructs only the SDK clients the function's bundle contains (doc = lib-dynamodb's document client), built with the same options. The function's own clients are created lazily, on first use, so its import does not construct them: the floor is slightly generous.`,
        'Ratio and target use main-thread CPU time, which a busy machine inflates far less than wall time; wall time is shown for comparison.',
        ...functions.map((f) => `${f.name} largest parts (KB): ${topContributors(f.bundle.metafile, 6)}.`),
      ],
      problems,
      data: { functions: functions.map((f) => ({ name: f.name, clients: f.clients })) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, () => main(process.argv.slice(2)));
