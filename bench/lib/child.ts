/**
 * Runs one benchmark module in a fresh Node process (same node binary, tsx loader), because
 * the handler modules cache their unit config, environment and SDK clients on first import:
 * one local runtime, one config per process. The child writes its BenchResult to BENCH_OUT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './report.ts';

export async function runChild(
  moduleUrl: string,
  options: { timeoutMs: number; env?: Record<string, string> },
): Promise<BenchResult> {
  const file = fileURLToPath(moduleUrl);
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bench-'));
  const out = join(dir, 'result.json');
  const name = relative(process.cwd(), file);
  try {
    const { code, signal, stderr } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], {
        stdio: ['ignore', 'inherit', 'pipe'],
        env: {
          ...process.env,
          POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
          ...options.env,
          BENCH_OUT: out,
        },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        process.stderr.write(chunk);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stderr });
      });
    });
    if (code !== 0) {
      const why =
        signal === 'SIGKILL' ? `timed out after ${options.timeoutMs / 1000} s` : `exit code ${code}`;
      throw new Error(
        `${name} ${why}${stderr ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`,
      );
    }
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
