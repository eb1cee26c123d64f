/**
 * Seeded randomness for the history generator and the simulated reps. Every draw is keyed
 * (seed + what it is for), never taken from a shared stream, so a draw does not depend on the
 * order in which the simulation happens to ask: the same seed gives the same history, and a
 * rep answers a lead the same way under any agreement that hands them that lead.
 */

/** FNV-1a over the key, then mixed: a 32-bit seed per purpose. */
function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** mulberry32: small, fast and good enough for simulation draws. */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = hash32(String(seed));
  }

  /** An independent stream for one purpose (`random.for('lead', 7)`). */
  static for(...key: Array<string | number>): Random {
    return new Random(key.join('\u0000'));
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  integer(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** One of `items`, each as likely as its weight against the others' (one draw). */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    let roll = this.next() * items.reduce((sum, item) => sum + weight(item), 0);
    for (const item of items) {
      roll -= weight(item);
      if (roll < 0) return item;
    }
    const last = items.at(-1);
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A log-normal draw given its median and 90th percentile: response times are skewed (most
   * quick, a long tail), and those two figures are what a history of them shows best.
   */
  logNormal({ median, p90 }: { median: number; p90: number }): number {
    const sigma = p90 > median ? Math.log(p90 / median) / 1.2815515655446004 : 0;
    return median * Math.exp(sigma * this.normal());
  }
}
