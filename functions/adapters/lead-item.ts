/** The lead item's key and how a stored item reads back as a `Lead`. */
import type { Lead } from '../domain/lead.ts';

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });

export function toLead(item: Record<string, unknown>): Lead {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, waits: _waits, pending, ...rest } = item;
  const claimed = Object.keys(rest).filter((key) => key.startsWith('claimed:'));
  const lead = Object.fromEntries(
    Object.entries(rest).filter(([key]) => !key.startsWith('claimed:') && !key.startsWith('claimedToken:')),
  );
  const waitResults = [
    ...new Set([
      ...Object.keys((pending as object | undefined) ?? {}),
      ...claimed.map((k) => k.slice('claimed:'.length)),
    ]),
  ];
  return { ...lead, ...(waitResults.length ? { waitResults } : {}) } as unknown as Lead;
}
