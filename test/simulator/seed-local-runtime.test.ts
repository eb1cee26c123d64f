/**
 * `npm run seed -- --days N` (simulator/seed-local-runtime.ts): a few seeded days played onto
 * a local runtime's data dir. A second runtime started on that dir (as `npm start` would be)
 * serves every seeded lead at the stage the simulation left it in, and its scorecard counts
 * what the simulated reps and marketing did: the SQLs, the touches and first touches, the
 * verdicts. The expectations are counted off the simulation's own record, not with the
 * scorecard's formulas.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import { generateHistory } from '../../simulator/seed.ts';
import { type LocalSeedSummary, seedLocalRuntime } from '../../simulator/seed-local-runtime.ts';
import { type SimulationResult, simulate } from '../../simulator/simulate.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
// Monday to Friday, 2026-03-02 to 2026-03-06 in Berlin.
const history = generateHistory(config, { seed: 11, leads: 40, from: '2026-03-02', to: '2026-03-07' });
const root = mkdtempSync(join(tmpdir(), 'leadflow-seed-'));
const dataDir = join(root, 'data');
const keyDir = join(root, 'keys');

describe('seeding the local runtime', () => {
  let simulated: SimulationResult;
  let summary: LocalSeedSummary;
  let harness: Harness;

  beforeAll(async () => {
    summary = await seedLocalRuntime({ config, history, dataDir, keyDir });
    // What the seed played, simulated again on its own (the same seed gives the same run).
    simulated = await simulate(config, history, { horizonDays: 0 });
    harness = await startHarness({ start: history.period.to, config, dataDir, keyDir, resume: false });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const sent = (type: string) => simulated.activities.filter((a) => a.type === type);

  it('stores every lead of the history at the stage the simulation left it in', async () => {
    expect(simulated.leads).toHaveLength(40);
    const stages: string[] = [];
    const expected: string[] = [];
    for (const lead of simulated.leads) {
      stages.push(`${lead.leadId} ${(await harness.getLead(lead.leadId)).stage}`);
      expected.push(`${lead.leadId} ${lead.lead?.stage}`);
    }
    expect(stages).toEqual(expected);
  });

  it("reports the period's figures in the scorecard the seeded store serves", async () => {
    const qualified = simulated.leads.filter((l) => l.timeline.some((e) => e.type === 'qualified'));
    const touches = sent('TouchLogged');
    // Enough happened for the comparison to mean something.
    expect(qualified.length).toBeGreaterThan(5);
    expect(touches.length).toBeGreaterThan(5);

    const response = await fetch(`${harness.url}/reports/scorecard?from=2026-03-02&to=2026-03-06`, {
      headers: { authorization: `Bearer ${harness.opsToken}` },
    });
    expect(response.status).toBe(200);
    const card = (await response.json()) as Scorecard;
    const figures = {
      leads: card.funnel.stages.find((s) => s.stage === 'lead')?.count,
      sqls: card.marketing.sqls.delivered,
      touches: card.sales.activity.touches,
      firstTouches: card.sales.activity.firstTouches,
      accepted: card.sales.activity.accepted,
      rejected: card.sales.activity.rejected,
    };
    expect(figures).toEqual({
      leads: 40,
      sqls: qualified.length,
      touches: touches.length,
      firstTouches: new Set(touches.map((t) => t.detail.leadId)).size,
      accepted: sent('LeadAccepted').length,
      rejected: sent('LeadRejected').length,
    });
    // The summary the command prints is the same scorecard, read before the seed stopped.
    expect(summary).toMatchObject({ period: { from: '2026-03-02', to: '2026-03-06' }, ...figures });
  });

  it('refuses to seed a data dir that already holds data', async () => {
    await expect(seedLocalRuntime({ config, history, dataDir, keyDir })).rejects.toThrow(
      /already holds data/,
    );
  });
});
