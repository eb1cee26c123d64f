/** The suppression record in memory (held to the DynamoDB adapter's contract tests). */
import type { SuppressionEntry, SuppressionList } from '../../use-cases/ports.ts';

const normalized = (address: string) => address.trim().toLowerCase();

export class InMemorySuppressionList implements SuppressionList {
  readonly entries = new Map<string, SuppressionEntry>();

  async suppress(
    address: string,
    entry: Omit<SuppressionEntry, 'suppressedAt'>,
    now: Date,
  ): Promise<'recorded' | 'known'> {
    const key = normalized(address);
    if (this.entries.has(key)) return 'known';
    this.entries.set(key, {
      reason: entry.reason,
      ...(entry.detail ? { detail: entry.detail.slice(0, 200) } : {}),
      suppressedAt: now.toISOString(),
    });
    return 'recorded';
  }

  async lookup(address: string): Promise<SuppressionEntry | undefined> {
    const entry = this.entries.get(normalized(address));
    return entry ? { ...entry } : undefined;
  }
}
