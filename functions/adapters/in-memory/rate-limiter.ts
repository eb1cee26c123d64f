/** Per-client request counters in memory, with the DynamoDB adapter's fixed windows. */
import type { RateLimiter } from '../../use-cases/ports.ts';

export class InMemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number>();

  async hit(key: string, limit: number, windowSeconds: number, now: Date) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    const id = `${key}@${windowStart}`;
    const hits = (this.hits.get(id) ?? 0) + 1;
    this.hits.set(id, hits);
    return { allowed: hits <= limit, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
  }
}
