/**
 * Plays a simulated history onto a running local runtime, through the paths real clients use:
 * each lead is posted to the capture API at the instant it arrived, and every activity the
 * simulated reps and marketing sent is put on the unit's bus at the instant they sent it. The
 * runtime must run on the manual virtual clock. Shared by `npm run seed -- --days N` and the
 * test that compares the simulator with the full runtime.
 */
import type { LeadflowDriver } from '../local/driver.ts';
import type { History } from './history.ts';
import type { SentActivity } from './sales-team.ts';

export interface RuntimeReplay {
  history: History;
  /** What the simulation of the history sent (simulate()'s `activities`). */
  activities: readonly SentActivity[];
  /** Virtual time runs (firing the lifecycle's own timers) until this instant. */
  until: Date;
  /** Called after each lead is captured. */
  onLeadCaptured?: (captured: number, total: number) => void;
}

/** Captures the history's leads and sends its activity in virtual time; returns when `until` is reached. */
export async function replayOnRuntime(driver: LeadflowDriver, replay: RuntimeReplay): Promise<void> {
  const { clock } = driver;
  if (clock.mode !== 'manual') throw new Error('A replay needs the runtime on the manual clock');
  const until = replay.until.getTime();
  const total = replay.history.leads.length;
  let captured = 0;
  const failures: Error[] = [];
  // Arrivals first at equal instants, then activity in the order the simulator sent it: the
  // order the simulator's own timers fired in (a stable sort keeps it).
  const work: Array<{ at: number; run: () => Promise<unknown> }> = [
    ...replay.history.leads.map((lead) => ({
      at: Date.parse(lead.arrivedAt),
      run: async () => {
        await driver.capture(lead.submission);
        replay.onLeadCaptured?.(++captured, total);
      },
    })),
    ...replay.activities.map((a) => ({
      at: Date.parse(a.at),
      run: () => driver.activity([{ type: a.type, detail: a.detail }]),
    })),
  ]
    .filter((item) => item.at <= until)
    .sort((a, b) => a.at - b.at);
  for (const item of work)
    clock.at(new Date(item.at), () => {
      void clock.track(item.run).catch((error: unknown) => failures.push(error as Error));
    });
  await driver.runUntil(replay.until);
  if (failures.length > 0)
    throw new Error(
      `${failures.length} request(s) of the replay failed: ${failures
        .slice(0, 3)
        .map((e) => e.message)
        .join('; ')}`,
    );
}
