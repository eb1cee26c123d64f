/**
 * The ends of a lifecycle against in-memory ports: Disqualify, Outcome (won / lost) and
 * RecordFailure, each freeing the rep only when the lead still held them.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Lead, Stage } from '../../functions/domain/lead.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { ANNA, HOT, HOT_ID, MARA, MONDAY_10, OPS, reload } from './fixtures.ts';

const NOW = MONDAY_10;
const annaOwns = { repId: 'anna', name: 'Anna Becker', email: ANNA, teamId: 'dach', managerEmail: MARA };

/** A lead in `stage` owned by Anna, counted in her load. */
async function heldBy(ports: InMemoryPorts, stage: Stage, change: Partial<Lead> = {}) {
  const lead = await storedLead(ports, HOT, { stage, owner: annaOwns, ...change });
  await ports.routing.reserve('anna', HOT_ID, 20);
  return lead;
}

describe('Disqualify', () => {
  const previous = { decision: 'disqualify' as const, reason: 'competitor' };

  it('ends the lead as disqualified with the reason on its timeline and in LeadDisqualified', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    expect(await runStep(ports, 'Disqualify', HOT_ID, { previous })).toEqual({ decision: 'done' });
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('disqualified');
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'disqualified',
      summary: 'Disqualified: competitor',
    });
    expect(ports.events.published).toEqual([
      {
        name: 'LeadDisqualified',
        leadId: HOT_ID,
        eventId: `${HOT_ID}:disqualified`,
        data: { reason: 'competitor' },
        occurredAt: NOW,
      },
    ]);
    expect(ports.mailer.grouped()).toEqual([]);
  });

  it.each(['assigned', 'touched', 'accepted'] as const)(
    'frees the rep of a lead held in stage %s',
    async (stage) => {
      const ports = inMemoryPorts({ now: NOW });
      await heldBy(ports, stage);
      await runStep(ports, 'Disqualify', HOT_ID, { previous });
      expect(ports.routing.leadsOf('anna')).toEqual([]);
    },
  );

  it.each(['captured', 'nurturing', 'qualified', 'recycled'] as const)(
    'leaves the load alone in stage %s, where the rep no longer holds the lead',
    async (stage) => {
      const ports = inMemoryPorts({ now: NOW });
      await heldBy(ports, stage);
      await runStep(ports, 'Disqualify', HOT_ID, { previous });
      expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);
    },
  );

  it('releases nobody for a held lead owned by the fallback queue', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, {
      stage: 'assigned',
      owner: { name: 'Sales queue', email: 'q@x.example', fallback: true },
    });
    const release = vi.spyOn(ports.routing, 'release');
    await runStep(ports, 'Disqualify', HOT_ID, { previous });
    expect(release).not.toHaveBeenCalled();
    expect((await reload(ports, HOT_ID)).stage).toBe('disqualified');
  });
});

describe('Outcome', () => {
  it('closes a won lead, frees the rep and publishes LeadConverted', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'accepted');
    const previous = { decision: 'closed' as const, result: 'won' as const };
    expect(await runStep(ports, 'Outcome', HOT_ID, { previous })).toEqual({ decision: 'done' });
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('won');
    expect(lead.outcome).toEqual({ result: 'won', at: NOW });
    expect(lead.timeline.at(-1)).toEqual({ at: NOW, type: 'won', summary: 'Closed won' });
    expect(ports.events.published.map((e) => [e.name, e.eventId, e.data])).toEqual([
      ['LeadConverted', `${HOT_ID}:converted`, { result: 'won' }],
    ]);
    expect(ports.routing.leadsOf('anna')).toEqual([]);
  });

  it('closes a lost lead with its reason', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'accepted');
    const previous = { decision: 'closed' as const, result: 'lost' as const, reason: 'budget frozen' };
    expect(await runStep(ports, 'Outcome', HOT_ID, { previous })).toEqual({ decision: 'done' });
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('lost');
    expect(lead.outcome).toEqual({ result: 'lost', at: NOW, reason: 'budget frozen' });
    expect(lead.timeline.at(-1)).toMatchObject({ type: 'lost', summary: 'Closed lost: budget frozen' });
    expect(ports.events.published[0]?.data).toEqual({ result: 'lost', reason: 'budget frozen' });
    expect(ports.routing.leadsOf('anna')).toEqual([]);
  });

  const won = { decision: 'closed' as const, result: 'won' as const };

  it('closes an accepted lead without reading it first', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'accepted');
    const get = vi.spyOn(ports.leads, 'get');
    const getWithWaits = vi.spyOn(ports.leads, 'getWithWaits');
    await runStep(ports, 'Outcome', HOT_ID, { previous: won });
    expect(get).not.toHaveBeenCalled();
    expect(getWithWaits).not.toHaveBeenCalled();
    expect((await reload(ports, HOT_ID)).stage).toBe('won');
  });

  it('a retry after the write frees the rep it could not free and writes nothing twice', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'accepted');
    vi.spyOn(ports.routing, 'release').mockRejectedValueOnce(new Error('Rate exceeded'));
    await expect(runStep(ports, 'Outcome', HOT_ID, { previous: won })).rejects.toThrow('Rate exceeded');
    const written = await reload(ports, HOT_ID);
    expect(written.stage).toBe('won');
    expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);
    expect(await runStep(ports, 'Outcome', HOT_ID, { previous: won })).toEqual({ decision: 'done' });
    expect(await reload(ports, HOT_ID)).toEqual(written);
    expect(ports.routing.leadsOf('anna')).toEqual([]);
    expect(new Set(ports.events.published.map((e) => e.eventId))).toEqual(new Set([`${HOT_ID}:converted`]));
  });

  it('closes a lead found in another stage from that stage', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'touched');
    expect(await runStep(ports, 'Outcome', HOT_ID, { previous: won })).toEqual({ decision: 'done' });
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('won');
    expect(lead.timeline.filter((e) => e.type === 'won')).toHaveLength(1);
    expect(ports.routing.leadsOf('anna')).toEqual([]);
  });
});

describe('RecordFailure', () => {
  it('parks the lead as failed, keeps the error and the stage it failed in, and tells ops once', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const stored = await heldBy(ports, 'assigned');
    const error = { Error: 'Lambda.Unknown', Cause: 'store unavailable' };
    expect(await runStep(ports, 'RecordFailure', HOT_ID, { error })).toEqual({ decision: 'failed' });
    const lead = await reload(ports, HOT_ID);
    const message = 'Lambda.Unknown: store unavailable';
    expect(lead.stage).toBe('failed');
    expect(lead.failure).toEqual({ at: NOW, error: message, stage: 'assigned' });
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'failed',
      summary: `Lifecycle step failed in stage assigned: ${message}`,
    });
    expect(ports.events.published.map((e) => [e.name, e.eventId, e.data])).toEqual([
      // Keyed by the stage and the execution that failed, so a retry repeats neither.
      [
        'LifecycleFailed',
        `${HOT_ID}:failed:assigned:${stored.createdAt}`,
        { stage: 'assigned', error: message },
      ],
    ]);
    expect(ports.mailer.grouped().map((m) => [m.to, m.subject])).toEqual([
      [[OPS], `Leadflow could not process lead ${HOT_ID}`],
    ]);
    expect(ports.mailer.grouped()[0]?.text).toContain(`A lifecycle step failed after retries: ${message}.`);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual([`failure-assigned:${stored.createdAt}`]);
  });

  it('names an error without a name or cause plainly, and cuts a long cause at 500 characters', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT);
    await runStep(ports, 'RecordFailure', HOT_ID, { error: {} });
    expect((await reload(ports, HOT_ID)).failure).toMatchObject({ error: 'Error: ', stage: 'captured' });

    const other = inMemoryPorts({ now: NOW });
    await storedLead(other, HOT);
    await runStep(other, 'RecordFailure', HOT_ID, {
      error: { Error: 'Boom', Cause: `${'x'.repeat(500)}TAIL` },
    });
    expect((await reload(other, HOT_ID)).failure?.error).toBe(`Boom: ${'x'.repeat(500)}`);
  });

  it('ends as failed without writing anything when the lead does not exist', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await runStep(ports, 'RecordFailure', 'ld_missing', { error: { Error: 'X' } })).toEqual({
      decision: 'failed',
    });
    expect(await ports.leads.get('ld_missing')).toBeUndefined();
    expect(ports.events.published).toEqual([]);
    expect(ports.mailer.grouped()).toEqual([]);
  });

  it('frees the rep of a lead that failed while held', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'touched');
    await runStep(ports, 'RecordFailure', HOT_ID, { error: { Error: 'X' } });
    expect(ports.routing.leadsOf('anna')).toEqual([]);
  });

  it('a retried RecordFailure keeps the stage the lead failed in and mails ops once', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await heldBy(ports, 'touched');
    await runStep(ports, 'RecordFailure', HOT_ID, { error: { Error: 'X' } });
    await runStep(ports, 'RecordFailure', HOT_ID, { error: { Error: 'X' } });
    expect((await reload(ports, HOT_ID)).failure?.stage).toBe('touched');
    expect(ports.mailer.subjectsTo(OPS)).toHaveLength(1);
  });
});
