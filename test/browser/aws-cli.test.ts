/**
 * An integrator's view of `npm start`: the real AWS CLI (Debian's `awscli`), pointed at the
 * endpoints the startup banner prints, on ports derived from `--port`. It puts a TouchLogged on
 * the unit's bus, describes the lead's execution, and scans the table to see the lead touched.
 *
 * The runtime runs as its own process, exactly as a developer starts it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales, DEMO_API_KEY } from '../../local/driver.ts';

const run = promisify(execFile);
const awsCli = await run('aws', ['--version']).then(
  () => true,
  () => false,
);
if (!awsCli)
  console.warn(
    "test/browser/aws-cli.test.ts: SKIPPED, no `aws` on PATH. Install Debian's awscli (apt-get install awscli; .ci/run does) to run it.",
  );

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port whose next three are free too (the runtime's AWS endpoints go there). */
async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all([0, 1, 2, 3].map((i) => portFree(port + i)));
    if (free.every(Boolean)) return port;
  }
  throw new Error('No four consecutive free ports');
}

let runtime: ChildProcess | undefined;
let port = 0;
let banner = '';
const endpoints: Record<string, string> = {};

async function startRuntime(): Promise<void> {
  port = await freePortBlock();
  const keys = mkdtempSync(join(tmpdir(), 'leadflow-cli-keys-'));
  runtime = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--in-memory', '--port', String(port), '--keys-dir', keys],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    runtime!.stdout!.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8');
      if (banner.includes('AWS_ENDPOINT_URL_SES=')) resolve();
    });
    runtime!.stderr!.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8');
    });
    runtime!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${banner}`)));
  });
  for (const [, name, url] of banner.matchAll(/^\s*(AWS_ENDPOINT_URL_[A-Z]+)=(\S+)$/gm))
    endpoints[name!] = url!;
}

/** The AWS CLI with only the banner's endpoints and dummy credentials (no profile, no real AWS). */
async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      HOME: tmpdir(),
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...endpoints,
    },
  });
  return JSON.parse(stdout || 'null') as unknown;
}

/** Retries until `check` passes: the lifecycle runs on its own after each request. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  let error: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (e) {
      error = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Never settled: ${JSON.stringify(last)} ${String(error ?? '')}`);
}

describe.runIf(awsCli)('the real AWS CLI against npm start', () => {
  beforeAll(startRuntime, 120_000);
  afterAll(() => {
    runtime?.kill('SIGTERM');
  });

  it('prints the AWS endpoints on ports derived from --port', () => {
    expect(endpoints).toEqual({
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${port + 1}`,
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${port + 1}`,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port + 2}`,
      AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${port + 3}`,
    });
  });

  it('puts a TouchLogged, describes the execution and scans the table', async () => {
    const captured = await fetch(`http://127.0.0.1:${port}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-leadflow-api-key': DEMO_API_KEY },
      body: JSON.stringify(contactSales('cli@acme.example')),
    });
    expect(captured.status).toBe(202);
    const { leadId } = (await captured.json()) as { leadId: string };
    const executionArn = `arn:aws:states:local:000000000000:execution:leadflow-demo-lifecycle:${leadId}`;
    const stageOf = async () => {
      const scan = (await aws('dynamodb', 'scan', '--table-name', 'leadflow-demo')) as {
        Items: Array<Record<string, { S?: string }>>;
      };
      return scan.Items.find((i) => i.pk?.S === `LEAD#${leadId}` && i.sk?.S === 'LEAD')?.stage?.S;
    };
    await eventually(stageOf, (stage) => stage === 'assigned');

    const put = (await aws(
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        {
          EventBusName: 'leadflow-demo',
          Source: 'leadflow.sales',
          DetailType: 'TouchLogged',
          Detail: JSON.stringify({ leadId, channel: 'call' }),
        },
      ]),
    )) as { FailedEntryCount: number };
    expect(put.FailedEntryCount).toBe(0);

    expect(await eventually(stageOf, (stage) => stage === 'touched')).toBe('touched');
    const execution = (await aws('stepfunctions', 'describe-execution', '--execution-arn', executionArn)) as {
      status: string;
      name: string;
    };
    // Touched, the lead waits for the rep's decision: the execution is still running.
    expect(execution).toMatchObject({ status: 'RUNNING', name: leadId });
  });
});
