/**
 * The virtual clock: paced time stands still while work is in flight and timers fire at exactly
 * their due instant, so a walk-through gives the same timestamps on any machine; manual time
 * jumps from timer to timer when idle.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';

const START = new Date('2026-03-27T15:30:00.000Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('paced clock', () => {
  it('holds at its start until the first work arrives, then runs at its speed', async () => {
    const clock = new VirtualClock({ mode: 'paced', start: START, speed: 3600 });
    await sleep(30);
    expect(clock.now()).toEqual(START);
    await clock.track(async () => {
      expect(clock.now()).toEqual(START);
    });
    await sleep(30);
    // 30 ms at x3600 is 108 s of virtual time (timers are coarse: allow some slack).
    const ran = clock.now().getTime() - START.getTime();
    expect(ran).toBeGreaterThanOrEqual(100_000);
    expect(ran).toBeLessThan(3_600_000);
  });

  it('stands still while work is in flight, however long the work takes', async () => {
    const clock = new VirtualClock({ mode: 'paced', start: START, speed: 3600, holdUntilFirstWork: false });
    clock.enter();
    const before = clock.now();
    await sleep(40);
    expect(clock.now()).toEqual(before);
    clock.leave();
    await sleep(20);
    expect(clock.now().getTime()).toBeGreaterThan(before.getTime());
  });

  it('fires each timer at exactly its due instant, in order, even when fired work is slow', async () => {
    const clock = new VirtualClock({
      mode: 'paced',
      start: START,
      speed: 360_000,
      holdUntilFirstWork: false,
    });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const at = (minutes: number, last = false) =>
        clock.at(new Date(START.getTime() + minutes * 60_000), () => {
          clock.enter();
          seen.push(clock.now().toISOString());
          // Slow work at the due instant: time must not move on while it runs.
          setTimeout(() => {
            seen.push(clock.now().toISOString());
            clock.leave();
            if (last) resolve();
          }, 15);
        });
      at(30);
      at(10);
      at(45, true);
    });
    await done;
    expect(seen).toEqual([
      '2026-03-27T15:40:00.000Z',
      '2026-03-27T15:40:00.000Z',
      '2026-03-27T16:00:00.000Z',
      '2026-03-27T16:00:00.000Z',
      '2026-03-27T16:15:00.000Z',
      '2026-03-27T16:15:00.000Z',
    ]);
  });

  it('never lets a cancelled timer fire', async () => {
    const clock = new VirtualClock({
      mode: 'paced',
      start: START,
      speed: 360_000,
      holdUntilFirstWork: false,
    });
    let fired = false;
    const cancel = clock.at(new Date(START.getTime() + 60_000), () => {
      fired = true;
    });
    cancel();
    await sleep(30);
    expect(fired).toBe(false);
  });
});

describe('manual clock', () => {
  it('jumps to the next timer only when idle, and stops at the limit it is given', async () => {
    const clock = new VirtualClock({ mode: 'manual', start: START });
    const fired: string[] = [];
    clock.at(new Date(START.getTime() + 3_600_000), () => fired.push(clock.now().toISOString()));
    clock.at(new Date(START.getTime() + 7_200_000), () => fired.push(clock.now().toISOString()));
    clock.enter();
    const idle = clock.runUntilIdle(new Date(START.getTime() + 5_400_000));
    await sleep(10);
    expect(fired).toEqual([]); // busy: nothing fires
    clock.leave();
    await idle;
    expect(fired).toEqual(['2026-03-27T16:30:00.000Z']);
    expect(clock.now().toISOString()).toBe('2026-03-27T17:00:00.000Z');
  });
});
