/**
 * One contract for the report reads, on the DynamoDB adapter (the table exactly as synthesized,
 * its status index gsi1) and the in-memory one: the leads of a status created in [from, to),
 * oldest first, each with its whole timeline, archived entries included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryLeadReports } from '../../functions/adapters/in-memory/lead-reports.ts';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { DynamoLeadReports } from '../../functions/adapters/lead-reports.ts';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { TIMELINE_ON_LEAD } from '../../functions/adapters/timeline-archive.ts';
import { newLead } from '../../functions/domain/capture.ts';
import type { LeadStatus } from '../../functions/domain/lead.ts';
import type { LeadReports, LeadRepository } from '../../functions/use-cases/ports.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable('leadflow-reports-test');
});
afterAll(async () => {
  await table?.close();
});

const adapters: Array<[string, () => { leads: LeadRepository; reports: LeadReports }]> = [
  [
    'DynamoDB',
    () => ({ leads: new LeadStore(table.tableName), reports: new DynamoLeadReports(table.tableName) }),
  ],
  [
    'in memory',
    () => {
      const leads = new InMemoryLeadRepository();
      return { leads, reports: new InMemoryLeadReports(leads) };
    },
  ],
];

// Each test has a year of its own, so leads of other tests on the shared table stay outside.
let year = 2030;

describe.each(adapters)('lead reports (%s)', (_name, make) => {
  it('lists the leads of a status created in [from, to), oldest first', async () => {
    const { leads, reports } = make();
    const from = new Date(Date.UTC(++year, 0, 1));
    const to = new Date(Date.UTC(year, 1, 1));
    const at = (ms: number) => new Date(from.getTime() + ms);
    const lead = async (id: string, createdAt: Date, stage?: 'won') => {
      const created = newLead({
        leadId: `ld_${id}_${year}`,
        businessUnit: 'demo',
        profile: { email: `${id}@acme.example` },
        now: createdAt,
      });
      await leads.create(created);
      if (stage) await leads.transition(created.leadId, { stage }, createdAt);
      return created.leadId;
    };
    const first = await lead('first', from);
    const second = await lead('second', at(60_000));
    await lead('before', at(-1));
    await lead('at-the-end', to);
    const won = await lead('won', at(30_000), 'won');

    const listed = async (status: LeadStatus) => {
      const ids: string[] = [];
      for await (const { lead } of reports.leadsCreatedBetween(status, from, to)) ids.push(lead.leadId);
      return ids;
    };
    expect(await listed('open')).toEqual([first, second]);
    expect(await listed('closed')).toEqual([won]);
    expect(await listed('failed')).toEqual([]);
  });

  it('keeps the index order however many leads it reads at a time', async () => {
    const { leads, reports } = make();
    const from = new Date(Date.UTC(++year, 0, 1));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = newLead({
        leadId: `ld_many${String(i).padStart(2, '0')}_${year}`,
        businessUnit: 'demo',
        profile: { email: `many${i}@acme.example` },
        now: new Date(from.getTime() + i * 1000),
      });
      await leads.create(created);
      ids.push(created.leadId);
    }
    const listed: string[] = [];
    for await (const { lead } of reports.leadsCreatedBetween('open', from, new Date(Date.UTC(year, 1, 1))))
      listed.push(lead.leadId);
    expect(listed).toEqual(ids);
  });

  it('reads each lead with its whole timeline, archived entries first', async () => {
    const { leads, reports } = make();
    const from = new Date(Date.UTC(++year, 0, 1));
    const created = newLead({
      leadId: `ld_long_${year}`,
      businessUnit: 'demo',
      profile: { email: 'long@acme.example', country: 'DE' },
      now: from,
    });
    await leads.create(created);
    // Past TIMELINE_ON_LEAD entries the oldest move to an archive item.
    const touches = TIMELINE_ON_LEAD + 10;
    for (let i = 1; i <= touches; i++) {
      const now = new Date(from.getTime() + i * 60_000);
      await leads.transition(
        created.leadId,
        { timeline: [{ at: now.toISOString(), type: 'touch', summary: `touch ${i}` }] },
        now,
      );
    }
    const read = [];
    for await (const history of reports.leadsCreatedBetween('open', from, new Date(Date.UTC(year, 1, 1))))
      read.push(history);
    expect(read).toHaveLength(1);
    expect(read[0]?.lead).toMatchObject({ leadId: created.leadId, profile: { country: 'DE' } });
    expect(read[0]?.lead.timeline.length).toBeLessThan(touches);
    expect(read[0]?.timeline.map((e) => e.summary)).toEqual([
      ...created.timeline.map((e) => e.summary),
      ...Array.from({ length: touches }, (_, i) => `touch ${i + 1}`),
    ]);
  });
});
