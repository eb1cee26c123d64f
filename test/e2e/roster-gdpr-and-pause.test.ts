/**
 * Ops on the local runtime: the roster as data (versioned, effective from the next hand-off
 * and not before), GDPR export and erasure (no personal data left in any item of the table,
 * the execution stopped, an anonymous record kept), and a paused SLA clock (no breach while
 * paused; the deadline moves on by the business time paused). Demo unit, Monday 23 March 2026.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await h.clock.track(() =>
    fetch(`${h.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${h.opsToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
  const text = await response.text();
  await h.settle();
  return { status: response.status, body: text ? JSON.parse(text) : {}, etag: response.headers.get('etag') };
}

async function scanTable(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({ TableName: h.local.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

describe('roster as data', () => {
  it('is versioned, and a change routes the next hand-off, never one already made', async () => {
    const before = await h.captureLead(contactSales('before@kunde.example'));
    expect((await h.getLead(before)).owner?.repId).toBe('anna');

    const roster = await call('GET', '/roster');
    expect(roster.status).toBe(200);
    expect(roster.etag).toBe('"0"');
    const teams = roster.body.teams as Array<{
      id: string;
      members: Array<{ id: string; active?: boolean }>;
    }>;
    // Anna goes inactive: the DACH team's leads go to Ben from now on.
    const changed = teams.map((t) => ({
      ...t,
      members: t.members.map((m) => (m.id === 'anna' ? { ...m, active: false } : m)),
    }));
    expect((await call('PUT', '/roster', { teams: changed })).status).toBe(428);
    expect((await call('PUT', '/roster', { teams: changed }, { 'if-match': '"7"' })).status).toBe(412);
    const invalid = await call(
      'PUT',
      '/roster',
      { teams: [{ ...changed[0], members: [] }] },
      { 'if-match': '"0"' },
    );
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as Array<{ path: string }>)[0]?.path).toBe('teams.0.members');
    const missingTeam = await call(
      'PUT',
      '/roster',
      { teams: changed.filter((t) => t.id === 'dach') },
      { 'if-match': '"0"' },
    );
    expect(missingTeam.status).toBe(400);
    const put = await call('PUT', '/roster', { teams: changed }, { 'if-match': '"0"' });
    expect(put.status).toBe(200);
    expect(put.etag).toBe('"1"');
    expect((await call('PUT', '/roster', { teams: changed }, { 'if-match': '"0"' })).status).toBe(412);

    // Not before: the lead handed off earlier keeps its rep.
    expect((await h.getLead(before)).owner?.repId).toBe('anna');
    // The next hand-offs read version 1.
    for (const email of ['after1@kunde.example', 'after2@kunde.example'])
      expect((await h.getLead(await h.captureLead(contactSales(email)))).owner?.repId).toBe('ben');
  });
});

describe('GDPR', () => {
  const person = contactSales('eva.private@kunde.example', 'DE', {
    phone: '+49 30 1234567',
    message: 'Call me at home',
  });

  it('exports everything about a person, then erases it from every item and stops the workflow', async () => {
    const leadId = await h.captureLead(person);
    await h.postLead(
      { email: 'eva.private@kunde.example', website_url: 'spam', formRenderedAt: 1 },
      {},
      { as: 'browser' },
    );
    await h.settle();

    const exported = await call('GET', '/people/Eva.Private@kunde.example/export');
    expect(exported.status).toBe(200);
    expect(exported.body.lead.profile).toMatchObject({
      email: 'eva.private@kunde.example',
      phone: '+49 30 1234567',
    });
    expect(exported.body.lead.timeline.length).toBeGreaterThan(0);
    expect(exported.body.alerts.length).toBeGreaterThan(0);
    expect(exported.body.quarantined).toHaveLength(1);
    expect(h.local.stepFunctions.execution(leadId)?.status).toBe('RUNNING');

    const erased = await call('DELETE', '/people/eva.private@kunde.example');
    expect(erased.status).toBe(200);
    expect(erased.body.stoppedExecutions).toEqual([leadId]);
    expect(h.local.stepFunctions.execution(leadId)?.status).toBe('ABORTED');

    const items = await scanTable();
    const personal = [leadId, 'eva.private', 'Eva', 'Schmidt', 'Acme', '1234567', 'Call me at home'];
    // Every item, the metrics projection's included: nothing holds the lead id or the person.
    for (const item of items) {
      const text = JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v));
      for (const value of personal) expect(text, `${String(item.pk)} holds ${value}`).not.toContain(value);
    }
    // The scorecard still counts the lead, under its anonymous id.
    const metricsFacts = items.filter((i) => String(i.pk).startsWith('METRICS#FACTS#'));
    expect(metricsFacts.map((i) => i.pk)).toEqual([`METRICS#FACTS#${erased.body.anonymousId}`]);
    expect(
      items.some((i) => String(i.pk).startsWith('METRICS#DAY#') && i.leadId === erased.body.anonymousId),
    ).toBe(true);
    const anonymous = items.filter((i) => i.gsi1pk === 'ERASED');
    expect(anonymous).toHaveLength(1);
    expect(anonymous[0]).toMatchObject({ stage: 'assigned', intent: 'contact-sales', repId: 'anna' });

    // Time goes on: the stopped workflow never writes the lead again.
    await h.runUntil('2026-03-24T12:00:00Z');
    expect((await scanTable()).some((i) => i.pk === `LEAD#${leadId}`)).toBe(false);
    expect((await call('DELETE', '/people/eva.private@kunde.example')).status).toBe(404);
    expect((await call('GET', '/people/not-an-email/export')).status).toBe(400);
  });
});

describe('SLA pause', () => {
  it('sends no breach while paused, and moves the deadline on by the business time paused', async () => {
    const leadId = await h.captureLead(contactSales('paused@kunde.example'));
    expect((await h.getLead(leadId)).sla?.followUpDueAt).toBe('2026-03-23T10:00:00.000Z');
    await h.runUntil('2026-03-23T09:30:00Z');
    expect(
      (await call('POST', `/leads/${leadId}/sla/pause`, { reason: 'Asked for a call next week' })).status,
    ).toBe(200);
    expect((await call('POST', `/leads/${leadId}/sla/pause`, {})).status).toBe(409);
    await h.runUntil('2026-03-23T13:00:00Z');
    const breached = (await h.emails()).filter((m) => /breach/i.test(m.subject));
    expect(breached).toHaveLength(0);

    const resumed = await call('POST', `/leads/${leadId}/sla/resume`);
    expect(resumed.status).toBe(200);
    // 30 business minutes were left at 09:30 (10:30 Berlin); resumed at 13:00 UTC: due 13:30.
    expect((await h.getLead(leadId)).sla?.followUpDueAt).toBe('2026-03-23T13:30:00.000Z');
    expect(h.path(leadId).filter((s) => s === 'FirstTouchOverdue').length).toBeGreaterThan(0);
    await h.runUntil('2026-03-23T13:29:00Z');
    expect((await h.emails()).filter((m) => /breach/i.test(m.subject))).toHaveLength(0);
    await h.runUntil('2026-03-23T13:31:00Z');
    expect((await h.emails()).filter((m) => /breach/i.test(m.subject)).length).toBeGreaterThan(0);
  });
});
