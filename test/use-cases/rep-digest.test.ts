/**
 * Each rep's daily digest over in-memory ports. Demo unit (Europe/Berlin, Monday to Friday,
 * digest at 08:00), here with Carla on her own calendar in New York and Dev out of office on
 * Tuesday 24 March 2026 (Berlin UTC+1, New York UTC-4 that week).
 *
 *   Anna holds three leads: one overdue, one due tomorrow, one due in May, and her load still
 *   names a lead just reassigned to Ben. Ben holds nothing. Carla holds one; Dev holds one.
 */
import { describe, expect, it } from 'vitest';
import type { BusinessUnitConfigInput } from '../../config/schema.ts';
import { InMemoryAlertOutbox } from '../../functions/adapters/in-memory/alert-outbox.ts';
import { RecordingMailer } from '../../functions/adapters/in-memory/outbound.ts';
import type { ActionLinks } from '../../functions/domain/action-links.ts';
import type { Lead, Owner, Stage } from '../../functions/domain/lead.ts';
import { repDigestsDue } from '../../functions/domain/rep-digest.ts';
import { type RepDigestPorts, sendRepDigests } from '../../functions/use-cases/rep-digest.ts';
import { unitConfig } from '../support/unit-config.ts';

const TUESDAY_0800_BERLIN = '2026-03-24T07:00:00Z';
const TUESDAY_0900_BERLIN = '2026-03-24T08:00:00Z';
const TUESDAY_0800_NEW_YORK = '2026-03-24T12:00:00Z';
const WEDNESDAY_0800_BERLIN = '2026-03-25T07:00:00Z';
const SATURDAY_0800_BERLIN = '2026-03-28T07:00:00Z';

const config = unitConfig((c: BusinessUnitConfigInput) => {
  const members = c.routing.teams.flatMap((t) => t.members);
  const carla = members.find((m) => m.id === 'carla');
  const dev = members.find((m) => m.id === 'dev');
  if (!carla || !dev) throw new Error('the demo roster changed');
  carla.calendar = { ...c.calendar, timezone: 'America/New_York' };
  dev.outOfOffice = [{ from: '2026-03-24', to: '2026-03-24' }];
  return c;
});

const ownerOf = (repId: string): Owner => ({
  repId,
  name: repId,
  email: `${repId}@demo.example.com`,
  teamId: 'dach',
});

function lead(leadId: string, repId: string, stage: Stage, dueAt: string): Lead {
  const field = { assigned: 'followUpDueAt', touched: 'acceptanceDueAt', accepted: 'outcomeDueAt' }[
    stage as 'assigned'
  ];
  return {
    leadId,
    businessUnit: 'demo',
    stage,
    profile: { email: `${leadId}@acme.example`, company: leadId },
    owner: ownerOf(repId),
    sla: { assignedAt: '2026-03-23T09:00:00.000Z', [field]: dueAt, handoffs: 1 },
    createdAt: '2026-03-23T09:00:00.000Z',
    updatedAt: '2026-03-23T09:00:00.000Z',
    submissionCount: 1,
    engagements: [],
    timeline: [],
    version: 1,
  };
}

const LOADS: Record<string, Lead[]> = {
  // The load's own order (by id) is not the digest's: it sorts by deadline.
  anna: [
    lead('ld_a_may', 'anna', 'accepted', '2026-05-04T09:00:00.000Z'),
    lead('ld_b_reassigned', 'ben', 'assigned', '2026-03-24T09:00:00.000Z'),
    lead('ld_c_tomorrow', 'anna', 'touched', '2026-03-25T09:00:00.000Z'),
    lead('ld_d_overdue', 'anna', 'assigned', '2026-03-23T10:00:00.000Z'),
  ],
  carla: [lead('ld_e_carla', 'carla', 'assigned', '2026-03-24T15:00:00.000Z')],
  dev: [lead('ld_f_dev', 'dev', 'assigned', '2026-03-24T15:00:00.000Z')],
};

/** Links that name the lead, so a test can tell whose they are. */
const linksFor = async (l: Lead): Promise<ActionLinks> => ({
  expiresAt: '2026-03-27T07:00:00.000Z',
  urls: {
    touch: `https://api.example/actions/touch-${l.leadId}`,
    accept: `https://api.example/actions/accept-${l.leadId}`,
  },
});

function setup(options: { links?: boolean } = {}) {
  let now = new Date(TUESDAY_0800_BERLIN);
  const mailer = new RecordingMailer();
  const ports: RepDigestPorts = {
    config,
    clock: { now: () => now },
    mailer,
    outbox: new InMemoryAlertOutbox(),
    queue: { leadsHeldBy: async (repId) => structuredClone(LOADS[repId] ?? []) },
    roster: { current: async () => undefined, replace: async () => 'conflict' },
    ...(options.links === false ? {} : { actionLinks: { linksFor } }),
  };
  const runAt = (at: string) => {
    now = new Date(at);
    return sendRepDigests(ports, new Date(at));
  };
  return { ports, mailer, runAt };
}

describe("the reps' daily digest", () => {
  it('goes at 08:00 Berlin to Anna only: Ben holds nothing, Carla is in New York, Dev is away', async () => {
    const { mailer, runAt } = setup();
    const run = await runAt(TUESDAY_0800_BERLIN);
    expect(run).toEqual({
      sent: ['rep-digest:2026-03-24:anna#anna@demo.example.com'],
      alreadySent: 0,
      withoutOpenLeads: 1,
    });
    expect(mailer.sent.map((m) => m.to)).toEqual([['anna@demo.example.com']]);
  });

  it('lists her leads only (not one reassigned away), next deadline first, in text and HTML', async () => {
    const { mailer, runAt } = setup();
    await runAt(TUESDAY_0800_BERLIN);
    const [mail] = mailer.sent;
    expect(mail?.subject).toBe('Your open leads: 3, 1 overdue — Tuesday, 24 March 2026');
    expect(mail?.text).not.toContain('ld_b_reassigned');
    const order = ['ld_d_overdue', 'ld_c_tomorrow', 'ld_a_may'].map((id) =>
      mail?.text.indexOf(`Lead id: ${id}`),
    );
    expect(order.every((i) => (i ?? -1) >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(mail?.text).toContain('First touch due: 23 Mar 2026, 11:00 (Europe/Berlin) (OVERDUE)');
    expect(mail?.text).toContain('Accept or reject by: 25 Mar 2026, 10:00 (Europe/Berlin)');
    expect(mail?.html).toContain('ld_c_tomorrow');
  });

  it("carries each lead's own one-click links when links can be signed, none otherwise", async () => {
    const { mailer, runAt } = setup();
    await runAt(TUESDAY_0800_BERLIN);
    for (const id of ['ld_d_overdue', 'ld_c_tomorrow', 'ld_a_may']) {
      expect(mailer.sent[0]?.text).toContain(`https://api.example/actions/touch-${id}`);
      expect(mailer.sent[0]?.html).toContain(`https://api.example/actions/touch-${id}`);
    }
    const unsigned = setup({ links: false });
    await unsigned.runAt(TUESDAY_0800_BERLIN);
    expect(unsigned.mailer.sent[0]?.text).not.toContain('/actions/');
  });

  it('is sent once per rep and local day: a retried run and the next hour send nothing', async () => {
    const { mailer, runAt } = setup();
    await runAt(TUESDAY_0800_BERLIN);
    expect(await runAt(TUESDAY_0800_BERLIN)).toEqual({ sent: [], alreadySent: 1, withoutOpenLeads: 1 });
    expect(await runAt(TUESDAY_0900_BERLIN)).toEqual({ sent: [], alreadySent: 0, withoutOpenLeads: 0 });
    expect(mailer.sent).toHaveLength(1);
    // The next business day is a new digest.
    const wednesday = await runAt(WEDNESDAY_0800_BERLIN);
    expect(wednesday.sent).toEqual([
      'rep-digest:2026-03-25:anna#anna@demo.example.com',
      'rep-digest:2026-03-25:dev#dev@demo.example.com',
    ]);
  });

  it("reaches Carla at 08:00 in her own calendar's zone, with her times in it", async () => {
    const { mailer, runAt } = setup();
    const run = await runAt(TUESDAY_0800_NEW_YORK);
    expect(run.sent).toEqual(['rep-digest:2026-03-24:carla#carla@demo.example.com']);
    expect(mailer.sent[0]?.text).toContain('First touch due: 24 Mar 2026, 11:00 (America/New_York)');
  });

  it('sends nothing on a day the calendar is closed', async () => {
    const { mailer, runAt } = setup();
    expect(await runAt(SATURDAY_0800_BERLIN)).toEqual({ sent: [], alreadySent: 0, withoutOpenLeads: 0 });
    expect(mailer.sent).toEqual([]);
  });
});

describe('who is due at a run', () => {
  const due = (at: string, timezone: string, localTime = '08:00') => {
    const c = unitConfig((raw) => ({ ...raw, email: { ...raw.email, repDigest: { localTime } } }));
    const teams = [
      {
        ...c.routing.teams[0]!,
        members: [{ ...c.routing.teams[0]!.members[0]!, calendar: { ...c.calendar, timezone } }],
      },
    ];
    return repDigestsDue(teams, c, new Date(at)).map((d) => d.localDate);
  };

  it('is the first hourly run at or after the local time, also in a half-hour zone', () => {
    // Kolkata is UTC+5:30: the run at 03:00Z is 08:30 there, the one before 07:30.
    expect(due('2026-03-24T02:00:00Z', 'Asia/Kolkata')).toEqual([]);
    expect(due('2026-03-24T03:00:00Z', 'Asia/Kolkata')).toEqual(['2026-03-24']);
    expect(due('2026-03-24T04:00:00Z', 'Asia/Kolkata')).toEqual([]);
  });

  it('follows the configured local time', () => {
    expect(due('2026-03-24T06:30:00Z', 'Europe/Berlin', '07:30')).toEqual(['2026-03-24']);
    expect(due('2026-03-24T07:00:00Z', 'Europe/Berlin', '07:30')).toEqual(['2026-03-24']);
    expect(due('2026-03-24T07:30:00Z', 'Europe/Berlin', '07:30')).toEqual([]);
  });
});
