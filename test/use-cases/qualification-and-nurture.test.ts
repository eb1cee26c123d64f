/**
 * Qualify, NurtureCheck and Recycle against in-memory ports: what each decides, what it
 * stores on the lead and its timeline, and which events it publishes.
 */
import { describe, expect, it, vi } from 'vitest';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { targetOf } from '../../workflows/lifecycle-contract.ts';
import { inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import { ANNA, at, DAY, entriesAfter, HOT, HOT_ID, handedOff, MONDAY_10, reload, WARM } from './fixtures.ts';

const NOW = MONDAY_10;
const WEEK_SECONDS = 7 * 86_400;
const WARM_ID = 'ld_max_acme_example';
/** Hand-raiser with a free-mail address: fit 45 (title, company, size), so SQL only with 15 engagement points. */
const FREE_MAIL_CEO = {
  email: 'ceo@gmail.com',
  company: 'Acme GmbH',
  jobTitle: 'CEO',
  companySize: 200,
  intent: 'demo',
};
const FREE_MAIL_REASONS =
  "Asked for sales contact (intent 'demo') but free-mail address (gmail.com); Score 60 reached the SQL threshold 60";

/** An SQL is handed off in the same step: Start answers with the first-touch wait. */
const HANDED_OFF = { decision: 'assigned', timeoutSeconds: expect.any(Number) };

describe('Start', () => {
  it('scores an SQL, qualifies it and starts the lifecycle and execution clocks in one write, then hands it off', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual(HANDED_OFF);
    const lead = await reload(ports, HOT_ID);
    expect(lead.score).toMatchObject({ total: 40, fit: 40, engagement: 0, scoredAt: NOW });
    expect(lead.score?.breakdown.map((b) => b.id)).toEqual(['senior-title', 'business-email', 'has-company']);
    expect(lead).toMatchObject({ stage: 'assigned', lifecycleStartedAt: NOW, executionStartedAt: NOW });
    // Qualified in one write (version 2), then handed off (version 3).
    expect(lead.version).toBe(3);
    expect(lead.timeline.at(-1)?.type).toBe('assigned');
    expect(lead.timeline.slice(-3, -1)).toEqual([
      {
        at: NOW,
        type: 'scored',
        summary: 'Scored 40 (fit 40, engagement 0)',
        data: { breakdown: lead.score?.breakdown },
      },
      {
        at: NOW,
        type: 'qualified',
        summary: "Sales-qualified: Asked for sales contact (intent 'contact-sales')",
      },
    ]);
    expect(ports.events.published).toEqual([
      {
        name: 'LeadScored',
        leadId: HOT_ID,
        eventId: `${HOT_ID}:scored:1`,
        data: { total: 40, fit: 40, engagement: 0 },
        occurredAt: NOW,
      },
      expect.objectContaining({
        name: 'LeadQualified',
        eventId: `${HOT_ID}:qualified:1`,
        data: { reasons: ["Asked for sales contact (intent 'contact-sales')"] },
      }),
      expect.objectContaining({ name: 'LeadAssigned' }),
    ]);
  });

  it('counts engagement and keeps lifecycleStartedAt on a later execution, restarting executionStartedAt', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, {
      engagements: [{ type: 'email-clicked', at: NOW }],
      lifecycleStartedAt: '2025-01-01T00:00:00.000Z',
      executionStartedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual(HANDED_OFF);
    const lead = await reload(ports, HOT_ID);
    expect(lead.lifecycleStartedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(lead.executionStartedAt).toBe(NOW);
    expect(entriesAfter(lead, 1)[0]).toEqual(['scored', 'Scored 45 (fit 40, engagement 5)']);
    expect(ports.events.published[0]?.data).toEqual({ total: 45, fit: 40, engagement: 5 });
  });

  it('lists every reason of an SQL whose hand-raise did not count but whose score did', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const lead = await storedLead(ports, FREE_MAIL_CEO, {
      engagements: [{ type: 'pricing-page-visited', at: NOW }],
    });
    expect(await runStep(ports, 'Start', lead.leadId, {})).toEqual(HANDED_OFF);
    expect((await reload(ports, lead.leadId)).timeline.at(-2)?.summary).toBe(
      `Sales-qualified: ${FREE_MAIL_REASONS}`,
    );
  });

  it('disqualifies a competitor with the rule reason, keeping only its score', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const lead = await storedLead(ports, { ...HOT, email: 'spy@rivalcorp.example', company: 'rivalcorp' });
    expect(await runStep(ports, 'Start', lead.leadId, {})).toEqual({
      decision: 'disqualify',
      reason: 'competitor',
    });
    const after = await reload(ports, lead.leadId);
    expect(after.stage).toBe('captured');
    expect(after.score?.total).toBe(40);
    expect(entriesAfter(after, 1)).toEqual([['scored', 'Scored 40 (fit 40, engagement 0)']]);
    expect(ports.events.published.map((e) => e.name)).toEqual(['LeadScored']);
  });

  it('nurtures an MQL for one check interval, bounded by maxNurtureDays', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM);
    const until = at(NOW, 90 * DAY);
    expect(await runStep(ports, 'Start', WARM_ID, {})).toEqual({
      decision: 'nurture',
      timeoutSeconds: WEEK_SECONDS,
    });
    const lead = await reload(ports, WARM_ID);
    expect(lead.stage).toBe('nurturing');
    expect(lead.score?.total).toBe(20);
    expect(lead.sla).toEqual({ nurtureStartedAt: NOW, nurtureUntil: until });
    expect(entriesAfter(lead, 1)).toEqual([
      ['scored', 'Scored 20 (fit 20, engagement 0)'],
      ['nurturing', 'Nurturing (MQL): Score 20 is below the SQL threshold 60'],
    ]);
    expect(ports.events.published).toEqual([
      expect.objectContaining({ name: 'LeadScored', eventId: `${WARM_ID}:scored:1` }),
      expect.objectContaining({
        name: 'LeadNurtured',
        leadId: WARM_ID,
        eventId: `${WARM_ID}:nurtured:1`,
        data: { level: 'mql', until },
      }),
    ]);
  });

  it('nurtures a cold lead at level LEAD with both reasons', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const stored = await storedLead(ports, { email: 'joe@gmail.com' });
    await runStep(ports, 'Start', stored.leadId, {});
    const lead = await reload(ports, stored.leadId);
    expect(lead.timeline.at(-1)?.summary).toBe(
      'Nurturing (LEAD): Score 0 is below the SQL threshold 60; Score 0 is below the MQL threshold 20',
    );
    expect(ports.events.published.find((e) => e.name === 'LeadNurtured')?.data).toMatchObject({
      level: 'lead',
    });
  });

  it('does not re-qualify a lead sales rejected by its old hand-raise intent', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { rejection: { reason: 'no budget', at: NOW } });
    expect(await runStep(ports, 'Start', HOT_ID, {})).toEqual({
      decision: 'nurture',
      timeoutSeconds: WEEK_SECONDS,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.timeline.at(-1)?.summary).toBe('Nurturing (MQL): Score 40 is below the SQL threshold 60');
  });

  // A retry finds the lead past capture and enters at its stage: same next state, same wait.
  it.each([
    [
      'an SQL',
      HOT,
      HOT_ID,
      HANDED_OFF,
      { decision: 'await-first-touch', timeoutSeconds: expect.any(Number) },
    ],
    [
      'a nurtured lead',
      WARM,
      WARM_ID,
      { decision: 'nurture', timeoutSeconds: WEEK_SECONDS },
      { decision: 'nurture', timeoutSeconds: WEEK_SECONDS },
    ],
    [
      'a disqualified lead',
      { ...HOT, email: 'spy@rivalcorp.example', company: 'rivalcorp' },
      'ld_spy_rivalcorp_example',
      { decision: 'disqualify', reason: 'competitor' },
      { decision: 'disqualify', reason: 'competitor' },
    ],
  ])(
    'retried after its write landed, answers for %s again and writes and publishes nothing',
    async (_, profile, id, decision, retried) => {
      const ports = inMemoryPorts({ now: NOW });
      await storedLead(ports, profile);
      expect(await runStep(ports, 'Start', id, {})).toEqual(decision);
      const written = await reload(ports, id);
      const published = ports.events.published.length;
      expect(await runStep(ports, 'Start', id, {})).toEqual(retried);
      expect(targetOf('Start', retried.decision)).toBe(targetOf('Start', decision.decision));
      expect(await reload(ports, id)).toEqual(written);
      expect(ports.events.published).toHaveLength(published);
    },
  );
});

describe('NurtureCheck', () => {
  const nurtured = (startedDaysAgo?: number) => ({
    stage: 'nurturing' as const,
    sla: startedDaysAgo === undefined ? {} : { nurtureStartedAt: at(NOW, -startedDaysAgo * DAY) },
  });

  it('re-scores a lead woken by engagement, publishes LeadScored and keeps nurturing', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { ...nurtured(10), engagements: [{ type: 'email-clicked', at: NOW }] });
    expect(await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'engaged' } })).toEqual({
      decision: 'keep-nurturing',
      timeoutSeconds: WEEK_SECONDS,
    });
    const lead = await reload(ports, WARM_ID);
    expect(lead.stage).toBe('nurturing');
    expect(lead.score).toMatchObject({ total: 25, fit: 20, engagement: 5, scoredAt: NOW });
    expect(entriesAfter(lead, 1)).toEqual([['rescored', 'Re-scored after engagement: 25']]);
    expect(ports.events.published).toEqual([
      expect.objectContaining({
        name: 'LeadScored',
        eventId: `${WARM_ID}:rescored:1`,
        data: { total: 25, fit: 20, engagement: 5 },
      }),
    ]);
  });

  it('after a timed-out wait only refreshes the score: no timeline entry, no event', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { ...nurtured(10), engagements: [{ type: 'email-clicked', at: NOW }] });
    const previous = { decision: 'keep-nurturing' as const, timeoutSeconds: WEEK_SECONDS };
    expect(await runStep(ports, 'NurtureCheck', WARM_ID, { previous })).toEqual({
      decision: 'keep-nurturing',
      timeoutSeconds: WEEK_SECONDS,
    });
    const lead = await reload(ports, WARM_ID);
    expect(lead.timeline).toHaveLength(1);
    expect(lead.score?.total).toBe(25);
    expect(ports.events.published).toEqual([]);
  });

  it('waits only until nurtureUntil when that comes before the next weekly check', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, nurtured(85));
    expect(
      await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'nurture', timeoutSeconds: 1 } }),
    ).toEqual({ decision: 'keep-nurturing', timeoutSeconds: 5 * 86_400 });
  });

  it.each([
    ['no nurture start', {}],
    ['no SLA facts at all', undefined],
  ])('starts the nurture clock now for a lead with %s', async (_, sla) => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'nurturing', sla });
    expect(
      await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'nurture', timeoutSeconds: 1 } }),
    ).toEqual({ decision: 'keep-nurturing', timeoutSeconds: WEEK_SECONDS });
  });

  it('qualifies a nurtured lead whose engagement reached the SQL threshold', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { ...nurtured(10), engagements: [{ type: 'demo-requested', at: NOW }] });
    expect(await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'engaged' } })).toEqual({
      decision: 'qualified',
    });
    const lead = await reload(ports, WARM_ID);
    expect(lead.stage).toBe('qualified');
    expect(entriesAfter(lead, 1)).toEqual([
      ['rescored', 'Re-scored after engagement: 60'],
      ['qualified', 'Sales-qualified while nurtured: Score 60 reached the SQL threshold 60'],
    ]);
    expect(ports.events.published.map((e) => [e.name, e.eventId, e.data])).toEqual([
      ['LeadScored', `${WARM_ID}:rescored:1`, { total: 60, fit: 20, engagement: 40 }],
      ['LeadQualified', `${WARM_ID}:qualified:1`, { reasons: ['Score 60 reached the SQL threshold 60'] }],
    ]);
  });

  it('re-qualifies a lead rejected earlier only through new engagement', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, {
      ...nurtured(10),
      rejection: { reason: 'no budget', at: NOW },
      engagements: [{ type: 'demo-requested', at: NOW }],
    });
    expect(
      await runStep(ports, 'NurtureCheck', HOT_ID, { previous: { decision: 'nurture', timeoutSeconds: 1 } }),
    ).toEqual({ decision: 'qualified' });
    const lead = await reload(ports, HOT_ID);
    expect(entriesAfter(lead, 1)).toEqual([
      ['qualified', 'Sales-qualified while nurtured: Score 80 reached the SQL threshold 60'],
    ]);
    expect(ports.events.names()).toEqual(['LeadQualified']);
  });

  it('lists every reason when a nurtured lead qualifies', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const stored = await storedLead(ports, FREE_MAIL_CEO, {
      ...nurtured(10),
      engagements: [{ type: 'pricing-page-visited', at: NOW }],
    });
    const previous = { decision: 'nurture' as const, timeoutSeconds: 1 };
    expect(await runStep(ports, 'NurtureCheck', stored.leadId, { previous })).toEqual({
      decision: 'qualified',
    });
    expect((await reload(ports, stored.leadId)).timeline.at(-1)?.summary).toBe(
      `Sales-qualified while nurtured: ${FREE_MAIL_REASONS}`,
    );
  });

  it('disqualifies a nurtured lead as soon as a disqualify rule matches', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const stored = await storedLead(
      ports,
      { email: 'x@rivalcorp.example', company: 'RivalCorp' },
      nurtured(10),
    );
    expect(
      await runStep(ports, 'NurtureCheck', stored.leadId, { previous: { decision: 'engaged' } }),
    ).toEqual({
      decision: 'disqualify',
      reason: 'competitor',
    });
    expect((await reload(ports, stored.leadId)).stage).toBe('nurturing');
  });

  it('disqualifies a lead nurtured for maxNurtureDays without qualifying', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, nurtured(90));
    expect(
      await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'nurture', timeoutSeconds: 1 } }),
    ).toEqual({ decision: 'disqualify', reason: 'Nurtured for 90 days without qualifying' });
  });

  it("recycles an expired lead when the unit's onExpiry is 'recycle'", async () => {
    const config = unitConfig((c) => ({ ...c, nurture: { ...c.nurture, onExpiry: 'recycle' } }));
    const ports = inMemoryPorts({ now: NOW, config });
    await storedLead(ports, WARM, nurtured(91));
    expect(
      await runStep(ports, 'NurtureCheck', WARM_ID, { previous: { decision: 'nurture', timeoutSeconds: 1 } }),
    ).toEqual({ decision: 'recycle', reason: 'nurture-expired' });
  });
});

describe('Recycle', () => {
  it('after a rejection frees the rep, keeps the reason and nurtures the lead again', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const assigned = await handedOff(ports);
    await ports.leads.transition(HOT_ID, { stage: 'touched' }, ports.clock.now());
    ports.clock.set(at(NOW, 2 * 60 * 60_000));
    const now = ports.clock.now().toISOString();
    const version = assigned.version + 1;
    expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);

    const outcome = await runStep(ports, 'Recycle', HOT_ID, {
      previous: { decision: 'rejected', reason: 'no budget' },
    });
    expect(outcome).toEqual({ decision: 'nurture', timeoutSeconds: WEEK_SECONDS });
    expect(ports.routing.leadsOf('anna')).toEqual([]);
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('nurturing');
    expect(lead.rejection).toEqual({ reason: 'no budget', at: now, by: ANNA });
    expect(lead.sla).toMatchObject({ nurtureStartedAt: now, nurtureUntil: at(now, 90 * DAY) });
    expect(entriesAfter(lead, assigned.timeline.length)).toEqual([
      ['recycled', 'Rejected by Anna Becker: no budget; recycled to nurture'],
      ['nurturing', 'Nurturing again after recycle (no budget)'],
    ]);
    expect(ports.events.published.slice(1).map((e) => [e.name, e.eventId, e.data])).toEqual([
      [
        'LeadRejected',
        `${HOT_ID}:rejected:${version}`,
        { owner: { repId: 'anna', teamId: 'dach' }, reason: 'no budget' },
      ],
      ['LeadRecycled', `${HOT_ID}:recycled:${version}`, { reason: 'no budget' }],
      ['LeadNurtured', `${HOT_ID}:nurtured:${version}`, { level: 'recycled', until: at(now, 90 * DAY) }],
    ]);
  });

  it('after a rejection of an unowned lead names sales as the rejecter', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'touched' });
    const release = vi.spyOn(ports.routing, 'release');
    await runStep(ports, 'Recycle', HOT_ID, { previous: { decision: 'rejected', reason: 'duplicate' } });
    expect(release).not.toHaveBeenCalled();
    const lead = await reload(ports, HOT_ID);
    expect(lead.rejection).toEqual({ reason: 'duplicate', at: NOW });
    expect(lead.timeline.at(-2)?.summary).toBe('Rejected by sales: duplicate; recycled to nurture');
  });

  it('after nurture ran out recycles without a rejection and leaves any rep load alone', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, {
      stage: 'nurturing',
      owner: { repId: 'anna', name: 'Anna Becker', email: ANNA, teamId: 'dach' },
    });
    await ports.routing.reserve('anna', WARM_ID, 20);
    const outcome = await runStep(ports, 'Recycle', WARM_ID, {
      previous: { decision: 'recycle', reason: 'nurture-expired' },
    });
    expect(outcome).toEqual({ decision: 'nurture', timeoutSeconds: WEEK_SECONDS });
    expect(ports.routing.leadsOf('anna')).toEqual([WARM_ID]);
    const lead = await reload(ports, WARM_ID);
    expect(lead.rejection).toBeUndefined();
    expect(entriesAfter(lead, 1)).toEqual([
      ['recycled', 'Recycled: nurture-expired'],
      ['nurturing', 'Nurturing again after recycle (nurture-expired)'],
    ]);
    expect(ports.events.names()).toEqual(['LeadRecycled', 'LeadNurtured']);
  });
});
