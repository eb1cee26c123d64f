/**
 * The simulator's virtual time: the manual mode of the local runtime's clock
 * (local/runtime/virtual-clock.ts) with the same rules — time stands still while any work is in
 * flight, and when nothing runs, the next due timer fires (ties in the order they were set) —
 * but its timers sit in a binary heap. A quarter of leads sets hundreds of thousands of timers
 * with ten thousand arrivals pending from the start, and the runtime clock re-sorts its whole
 * list on every timer set.
 *
 * One rule is the simulator's own: at the same instant, scheduled work (an arrival, a rep's or
 * marketing's activity) fires before a workflow timer (a wait's timeout). Otherwise the order
 * of a tie would depend on how many promise turns the engine takes between a callback and its
 * next wait; this order is the one of the full local runtime driven with the same activity
 * (test/simulator/simulator-vs-local-runtime.test.ts), where all of it is scheduled up front.
 */
import type { Clock } from '../functions/domain/lead.ts';

/** At the same instant, scheduled work fires before workflow timers. */
export type TimerKind = 'work' | 'workflow';

interface Timer {
  due: number;
  rank: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer) =>
  a.due < b.due || (a.due === b.due && (a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq)));

/** A min-heap of timers by due instant, then by the order they were set. */
class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(timer: Timer): void {
    const items = this.items;
    let i = items.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, items[parent] as Timer)) break;
      items[i] = items[parent] as Timer;
      i = parent;
    }
    items[i] = timer;
  }

  pop(): Timer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && before(items[right] as Timer, items[left] as Timer) ? right : left;
      if (!before(items[child] as Timer, last)) break;
      items[i] = items[child] as Timer;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export class SimulationClock implements Clock {
  private readonly timers = new TimerHeap();
  private seq = 0;
  private current: number;
  private busy = 0;
  private idleCheck = false;
  private readonly idleWaiters: Array<() => void> = [];
  private untilLimit: number | undefined;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  /** Runs `fire` when virtual time reaches `at`; returns a cancel function. */
  at(at: Date, fire: () => void, kind: TimerKind = 'workflow'): () => void {
    const timer: Timer = {
      due: at.getTime(),
      rank: kind === 'work' ? 0 : 1,
      seq: this.seq++,
      fire,
      cancelled: false,
    };
    this.timers.push(timer);
    this.scheduleIdleCheck();
    return () => {
      timer.cancelled = true;
    };
  }

  /** Marks work in progress (a task call, an execution between waits, a scheduled piece of work). */
  enter(): void {
    this.busy++;
  }

  leave(): void {
    this.busy--;
    if (this.busy === 0) this.scheduleIdleCheck();
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** Resolves when nothing runs and no timer is due before `until` (or none is left). */
  async runUntilIdle(until?: Date): Promise<void> {
    this.untilLimit = until?.getTime();
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.scheduleIdleCheck();
    });
  }

  private scheduleIdleCheck(): void {
    if (this.idleCheck) return;
    this.idleCheck = true;
    setImmediate(() => {
      // A second turn lets promise chains that just settled start their next piece of work.
      setImmediate(() => {
        this.idleCheck = false;
        this.onMaybeIdle();
      });
    });
  }

  private nextLiveTimer(): Timer | undefined {
    let next = this.timers.peek();
    while (next?.cancelled) {
      this.timers.pop();
      next = this.timers.peek();
    }
    return next;
  }

  private onMaybeIdle(): void {
    if (this.busy > 0 || this.idleWaiters.length === 0) return;
    const next = this.nextLiveTimer();
    if (next && (this.untilLimit === undefined || next.due <= this.untilLimit)) {
      this.timers.pop();
      if (next.due > this.current) this.current = next.due;
      next.fire();
      this.scheduleIdleCheck();
      return;
    }
    if (this.untilLimit !== undefined && this.untilLimit > this.current) this.current = this.untilLimit;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
