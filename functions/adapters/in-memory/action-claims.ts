/** Action link claims in memory, with the DynamoDB adapter's semantics (held to the same contract tests). */
import type { ActionClaimStore } from '../../use-cases/ports.ts';

export class InMemoryActionClaims implements ActionClaimStore {
  readonly claims = new Map<string, { claimedAt: string; settled?: string; action: string; rep: string }>();

  async claim(
    leadId: string,
    nonce: string,
    claim: { action: string; rep: string; expiresAt: Date },
    now: Date,
  ): Promise<'claimed' | 'taken'> {
    const key = `${leadId}#${nonce}`;
    if (this.claims.has(key)) return 'taken';
    this.claims.set(key, { claimedAt: now.toISOString(), action: claim.action, rep: claim.rep });
    return 'claimed';
  }

  async settle(leadId: string, nonce: string, outcome: string): Promise<void> {
    const claim = this.claims.get(`${leadId}#${nonce}`);
    if (!claim) throw new Error(`No claim of link ${nonce} on lead ${leadId}`);
    claim.settled = outcome;
  }

  async get(leadId: string, nonce: string): Promise<{ claimedAt: string; settled?: string } | undefined> {
    const claim = this.claims.get(`${leadId}#${nonce}`);
    if (!claim) return undefined;
    return { claimedAt: claim.claimedAt, ...(claim.settled ? { settled: claim.settled } : {}) };
  }
}
