/**
 * Kill/restart cycles against the real runtime process, and the checks that prove "no lead is
 * lost, no alert is sent twice". One data dir for all cycles: each cycle posts a burst of leads
 * to the running runtime, SIGKILLs it at a random moment (seeded, so a failure replays with the
 * same seed), restarts it with `npm start` on the same data dir, and checks what the restart
 * found. Shared by test/resilience/crash-restart.test.ts and `npm run crash-test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadIdFor } from '../../../functions/domain/capture.ts';
import { CLOSED_STAGES, type Stage } from '../../../functions/domain/lead.ts';
import { contactSales, contentLead } from '../../../local/driver.ts';
import { duplicateAlerts, readOutbox } from './outbox-log.ts';
import { freePort, opsToken, type RuntimeProcess, startRuntime } from './runtime-process.ts';

/** mulberry32: a small seeded generator, so a seed replays the same bursts and kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface CrashOptions {
  cycles: number;
  leadsPerCycle: number;
  seed: number;
  /** Virtual ms per real ms while idle. */
  speed: number;
  /** The SIGKILL lands this long after the first post, at most (uniform). */
  killWindowMs: number;
  /** How long the first post waits before it starts: each post waits up to this (uniform). */
  staggerMs: number;
  /** Real time each restarted runtime runs before its outbox is read. */
  settleMs: number;
  /** How long a restarted runtime has to bring every lead to its expected stage. */
  convergeMs: number;
  /** Count the crash-window duplicates (defect D1) as violations too. */
  strict?: boolean;
  log?: (line: string) => void;
}

export interface CycleFigures {
  cycle: number;
  killAfterMs: number;
  posted: number;
  accepted: number;
  refused: number;
  /** Requests the SIGKILL cut off (no answer). */
  cutOff: number;
  resumed: number;
  mails: number;
}

export interface CrashFigures {
  seed: number;
  cycles: CycleFigures[];
  kills: number;
  posted: number;
  accepted: number;
  lost: number;
  /** Alerts mailed twice other than through the crash window. */
  duplicateAlerts: number;
  /** Alerts mailed twice because a kill fell between the send and its mark (defect D1). */
  crashWindowDuplicates: string[];
  violations: string[];
  /** Lines the runtimes printed about failures (not violations by themselves). */
  complaints: string[];
}

interface Posted {
  email: string;
  kind: 'hand-raiser' | 'content';
  leadId?: string;
  status?: number;
  error?: string;
}

interface LeadSeen {
  stage: Stage;
  owner?: { email?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const baseName = (execution: string) => execution.replace(/-g\d+$/, '');

async function getLead(url: string, token: string, leadId: string): Promise<LeadSeen | undefined> {
  const response = await fetch(`${url}/leads/${leadId}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET /leads/${leadId} answered ${response.status}`);
  return (await response.json()) as LeadSeen;
}

/** Posts the burst (each request after a random pause) and SIGKILLs the runtime meanwhile. */
async function burstAndKill(
  runtime: RuntimeProcess,
  burst: Posted[],
  random: () => number,
  options: CrashOptions,
  clockStart: string,
): Promise<{ killAfterMs: number; lastNow: number }> {
  let lastNow = Date.parse(clockStart);
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        lastNow = Math.max(lastNow, Date.parse((await runtime.health()).now));
      } catch {
        // killed
      }
      await sleep(25);
    }
  })();
  const renderedAt = Date.parse(clockStart) - 60_000;
  const posts = burst.map(async (lead, i) => {
    await sleep(random() * options.staggerMs);
    const body =
      lead.kind === 'hand-raiser'
        ? contactSales(lead.email, i % 3 === 0 ? 'US' : 'DE', { firstName: `Lead${i}` })
        : contentLead(lead.email, i % 2 === 0 ? 'DE' : 'FR');
    try {
      const response = await fetch(`${runtime.url}/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // The demo form's spam signals: an empty honeypot and a render time well before now.
        body: JSON.stringify({ ...body, website_url: '', formRenderedAt: renderedAt }),
      });
      lead.status = response.status;
      const text = await response.text();
      if (response.status === 202) lead.leadId = (JSON.parse(text) as { leadId: string }).leadId;
    } catch (error) {
      lead.error = (error as Error).message;
    }
  });
  const killAfterMs = Math.round(random() * options.killWindowMs);
  await sleep(killAfterMs);
  polling = false;
  await poller;
  await runtime.kill();
  await Promise.all(posts);
  return { killAfterMs, lastNow };
}

export async function runCrashCycles(options: CrashOptions): Promise<CrashFigures> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-crash-data-'));
  const keysDir = mkdtempSync(join(tmpdir(), 'leadflow-crash-keys-'));
  const figures: CrashFigures = {
    seed: options.seed,
    cycles: [],
    kills: 0,
    posted: 0,
    accepted: 0,
    lost: 0,
    duplicateAlerts: 0,
    crashWindowDuplicates: [],
    violations: [],
    complaints: [],
  };
  const violation = (cycle: number, text: string) => {
    figures.violations.push(`cycle ${cycle}: ${text}`);
    log(`  VIOLATION cycle ${cycle}: ${text}`);
  };
  const all: Posted[] = [];
  const killedAt: number[] = [];
  const reported = new Set<string>();
  const lostIds = new Set<string>();
  const token = await opsToken(keysDir);
  let clockStart = '2026-03-23T09:00:00.000Z';
  log(`seed ${options.seed}, data dir ${dataDir}`);
  let runtime = await startRuntime({
    via: 'tsx',
    port: await freePort(),
    dataDir,
    keysDir,
    speed: options.speed,
    clockStart,
  });
  const complaintsOf = (output: string) =>
    output.split('\n').filter((l) => /fail|error|exception/i.test(l) && !/^\s*at /.test(l));

  try {
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const burst: Posted[] = Array.from({ length: options.leadsPerCycle }, (_, i) => ({
        email: `c${cycle}-l${i}-s${options.seed}@burst${cycle}.example`,
        kind: random() < 0.5 ? 'hand-raiser' : 'content',
      }));
      all.push(...burst);
      const { killAfterMs, lastNow } = await burstAndKill(runtime, burst, random, options, clockStart);
      figures.kills++;
      killedAt.push(readOutbox(dataDir).reduce((n, m) => Math.max(n, m.line + 1), 0));
      figures.complaints.push(...complaintsOf(runtime.output()));

      // The restart: `npm start` on the same data dir, the clock a minute past the last instant seen.
      clockStart = new Date(lastNow + 60_000).toISOString();
      try {
        runtime = await startRuntime({
          via: 'npm',
          port: await freePort(),
          dataDir,
          keysDir,
          speed: options.speed,
          clockStart,
        });
      } catch (error) {
        violation(cycle, `the restart did not come up: ${(error as Error).message}`);
        throw error;
      }
      const resumedLine = /Resumed (\d+) open lead/.exec(runtime.output());
      const printedResumed = resumedLine ? Number(resumedLine[1]) : 0;
      const executions = (await (await fetch(`${runtime.url}/_local/executions`)).json()) as Array<{
        name: string;
        input: string;
        status: string;
      }>;
      const resumed = executions.filter((e) => 'resumeAt' in (JSON.parse(e.input) as object));
      if (resumed.length !== printedResumed)
        violation(cycle, `printed ${printedResumed} resumed leads but ${resumed.length} executions resumed`);
      if (new Set(resumed.map((e) => baseName(e.name))).size !== resumed.length)
        violation(cycle, 'a lead was resumed twice');

      // (b) every 202 is readable; every stored lead (202 or cut off) was resumed unless closed.
      const stored = new Map<string, Posted>();
      for (const lead of all) {
        const leadId = lead.leadId ?? leadIdFor('demo', lead.email);
        const seen = await getLead(runtime.url, token, leadId);
        if (!seen) {
          if (lead.status === 202 && !lostIds.has(leadId)) {
            lostIds.add(leadId);
            figures.lost = lostIds.size;
            violation(cycle, `lead ${leadId} (${lead.email}) got a 202 but is not readable`);
          }
          continue;
        }
        stored.set(leadId, lead);
        const runs = executions.filter((e) => baseName(e.name) === leadId);
        if (runs.filter((e) => e.status === 'RUNNING').length > 1)
          violation(cycle, `lead ${leadId} has more than one RUNNING execution`);
        if (runs.length === 0 && !CLOSED_STAGES.has(seen.stage))
          violation(cycle, `open lead ${leadId} (stage ${seen.stage}) was not resumed`);
      }
      for (const e of resumed)
        if (!stored.has(baseName(e.name)))
          violation(cycle, `resumed ${e.name}, which is no lead it can read`);

      // (c) let virtual time run; hand-raisers end up assigned and mailed, content leads nurtured.
      const started = Date.now();
      const pending = new Map(stored);
      let lastProblem = new Map<string, string>();
      while (Date.now() - started < options.convergeMs) {
        const mails = readOutbox(dataDir);
        const problems = new Map<string, string>();
        for (const [leadId, lead] of pending) {
          const seen = await getLead(runtime.url, token, leadId);
          const mailed = mails.filter(
            (m) =>
              m.leadId === leadId && m.to === seen?.owner?.email && m.subject.startsWith('New lead for you'),
          ).length;
          if (lead.kind === 'content' && seen?.stage === 'nurturing') pending.delete(leadId);
          else if (lead.kind === 'hand-raiser' && seen?.stage === 'assigned' && mailed >= 1)
            pending.delete(leadId);
          else
            problems.set(
              leadId,
              `${lead.kind} in stage ${seen?.stage}, ${mailed} 'New lead for you' mail(s)`,
            );
        }
        lastProblem = problems;
        if (pending.size === 0 && Date.now() - started >= options.settleMs) break;
        await sleep(100);
      }
      for (const [leadId, problem] of lastProblem)
        violation(cycle, `lead ${leadId} did not converge: ${problem}`);

      // (d) no alert twice, and one 'New lead for you' per assigned lead for its rep, across all runs.
      const mails = readOutbox(dataDir);
      for (const d of duplicateAlerts(mails, killedAt)) {
        if (reported.has(d.key)) continue;
        reported.add(d.key);
        if (d.crashWindow) {
          figures.crashWindowDuplicates.push(d.key);
          log(`  crash-window duplicate (D1), cycle ${cycle}: 2× ${d.key}`);
          if (!options.strict) continue;
        } else figures.duplicateAlerts++;
        violation(cycle, `alert sent ${d.copies.length} times: ${d.key}`);
      }
      for (const [leadId, lead] of stored) {
        if (lead.kind !== 'hand-raiser') continue;
        const seen = await getLead(runtime.url, token, leadId);
        const owner = seen?.owner?.email;
        const count = mails.filter(
          (m) => m.leadId === leadId && m.to === owner && m.subject.startsWith('New lead for you'),
        ).length;
        const tolerated = [...reported].some(
          (key) =>
            key.startsWith(`${leadId} → ${owner}: New lead`) && figures.crashWindowDuplicates.includes(key),
        );
        if (seen?.stage === 'assigned' && count !== 1 && !(count === 2 && tolerated && !options.strict))
          violation(cycle, `${owner} got ${count} 'New lead for you' mails for ${leadId}`);
      }

      // (a) it keeps running, and never said "Execution already exists".
      if (runtime.exit() !== null) violation(cycle, `the restarted runtime exited (${runtime.exit()})`);
      if (/Execution already exists|ExecutionAlreadyExists/.test(runtime.output()))
        violation(cycle, 'the restarted runtime reported "Execution already exists"');

      const figuresOfCycle: CycleFigures = {
        cycle,
        killAfterMs,
        posted: burst.length,
        accepted: burst.filter((l) => l.status === 202).length,
        refused: burst.filter((l) => l.status !== undefined && l.status !== 202).length,
        cutOff: burst.filter((l) => l.error).length,
        resumed: resumed.length,
        mails: mails.length,
      };
      figures.cycles.push(figuresOfCycle);
      figures.posted += figuresOfCycle.posted;
      figures.accepted += figuresOfCycle.accepted;
      log(
        `cycle ${cycle}: killed after ${killAfterMs} ms; posted ${figuresOfCycle.posted}, 202 ${figuresOfCycle.accepted}, ` +
          `refused ${figuresOfCycle.refused}, cut off ${figuresOfCycle.cutOff}; resumed ${figuresOfCycle.resumed}; ` +
          `${stored.size} leads stored, ${mails.length} mails in the outbox`,
      );
    }
  } finally {
    figures.complaints.push(...complaintsOf(runtime.output()));
    await runtime.stop();
  }
  // Kept for a look when something failed (the path is in the log), removed otherwise.
  if (figures.violations.length === 0 && figures.crashWindowDuplicates.length === 0)
    for (const dir of [dataDir, keysDir]) rmSync(dir, { recursive: true, force: true });
  return figures;
}
