/**
 * HandOff under contention for a team's rotation cursor: a hand-off that loses the race
 * re-reads and retries after a jittered pause, and gives up after 30 attempts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryRoutingState } from '../../functions/adapters/in-memory/routing-state.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { HOT_ID, HOT as hot, MONDAY_10 as NOW, reload } from './fixtures.ts';

const sql = { previous: { decision: 'sql' as const } };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Routing state where another hand-off wins the cursor race `losses` times first. */
class ContendedRouting extends InMemoryRoutingState {
  advances = 0;
  constructor(private losses: number) {
    super();
  }
  override async advanceCursor(teamId: string, expected: number, next: number): Promise<boolean> {
    this.advances++;
    if (this.losses-- > 0) {
      await super.advanceCursor(teamId, expected, expected + 1); // the rival takes this turn
      return false;
    }
    return super.advanceCursor(teamId, expected, next);
  }
}

describe('HandOff under contention', () => {
  it('re-reads the moved cursor after each lost race and assigns from it', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new ContendedRouting(3); // rivals take anna's, ben's and anna's turns
    ports.routing = routing;
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    await storedLead(ports, hot, { stage: 'qualified' });
    expect(await runStep(ports, 'HandOff', HOT_ID, sql)).toEqual({
      decision: 'assigned',
      timeoutSeconds: 45 * 60,
    });
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('ben');
    expect(routing.advances).toBe(4);
    expect(random).toHaveBeenCalledTimes(3);
    expect((await routing.snapshot('dach', [])).cursor).toBe(2); // after ben, the second of two
    expect(routing.leadsOf('ben')).toEqual([HOT_ID]);
    expect(routing.leadsOf('anna')).toEqual([]);
  });

  it('moves on to the next rep when the chosen one filled up after the snapshot', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new InMemoryRoutingState();
    const reserve = vi.spyOn(routing, 'reserve').mockResolvedValueOnce(false);
    ports.routing = routing;
    vi.spyOn(Math, 'random').mockReturnValue(0);
    await storedLead(ports, hot, { stage: 'qualified' });
    await runStep(ports, 'HandOff', HOT_ID, sql);
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('ben');
    expect(reserve.mock.calls).toEqual([
      ['anna', HOT_ID, 20],
      ['ben', HOT_ID, 20],
    ]);
    expect(routing.leadsOf('anna')).toEqual([]);
  });

  it('gives up after 30 attempts, pausing with growing full jitter in between', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new ContendedRouting(Number.POSITIVE_INFINITY);
    ports.routing = routing;
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const pauses: number[] = [];
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((resolve: () => void, ms: number) => {
      pauses.push(ms);
      resolve();
      return 0;
    }) as unknown as typeof setTimeout);
    await storedLead(ports, hot, { stage: 'qualified' });
    await expect(runStep(ports, 'HandOff', HOT_ID, sql)).rejects.toThrow(
      'Could not assign the lead: routing state kept changing under contention',
    );
    expect(routing.advances).toBe(30);
    expect(pauses).toEqual([5, 10, 20, 40, 80, ...Array(24).fill(125)]);
    expect((await reload(ports, HOT_ID)).stage).toBe('qualified');
    expect(ports.events.published).toEqual([]);
  });
});
