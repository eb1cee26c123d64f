/**
 * The local runtime as a child process, the way a developer runs it: `tsx local/start.ts` or
 * `npm start`, on an on-disk data dir, with a paced virtual clock. Each runtime is started in
 * its own process group so that a SIGKILL takes down the whole tree (npm → sh → tsx → node)
 * at once, as a power cut would, and nothing it started keeps the data dir locked.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'node_modules', '.bin');

export interface RuntimeOptions {
  /** `tsx`: node_modules/.bin/tsx local/start.ts; `npm`: npm start -- … */
  via: 'tsx' | 'npm';
  port: number;
  dataDir: string;
  keysDir: string;
  speed: number;
  clockStart: string;
  unit?: string;
  readyTimeoutMs?: number;
}

export interface RuntimeProcess {
  url: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** null while it runs; its exit code (or signal name) once it ended. */
  exit(): number | string | null;
  health(): Promise<{ status: string; now: string }>;
  /** SIGKILL to the whole process group; resolves when the group is gone. */
  kill(): Promise<void>;
  /** SIGTERM (the runtime's own clean shutdown), then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** Node 22 (the `node` devDependency) first on PATH, and nothing of the test runner's own. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(VITEST|NODE_OPTIONS$|AWS_ENDPOINT_URL|LEADFLOW_)/.test(key)) env[key] = value;
  env.PATH = `${BIN}${delimiter}${process.env.PATH ?? ''}`;
  return env;
}

export const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Process groups started here and not yet gone: killed when this process exits, whatever ends it. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live)
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startRuntime(options: RuntimeOptions): Promise<RuntimeProcess> {
  const flags = [
    '--unit',
    options.unit ?? 'demo',
    '--port',
    String(options.port),
    '--data-dir',
    options.dataDir,
    '--keys-dir',
    options.keysDir,
    '--clock-speed',
    String(options.speed),
    '--clock-start',
    options.clockStart,
  ];
  const [command, args] =
    options.via === 'tsx'
      ? [join(BIN, 'tsx'), ['local/start.ts', ...flags]]
      : ['npm', ['start', '--silent', '--', ...flags]];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: childEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${command}`);
  live.add(pid);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  let exitStatus: number | string | null = null;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exitStatus = code ?? signal ?? 'unknown';
      done();
    }),
  );
  const url = `http://127.0.0.1:${options.port}`;

  const killGroup = async (signal: NodeJS.Signals, waitMs: number) => {
    if (groupAlive(pid)) process.kill(-pid, signal);
    const deadline = Date.now() + waitMs;
    // The group is gone once its last member exited (an orphan under a non-reaping init may
    // linger as a zombie, which holds no file lock or port, hence the deadline).
    while (groupAlive(pid) && Date.now() < deadline) await sleep(20);
    await Promise.race([exited, sleep(100)]);
    if (!groupAlive(pid)) live.delete(pid);
  };

  const runtime: RuntimeProcess = {
    url,
    pid,
    output: () => text,
    exit: () => exitStatus,
    health: async () => {
      const response = await fetch(`${url}/health`);
      if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
      return (await response.json()) as { status: string; now: string };
    },
    kill: () => killGroup('SIGKILL', 3_000),
    stop: async () => {
      await killGroup('SIGTERM', 5_000);
      if (groupAlive(pid)) await killGroup('SIGKILL', 3_000);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitStatus !== null)
      throw new Error(`The runtime exited (${exitStatus}) before /health answered:\n${text}`);
    try {
      await runtime.health();
      // The banner comes after the open leads were resumed (the server answers before that).
      if (text.includes(' is running')) return runtime;
      throw new Error('not yet');
    } catch {
      if (Date.now() > deadline) {
        await runtime.kill();
        throw new Error(`/health did not answer within ${options.readyTimeoutMs ?? 30_000} ms:\n${text}`);
      }
      await sleep(100);
    }
  }
}

/** An ops bearer token from `tsx local/token.ts --role ops --keys-dir <dir>`. */
export function opsToken(keysDir: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      join(BIN, 'tsx'),
      ['local/token.ts', '--role', 'ops', '--keys-dir', keysDir],
      { cwd: ROOT, env: childEnv() },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout.trim()),
    ),
  );
}
