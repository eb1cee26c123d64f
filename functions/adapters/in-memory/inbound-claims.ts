/** The in-memory twin of DynamoInboundEventClaims, held to the same contract tests. */

import type { InboundEventClaims } from '../../use-cases/ports.ts';
import { ABANDONED_CLAIM_SECONDS } from '../inbound-claims.ts';

interface Claim {
  state: 'claimed' | 'put';
  fingerprint: string;
  claimedAt: number;
}

export class InMemoryInboundEventClaims implements InboundEventClaims {
  readonly claims = new Map<string, Claim>();

  async claim(
    key: string,
    fingerprint: string,
    now: Date,
  ): Promise<'claimed' | 'put' | 'in-flight' | 'conflict'> {
    const existing = this.claims.get(key);
    const abandoned =
      existing?.state === 'claimed' &&
      existing.fingerprint === fingerprint &&
      existing.claimedAt < now.getTime() - ABANDONED_CLAIM_SECONDS * 1000;
    if (!existing || abandoned) {
      this.claims.set(key, { state: 'claimed', fingerprint, claimedAt: now.getTime() });
      return 'claimed';
    }
    if (existing.fingerprint !== fingerprint) return 'conflict';
    return existing.state === 'put' ? 'put' : 'in-flight';
  }

  async markPut(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (claim) claim.state = 'put';
  }

  async release(key: string): Promise<void> {
    if (this.claims.get(key)?.state === 'claimed') this.claims.delete(key);
  }
}
