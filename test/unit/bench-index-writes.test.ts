/** The cost benchmark's gsi1 write units follow DynamoDB's index rule, not a guess per command. */
import { describe, expect, it } from 'vitest';
import { indexWriteUnits, itemSize, type StoredItem } from '../../bench/lib/index-writes.ts';

const lead = (status: string, extra: StoredItem = {}): StoredItem => ({
  pk: { S: 'LEAD#ld_1' },
  sk: { S: 'LEAD' },
  gsi1pk: { S: `LEADS#${status}` },
  gsi1sk: { S: '2026-03-23T09:00:00.000Z#ld_1' },
  leadId: { S: 'ld_1' },
  profile: { M: { email: { S: 'eva@acme.example' } } },
  stage: { S: 'assigned' },
  ...extra,
});

describe('gsi1 write units', () => {
  it('writes the entry once when an item enters the index and once when it leaves', () => {
    expect(indexWriteUnits(undefined, lead('open'))).toBe(1);
    expect(indexWriteUnits(lead('open'), undefined)).toBe(1);
    expect(indexWriteUnits(undefined, { pk: { S: 'RATE#x' }, sk: { S: 'x' } })).toBe(0);
  });

  it('deletes and writes when the index key moves', () => {
    expect(indexWriteUnits(lead('open'), lead('closed'))).toBe(2);
  });

  it('writes nothing when only unprojected attributes change', () => {
    expect(
      indexWriteUnits(lead('open'), lead('open', { stage: { S: 'touched' }, timeline: { L: [] } })),
    ).toBe(0);
  });

  it('writes once when a projected attribute changes, whatever the map order', () => {
    const reordered = lead('open', {
      profile: { M: { email: { S: 'eva@acme.example' }, company: { S: 'Acme' } } },
    });
    expect(indexWriteUnits(lead('open'), reordered)).toBe(1);
    const same = lead('open', {
      profile: { M: { company: { S: 'Acme' }, email: { S: 'eva@acme.example' } } },
    });
    expect(indexWriteUnits(reordered, same)).toBe(0);
  });

  it('charges one unit per started KB of the entry', () => {
    const big = lead('open', { profile: { M: { notes: { S: 'x'.repeat(1500) } } } });
    expect(itemSize(big)).toBeGreaterThan(1024);
    expect(indexWriteUnits(undefined, big)).toBe(2);
  });
});
