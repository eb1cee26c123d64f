/**
 * Seeds a local runtime's store with a synthetic history (`npm run seed -- --days N`): the
 * history is simulated first, so the reps' touches, verdicts and outcomes are known with their
 * instants; then the local runtime starts on the data dir `npm start` reads, on a manual virtual
 * clock at the period's start, and the history is replayed onto it through the capture API and
 * the bus (replay-on-runtime.ts). Every lead therefore goes through the real handlers, state
 * machine, metrics projection and event archive, and the same seed gives the same store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { BusinessUnitConfig } from '../config/schema.ts';
import { localDate } from '../functions/domain/agreement/dates.ts';
import type { Scorecard } from '../functions/domain/scorecard/types.ts';
import { LeadflowDriver } from '../local/driver.ts';
import { startLeadflowLocal } from '../local/runtime/leadflow-local.ts';
import { VirtualClock } from '../local/runtime/virtual-clock.ts';
import type { History } from './history.ts';
import { replayOnRuntime } from './replay-on-runtime.ts';
import { simulate } from './simulate.ts';

export interface LocalSeedOptions {
  config: BusinessUnitConfig;
  history: History;
  /** The runtime's data dir; it must be empty or missing (a seed never mixes with other data). */
  dataDir: string;
  keyDir?: string;
  /** Days the lifecycle keeps running past the period (default 0: it stops at the period's end). */
  horizonDays?: number;
  /** Called while the history is simulated, then after each lead the runtime captured. */
  onProgress?: (phase: 'simulate' | 'replay', done: number, total: number) => void;
}

/** The period's figures as the seeded runtime's own `GET /reports/scorecard` reports them. */
export interface LocalSeedSummary {
  /** Local dates, both included: the scorecard query that shows the seeded period. */
  period: { from: string; to: string };
  leads: number;
  sqls: number;
  touches: number;
  firstTouches: number;
  accepted: number;
  rejected: number;
  won: number;
  lost: number;
}

const SEED_CLIENT_ID = 'leadflow-seed';

/**
 * The unit as the seed posts to it: as a trusted integration of its own (a key made for this
 * run) and without per-source rate limits, since every synthetic lead comes from this machine.
 * Neither is stored; `npm start` later runs the unit's own config.
 */
function asSeedingIntegration(config: BusinessUnitConfig, apiKey: string): BusinessUnitConfig {
  const keySha256 = createHash('sha256').update(apiKey).digest('hex');
  return {
    ...config,
    capture: {
      ...config.capture,
      apiClients: [...config.capture.apiClients, { id: SEED_CLIENT_ID, keySha256 }],
      rateLimit: { perSourcePerMinute: 0, minSecondsBetweenSubmissions: 0 },
    },
  };
}

function assertEmptyDataDir(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(
      `${dataDir} already holds data: a seed starts from an empty store (remove it or pass another --data-dir)`,
    );
}

export async function seedLocalRuntime(options: LocalSeedOptions): Promise<LocalSeedSummary> {
  const { config, history, onProgress } = options;
  assertEmptyDataDir(options.dataDir);
  const horizonDays = options.horizonDays ?? 0;
  const until = new Date(Date.parse(history.period.to) + horizonDays * 86_400_000);
  const simulated = await simulate(config, history, {
    horizonDays,
    onProgress: (done, total) => onProgress?.('simulate', done, total),
  });

  const apiKey = randomBytes(24).toString('base64url');
  const local = await startLeadflowLocal({
    unit: asSeedingIntegration(config, apiKey),
    port: 0,
    dataDir: options.dataDir,
    keyDir: options.keyDir,
    clock: new VirtualClock({ mode: 'manual', start: new Date(history.period.from) }),
  });
  const driver = new LeadflowDriver(local, apiKey);
  try {
    await replayOnRuntime(driver, {
      history,
      activities: simulated.activities,
      until,
      onLeadCaptured: (done, total) => onProgress?.('replay', done, total),
    });
    const period = {
      from: localDate(history.period.from, config.timezone),
      to: localDate(Date.parse(history.period.to) - 1, config.timezone),
    };
    const token = await local.issuer.issueToken({ role: 'ops', email: `ops@${SEED_CLIENT_ID}.local` });
    const response = await fetch(
      `${local.url}/reports/scorecard?from=${period.from}&to=${period.to}&format=json`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (response.status !== 200)
      throw new Error(`The seeded scorecard failed: ${response.status} ${await response.text()}`);
    const card = (await response.json()) as Scorecard;
    const { activity } = card.sales;
    return {
      period,
      leads: card.funnel.stages.find((s) => s.stage === 'lead')?.count ?? 0,
      sqls: card.marketing.sqls.delivered,
      touches: activity.touches,
      firstTouches: activity.firstTouches,
      accepted: activity.accepted,
      rejected: activity.rejected,
      won: activity.won,
      lost: activity.lost,
    };
  } finally {
    driver.stop();
    await local.stop();
  }
}

/** "0:42": minutes and seconds left at the pace so far. */
function eta(startedAt: number, done: number, total: number, now: number): string {
  if (done === 0) return '-:--';
  const seconds = Math.round((((now - startedAt) / done) * (total - done)) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** One terminal line for the replay: a bar, leads captured of all, and the time left. */
export function seedProgressLine(
  done: number,
  total: number,
  startedAt: number,
  now: number,
  width = 30,
): string {
  const filled = total ? Math.round((done / total) * width) : width;
  return `seeding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} leads  ETA ${eta(startedAt, done, total, now)}`;
}
