/**
 * One clock for domain time, workflow waits and stored timestamps in the local runtime.
 *
 * - `wall` (plain `npm start`): the machine's clock; timers fire in real time.
 * - `paced` (`--clock-speed`, `--clock-start`): virtual time runs `speed` times faster than
 *   the wall clock, but only while no work is in flight. While a handler, an event delivery or
 *   an execution between waits is running, time stands still, so every step happens at the
 *   instant it was scheduled for and the results do not depend on how fast this machine is.
 *   With a start instant, time holds there until the first piece of work arrives (the first
 *   lead), so a walk-through posted "at 16:30" is handled at exactly 16:30.
 * - `manual` (tests, benchmarks): time stands still while anything runs and jumps straight
 *   to the next timer as soon as the runtime is idle (`runUntilIdle`), so days of SLA time
 *   pass in milliseconds.
 *
 * Timers of the paced and manual modes fire in due order at exactly their due instant.
 */
import type { Clock } from '../../functions/domain/lead.ts';

interface Timer {
  due: number;
  seq: number;
  fire: () => void;
}

export type ClockMode = 'wall' | 'paced' | 'manual';

export interface VirtualClockOptions {
  mode: ClockMode;
  start?: Date;
  /** Paced mode: virtual milliseconds per real millisecond while idle. */
  speed?: number;
  /** Paced mode: hold at `start` until the first work arrives (default: when a start is given). */
  holdUntilFirstWork?: boolean;
}

export class VirtualClock implements Clock {
  private readonly timers: Timer[] = [];
  private seq = 0;
  /** Virtual time when last pinned (manual: always; paced: when work began or a timer fired). */
  private pinned: number;
  /** Paced: the real instant (performance.now) virtual time started running from `pinned`. */
  private runningSince = performance.now();
  /** Paced: a timer is firing; time stays at its due instant while its work starts. */
  private firing = false;
  private held: boolean;
  private busy = 0;
  private pacer: NodeJS.Timeout | undefined;
  private idleCheck: NodeJS.Immediate | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  private untilLimit: number | undefined;

  constructor(readonly options: VirtualClockOptions) {
    this.pinned = (options.start ?? new Date()).getTime();
    this.held = options.mode === 'paced' && (options.holdUntilFirstWork ?? options.start !== undefined);
  }

  get mode(): ClockMode {
    return this.options.mode;
  }

  get speed(): number {
    return this.options.mode === 'paced' ? (this.options.speed ?? 1) : 1;
  }

  now(): Date {
    switch (this.options.mode) {
      case 'wall':
        return new Date();
      case 'manual':
        return new Date(this.pinned);
      case 'paced':
        return new Date(this.pacedNow());
    }
  }

  private pacedNow(): number {
    if (this.held || this.busy > 0 || this.firing) return this.pinned;
    const running = this.pinned + (performance.now() - this.runningSince) * this.speed;
    // Never run past a timer that has not fired yet.
    return Math.min(running, this.timers[0]?.due ?? Number.POSITIVE_INFINITY);
  }

  /** Paced: virtual time starts running from `start` now (the seconds spent starting up do not count). */
  anchor(): void {
    this.runningSince = performance.now();
  }

  /** Runs `fire` when virtual time reaches `at`; returns a cancel function. */
  at(at: Date, fire: () => void): () => void {
    if (this.options.mode === 'wall') {
      const handle = setTimeout(fire, Math.max(0, at.getTime() - Date.now()));
      return () => clearTimeout(handle);
    }
    const timer: Timer = { due: at.getTime(), seq: this.seq++, fire };
    if (this.options.mode === 'paced') this.pin();
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.schedule();
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
      this.schedule();
    };
  }

  /** Marks work in progress (a handler call, an event delivery, an execution between waits). */
  enter(): void {
    if (this.options.mode === 'paced' && this.busy === 0) {
      this.pin();
      this.held = false;
    }
    this.busy++;
  }

  leave(): void {
    this.busy--;
    if (this.busy > 0) return;
    if (this.options.mode === 'paced') this.runningSince = performance.now();
    this.schedule();
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** Paced: fixes the current virtual instant as the base time keeps running from. */
  private pin(): void {
    this.pinned = this.pacedNow();
    this.runningSince = performance.now();
  }

  private schedule(): void {
    if (this.options.mode === 'manual') this.scheduleIdleCheck();
    if (this.options.mode === 'paced') this.schedulePacer();
  }

  private schedulePacer(): void {
    if (this.pacer) clearTimeout(this.pacer);
    this.pacer = undefined;
    const next = this.timers[0];
    if (!next || this.busy > 0 || this.held) return;
    const delay = Math.max(0, (next.due - this.pacedNow()) / this.speed);
    this.pacer = setTimeout(() => {
      this.pacer = undefined;
      if (this.busy > 0 || this.timers[0] !== next) return this.schedulePacer();
      this.timers.shift();
      this.pinned = Math.max(this.pinned, next.due);
      this.firing = true;
      try {
        next.fire();
      } finally {
        this.firing = false;
        this.runningSince = performance.now();
      }
      this.schedulePacer();
    }, delay);
    // A pending timer alone must not keep the process alive (tests, shutdown).
    this.pacer.unref();
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
      if (next.due > this.pinned) this.pinned = next.due;
      next.fire();
      this.scheduleIdleCheck();
      return;
    }
    if (this.untilLimit !== undefined && this.untilLimit > this.pinned) this.pinned = this.untilLimit;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Manual mode: moves time forward without firing timers (they fire on the next idle run). */
  advance(ms: number): void {
    if (this.options.mode !== 'manual') throw new Error('advance needs the manual clock');
    this.pinned += ms;
  }
}
