/**
 * One clock for domain time, workflow waits and stored timestamps in the local runtime.
 *
 * - `realtime` mode: virtual time runs `speed` times faster than the wall clock from `start`;
 *   timers fire after (due - now) / speed real milliseconds.
 * - `manual` mode (tests, benchmarks): time stands still while anything is running and jumps
 *   to the next timer as soon as the runtime is idle, so days of SLA time pass in milliseconds
 *   and every timestamp is exact.
 */
import type { Clock } from '../../functions/domain/lead.ts';

interface Timer {
  due: number;
  seq: number;
  fire: () => void;
}

export class VirtualClock implements Clock {
  private readonly timers: Timer[] = [];
  private seq = 0;
  private manualNow: number;
  private realStart = Date.now();
  private busy = 0;
  private idleCheck: NodeJS.Immediate | undefined;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(readonly options: { mode: 'realtime' | 'manual'; start?: Date; speed?: number }) {
    this.manualNow = (options.start ?? new Date()).getTime();
  }

  get speed(): number {
    return this.options.speed ?? 1;
  }

  now(): Date {
    if (this.options.mode === 'manual') return new Date(this.manualNow);
    return new Date(this.manualNow + (Date.now() - this.realStart) * this.speed);
  }

  /**
   * Realtime mode: restarts virtual time at `start` from this moment, so the seconds spent
   * starting up (hours at --clock-speed 3600) do not count.
   */
  anchor(): void {
    this.realStart = Date.now();
  }

  /** Runs `fire` when virtual time reaches `at`; returns a cancel function. */
  at(at: Date, fire: () => void): () => void {
    const timer: Timer = { due: at.getTime(), seq: this.seq++, fire };
    if (this.options.mode === 'realtime') {
      const handle = setTimeout(fire, Math.max(0, (timer.due - this.now().getTime()) / this.speed));
      return () => clearTimeout(handle);
    }
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.scheduleIdleCheck();
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  /** Marks work in progress (a handler call, an event delivery, an execution between waits). */
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

  /** Manual mode: resolves when nothing runs and no timer is due before `until` (or none is left). */
  async runUntilIdle(until?: Date): Promise<void> {
    if (this.options.mode !== 'manual') throw new Error('runUntilIdle needs the manual clock');
    this.untilLimit = until?.getTime();
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.scheduleIdleCheck();
    });
  }

  private untilLimit: number | undefined;

  private scheduleIdleCheck(): void {
    if (this.options.mode !== 'manual' || this.idleCheck) return;
    this.idleCheck = setImmediate(() => {
      this.idleCheck = undefined;
      // A second turn lets promise chains that just settled start their next piece of work.
      setImmediate(() => this.onMaybeIdle());
    });
  }

  private onMaybeIdle(): void {
    if (this.busy > 0) return;
    if (this.idleWaiters.length === 0) return;
    const next = this.timers[0];
    if (next && (this.untilLimit === undefined || next.due <= this.untilLimit)) {
      this.timers.shift();
      if (next.due > this.manualNow) this.manualNow = next.due;
      next.fire();
      this.scheduleIdleCheck();
      return;
    }
    if (this.untilLimit !== undefined && this.untilLimit > this.manualNow) this.manualNow = this.untilLimit;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Manual mode: moves time forward without firing timers (they fire on the next idle run). */
  advance(ms: number): void {
    if (this.options.mode !== 'manual') throw new Error('advance needs the manual clock');
    this.manualNow += ms;
  }
}
