/**
 * The redrive's parts on their own: reading dead-letter bodies, putting events back under their
 * first id, and what happens when a put, a delete or an execution start fails.
 */
import { describe, expect, it } from 'vitest';
import { type Lead, type LeadStatus, leadStatus } from '../../functions/domain/lead.ts';
import { applyLeadChange, type LeadChange } from '../../functions/domain/lead-change.ts';
import { type FailedLeadPorts, restartFailedLeads } from '../../ops/redrive/failed-leads.ts';
import {
  eventFromBody,
  type ParkedMessage,
  type ParkedSource,
  putEntry,
  redriveParked,
} from '../../ops/redrive/parked-events.ts';
import { formatReport, problemCount } from '../../ops/redrive/report.ts';

const event = (id: string, detail: Record<string, unknown> = { leadId: 'ld_1' }) => ({
  version: '0',
  id,
  source: 'leadflow.sales',
  'detail-type': 'TouchLogged',
  time: '2026-03-23T09:00:00Z',
  resources: [],
  detail,
});

describe('dead-letter bodies', () => {
  it('reads a target DLQ body (the event) and a Lambda failure record (the event at requestPayload)', () => {
    expect(eventFromBody(JSON.stringify(event('e1'))).id).toBe('e1');
    const record = { requestContext: { condition: 'RetriesExhausted' }, requestPayload: event('e2') };
    expect(eventFromBody(JSON.stringify(record)).id).toBe('e2');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no event', JSON.stringify({ hello: 1 }), /neither an EventBridge event/],
    ['a record without an event', JSON.stringify({ requestPayload: 'x' }), /neither/],
    ['an event without a detail object', JSON.stringify({ ...event('e3'), detail: 'x' }), /neither/],
  ])('refuses %s', (_name, body, reason) => {
    expect(() => eventFromBody(body)).toThrow(reason);
  });

  it('puts an event back under its first id unless its detail carries one', () => {
    const entry = putEntry(event('e1'), 'leadflow-demo');
    expect(entry).toMatchObject({
      EventBusName: 'leadflow-demo',
      Source: 'leadflow.sales',
      DetailType: 'TouchLogged',
    });
    expect(JSON.parse(entry.Detail as string)).toEqual({ leadId: 'ld_1', eventId: 'e1' });
    expect(entry.Time).toEqual(new Date('2026-03-23T09:00:00Z'));
    const own = putEntry(event('e2', { leadId: 'ld_1', eventId: 'ld_1:captured' }), 'b');
    expect(JSON.parse(own.Detail as string).eventId).toBe('ld_1:captured');
  });
});

function source(messages: ParkedMessage[], notRemoved: string[] = []) {
  const removed: string[] = [];
  let given = false;
  const src: ParkedSource = {
    name: 'q',
    next: async () => {
      if (given) return [];
      given = true;
      return messages;
    },
    remove: async (ms) => {
      removed.push(...ms.map((m) => m.messageId).filter((id) => !notRemoved.includes(id)));
      return ms
        .filter((m) => notRemoved.includes(m.messageId))
        .map((m) => ({ messageId: m.messageId, error: 'gone' }));
    },
  };
  return { src, removed };
}

describe('redriveParked', () => {
  it('puts an event carried by several messages once and removes them all', async () => {
    const { src, removed } = source([
      { messageId: 'a', event: event('e1') },
      { messageId: 'b', event: event('e1') },
    ]);
    const puts: unknown[] = [];
    const result = await redriveParked(
      src,
      async (e) => {
        puts.push(...e);
        return e.map(() => undefined);
      },
      'bus',
      {
        dryRun: false,
      },
    );
    expect(puts).toHaveLength(1);
    expect(removed).toEqual(['a', 'b']);
    expect(result.redriven.map((m) => m.messageId)).toEqual(['a', 'b']);
  });

  it('keeps what PutEvents refused or threw on, and reports a put message it could not delete', async () => {
    const { src, removed } = source(
      [
        { messageId: 'a', event: event('e1') },
        { messageId: 'b', event: event('e2') },
        { messageId: 'c', event: event('e3') },
      ],
      ['c'],
    );
    const result = await redriveParked(
      src,
      async (entries) =>
        entries.map((e) =>
          JSON.parse(e.Detail as string).eventId === 'e2' ? 'Throttled: slow down' : undefined,
        ),
      'bus',
      { dryRun: false },
    );
    expect(removed).toEqual(['a']);
    expect(result.kept).toEqual([
      expect.objectContaining({ messageId: 'b', reason: 'PutEvents refused it: Throttled: slow down' }),
      expect.objectContaining({ messageId: 'c', reason: 'put back on the bus but not deleted: gone' }),
    ]);
    const thrown = source([{ messageId: 'd', event: event('e4') }]);
    const failed = await redriveParked(thrown.src, () => Promise.reject(new Error('network')), 'bus', {
      dryRun: false,
    });
    expect(failed.kept[0]?.reason).toBe('PutEvents refused it: Error: network');
    expect(thrown.removed).toEqual([]);
  });
});

/** A lead store in memory that behaves like LeadStore for the calls the redrive makes. */
function ports(
  leads: Lead[],
  start: FailedLeadPorts['startExecution'],
): FailedLeadPorts & { leads: { all: Map<string, Lead> } } {
  const all = new Map(leads.map((l) => [l.leadId, l]));
  const now = new Date('2026-03-23T09:00:00Z');
  return {
    now: () => now,
    startExecution: start,
    leads: {
      all,
      async *leadIdsWithStatus(status: LeadStatus) {
        for (const l of all.values()) if (leadStatus(l.stage) === status) yield l.leadId;
      },
      get: async (id) => all.get(id),
      transition: async (id: string, change: LeadChange, at: Date) => {
        const lead = all.get(id) as Lead;
        if (change.onlyFromStages && !change.onlyFromStages.includes(lead.stage))
          throw Object.assign(new Error('The conditional request failed'), {
            name: 'ConditionalCheckFailedException',
          });
        const next = applyLeadChange(lead, change, at);
        all.set(id, next);
        return next;
      },
    },
  };
}

const failedLead = (leadId: string, failure?: Lead['failure']): Lead =>
  ({ leadId, stage: 'failed', timeline: [], version: 3, ...(failure ? { failure } : {}) }) as unknown as Lead;

describe('restartFailedLeads', () => {
  it('parks a lead as failed again when its execution does not start, so a re-run retries it', async () => {
    const p = ports([failedLead('ld_a', { at: '', error: 'x', stage: 'assigned' })], () =>
      Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    );
    const result = await restartFailedLeads(p, { dryRun: false });
    expect(result.restarted).toEqual([]);
    expect(result.failed).toEqual([
      {
        leadId: 'ld_a',
        error: 'ThrottlingException: Rate exceeded; parked as failed again, a re-run retries it',
      },
    ]);
    const lead = p.leads.all.get('ld_a') as Lead;
    expect(lead.stage).toBe('failed');
    expect(lead.timeline.map((e) => e.type)).toEqual(['redriven', 'redrive-failed']);
  });

  it('leaves a failed lead without a failure stage to a person', async () => {
    const started: string[] = [];
    const p = ports([failedLead('ld_b')], async (name) => {
      started.push(name);
      return 'started';
    });
    const result = await restartFailedLeads(p, { dryRun: false });
    expect(result.failed).toEqual([
      { leadId: 'ld_b', error: 'failed without a recorded failure stage: resume it by hand' },
    ]);
    expect(started).toEqual([]);
    const report = { unit: 'demo', target: 'AWS', dryRun: false, events: [], leads: result, errors: [] };
    expect(problemCount(report)).toBe(1);
    expect(formatReport(report)).toMatch('FAILED ld_b: failed without a recorded failure stage');
  });

  it('names the execution <leadId>-r<epoch seconds> and resumes at the stage it failed in', async () => {
    const inputs: unknown[] = [];
    const p = ports([failedLead('ld_c', { at: '', error: 'x', stage: 'nurturing' })], async (name, input) => {
      inputs.push({ name, input });
      return 'started';
    });
    await restartFailedLeads(p, { dryRun: false });
    expect(inputs).toEqual([{ name: 'ld_c-r1774256400', input: { leadId: 'ld_c', resumeAt: 'nurturing' } }]);
    expect(p.leads.all.get('ld_c')?.stage).toBe('nurturing');
  });
});
