/**
 * The simulator against the full local runtime: the same seeded 200 leads arrive at the same
 * instants, and every activity the simulated reps and marketing sent is put on the local
 * runtime's bus at the instant the simulator sent it (through HTTP capture, EventBridge and
 * the real handlers over dynalite). Each lead must take the same path through the state
 * machine and end with the same timeline. The replay (simulator/replay-on-runtime.ts) is the
 * one `npm run seed -- --days N` seeds the local runtime's store with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayOnRuntime } from '../../simulator/replay-on-runtime.ts';
import { generateHistory } from '../../simulator/seed.ts';
import { type SimulationResult, simulate } from '../../simulator/simulate.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
const history = generateHistory(config, { seed: 3, leads: 200, from: '2026-03-02', to: '2026-03-14' });
const HORIZON_DAYS = 10;
const end = new Date(Date.parse(history.period.to) + HORIZON_DAYS * 86_400_000);

const comparable = (timeline: Array<{ at: string; type: string; text?: string }>) =>
  timeline.map((e) => `${e.at} ${e.type} ${e.text ?? ''}`);

describe('simulator and local runtime', () => {
  let simulated: SimulationResult;
  let harness: Harness;

  beforeAll(async () => {
    simulated = await simulate(config, history, { horizonDays: HORIZON_DAYS });
    harness = await startHarness({ start: history.period.from, config });
    await replayOnRuntime(harness.driver, { history, activities: simulated.activities, until: end });
  }, 600_000);

  afterAll(() => harness?.stop());

  it('takes every lead along the same path with the same timeline', async () => {
    expect(simulated.leads).toHaveLength(200);
    expect(simulated.metrics.handedOff).toBeGreaterThan(50);
    const differences: string[] = [];
    for (const lead of simulated.leads) {
      const path = harness.path(lead.leadId);
      if (path.join('>') !== lead.path.join('>'))
        differences.push(`${lead.leadId} path\n  sim:   ${lead.path.join('>')}\n  local: ${path.join('>')}`);
      const local = await harness.getLead(lead.leadId);
      if (`${local.stage} ${local.owner?.repId}` !== `${lead.lead?.stage} ${lead.lead?.owner?.repId}`)
        differences.push(
          `${lead.leadId} ends ${lead.lead?.stage} with ${lead.lead?.owner?.repId}, locally ${local.stage} with ${local.owner?.repId}`,
        );
      // Both sides as the lead item keeps it (the most recent entries; older ones are archived).
      const a = comparable(lead.lead?.timeline ?? []);
      const b = comparable(local.timeline as never);
      if (a.join('\n') !== b.join('\n'))
        differences.push(
          `${lead.leadId} timeline\n  sim:   ${a.join('\n         ')}\n  local: ${b.join('\n         ')}`,
        );
    }
    expect(differences.slice(0, 5).join('\n')).toBe('');
  }, 600_000);
});
