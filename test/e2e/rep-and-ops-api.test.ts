/**
 * The rep and ops APIs end to end on the local runtime (the synthesized routes, the JWT
 * authorizer, the real handlers and state machine): the authorization matrix, a rep working a
 * lead to won through the API, ops search with cursor paging, the timeline and reassignment.
 * Demo unit; Monday 23 March 2026, 10:00 in Berlin: DE leads go to the DACH team (Anna, Ben).
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

const token = (options: Parameters<typeof h.local.issuer.issueToken>[0]) =>
  h.local.issuer.issueToken(options);
const anna = () => token({ role: 'rep', email: 'anna@demo.example.com' });
const ben = () => token({ role: 'rep', sub: 'ben' });
const noRole = () => token({ role: 'ops', email: 'x@demo.example.com', rolesClaim: 'custom:roles' });

async function call(
  method: string,
  path: string,
  bearer?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await h.clock.track(() =>
    fetch(`${h.url}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
  const text = await response.text();
  await h.settle();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

const touch = { channel: 'call', occurredAt: '2026-03-23T09:05:00Z', topics: ['pricing'] };

describe('authorization matrix', () => {
  it('401 without a valid token, 404 without a role or on another rep’s lead, ops allowed', async () => {
    const leadId = await h.captureLead(contactSales('lena@kunde.example'));
    expect((await h.getLead(leadId)).owner?.repId).toBe('anna');
    const [annaToken, benToken, roleless] = await Promise.all([anna(), ben(), noRole()]);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/me/leads'],
      ['POST', `/leads/${leadId}/touches`, touch],
      ['POST', `/leads/${leadId}/accept`, {}],
      ['GET', '/leads'],
      ['GET', `/leads/${leadId}/timeline`],
      ['POST', `/leads/${leadId}/reassign`, {}],
      ['POST', `/leads/${leadId}/sla/pause`, {}],
      ['GET', '/roster'],
      ['GET', '/people/lena@kunde.example/export'],
      ['DELETE', '/people/lena@kunde.example'],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(method, path, undefined, body)).status, `${method} ${path} without a token`).toBe(
        401,
      );
      expect((await call(method, path, 'x.y.z', body)).status, `${method} ${path} with a bad token`).toBe(
        401,
      );
      const none = await call(method, path, roleless, body);
      expect(none.status, `${method} ${path} without a role`).toBe(404);
      expect(none.headers.get('content-type')).toBe('application/problem+json');
    }
    // Another rep: the lead is not there for them, and nothing changes.
    for (const action of ['touches', 'accept', 'outcome']) {
      const body = action === 'touches' ? touch : action === 'outcome' ? { result: 'won' } : {};
      expect((await call('POST', `/leads/${leadId}/${action}`, benToken, body)).status).toBe(404);
    }
    expect((await call('GET', '/leads', benToken)).status).toBe(404);
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    // The owner and ops are allowed.
    expect((await call('GET', '/me/leads', annaToken)).status).toBe(200);
    expect((await call('GET', `/leads/${leadId}/timeline`, h.opsToken)).status).toBe(200);
    expect((await call('POST', `/leads/${leadId}/touches`, annaToken, touch)).status).toBe(202);
  });
});

describe('rep API', () => {
  it('lists my open leads with their deadlines and works one to won, each step moving the workflow', async () => {
    const first = await h.captureLead(contactSales('first@kunde.example'));
    h.clock.advance(60_000);
    await h.captureLead(contactSales('second@kunde.example')); // Ben's turn
    h.clock.advance(60_000);
    const third = await h.captureLead(contactSales('third@kunde.example'));
    const annaToken = await anna();
    const queue = await call('GET', '/me/leads', annaToken);
    const leads = queue.body.leads as Array<{ leadId: string; deadline: { kind: string; dueAt: string } }>;
    expect(leads.map((l) => l.leadId)).toEqual([first, third]);
    expect(leads[0]?.deadline).toMatchObject({ kind: 'first-touch', dueAt: '2026-03-23T10:00:00.000Z' });

    const key = { 'idempotency-key': 'touch-1' };
    expect((await call('POST', `/leads/${first}/touches`, annaToken, touch, key)).status).toBe(202);
    expect((await call('POST', `/leads/${first}/touches`, annaToken, touch, key)).body.status).toBe(
      'duplicate',
    );
    let lead = await h.getLead(first);
    expect(lead.stage).toBe('touched');
    expect(lead.sla?.touchAttempts).toBe(1);
    expect(lead.timeline.some((e) => e.type === 'touch' && e.summary.includes('pricing'))).toBe(true);

    const badReason = await call('POST', `/leads/${first}/reject`, annaToken, { reason: 'Bored' });
    expect(badReason.status).toBe(400);
    expect(badReason.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    expect((await call('POST', `/leads/${first}/accept`, annaToken, {})).status).toBe(202);
    expect(
      (await call('POST', `/leads/${first}/outcome`, annaToken, { result: 'won', amount: 12000 })).status,
    ).toBe(202);
    lead = await h.getLead(first);
    expect(lead.stage).toBe('won');
    expect(h.path(first)).toContain('AwaitOutcome');
    // Closed: off the queue, and a second outcome is refused.
    expect(((await call('GET', '/me/leads', annaToken)).body.leads as unknown[]).length).toBe(1);
    expect((await call('POST', `/leads/${first}/outcome`, annaToken, { result: 'lost' })).status).toBe(409);
  });

  it('rejects with a reason from the unit’s list, recycling the lead', async () => {
    const leadId = await h.captureLead(contactSales('nope@kunde.example'));
    const reason = h.local.config.sla.rejectionReasons[1];
    const response = await call('POST', `/leads/${leadId}/reject`, await anna(), { reason, note: 'Q3' });
    expect(response.status).toBe(202);
    const lead = await h.getLead(leadId);
    expect(['recycled', 'nurturing']).toContain(lead.stage);
    expect(lead.timeline.some((e) => e.summary.includes(`${reason}: Q3`))).toBe(true);
  });
});

describe('ops API', () => {
  it('pages through a search with an opaque cursor, and refuses a forged one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await h.captureLead(
          contactSales(`p${i}@kunde.example`, 'DE', { utm: { source: i % 2 ? 'ads' : 'web' } }),
        ),
      );
      h.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call(
        'GET',
        `/leads?stage=assigned&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        h.opsToken,
      );
      expect(page.status).toBe(200);
      const leads = page.body.leads as Array<{ leadId: string }>;
      expect(leads.length).toBeLessThanOrEqual(2);
      seen.push(...leads.map((l) => l.leadId));
      cursor = page.body.cursor as string | undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(pages).toBeGreaterThanOrEqual(3);

    // Round robin: p0 Anna, p1 Ben, p2 Anna, p3 Ben, p4 Anna; p1 and p3 came from ads.
    const ads = await call('GET', '/leads?source=ads&owner=ben', h.opsToken);
    expect((ads.body.leads as Array<{ leadId: string }>).map((l) => l.leadId)).toEqual([ids[1], ids[3]]);
    const annas = await call('GET', '/leads?owner=anna@demo.example.com&team=dach', h.opsToken);
    expect((annas.body.leads as Array<{ leadId: string }>).map((l) => l.leadId)).toEqual([
      ids[0],
      ids[2],
      ids[4],
    ]);

    const first = await call('GET', '/leads?limit=1', h.opsToken);
    const real = JSON.parse(Buffer.from(String(first.body.cursor), 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...real, gsi1pk: 'LEADS#closed' })).toString('base64url');
    for (const bad of ['not-base64!', forged, Buffer.from('{"pk":"x"}').toString('base64url')]) {
      const response = await call('GET', `/leads?cursor=${encodeURIComponent(bad)}`, h.opsToken);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    }
    const invalid = await call('GET', '/leads?stage=won&overdue=true&limit=0', h.opsToken);
    expect((invalid.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual([
      'limit',
      'overdue',
    ]);
  });

  it('finds overdue leads, shows the whole timeline and reassigns to a named rep or by routing', async () => {
    const leadId = await h.captureLead(contactSales('late@kunde.example'));
    expect(((await call('GET', '/leads?overdue=true', h.opsToken)).body.leads as unknown[]).length).toBe(0);
    await h.runUntil('2026-03-23T10:01:00Z');
    const overdue = (await call('GET', '/leads?overdue=true', h.opsToken)).body.leads as Array<{
      leadId: string;
    }>;
    expect(overdue.map((l) => l.leadId)).toEqual([leadId]);

    const timeline = await call('GET', `/leads/${leadId}/timeline`, h.opsToken);
    expect((timeline.body.timeline as Array<{ type: string }>).map((e) => e.type)).toContain('breached');

    const toDev = await call('POST', `/leads/${leadId}/reassign`, h.opsToken, { repId: 'dev' });
    expect(toDev.status).toBe(202);
    let lead = await h.getLead(leadId);
    expect(lead.owner?.repId).toBe('dev');
    expect(lead.sla?.reassignments).toBe(0);
    // Start's hand-off, then the reassignment through HandOff.
    expect(h.path(leadId).filter((s) => s === 'HandOff')).toHaveLength(1);

    expect((await call('POST', `/leads/${leadId}/reassign`, h.opsToken, { repId: 'nobody' })).status).toBe(
      400,
    );
    expect((await call('POST', `/leads/${leadId}/reassign`, h.opsToken, {})).status).toBe(202);
    lead = await h.getLead(leadId);
    expect(lead.owner?.repId).not.toBe('dev');
    expect(lead.stage).toBe('assigned');
  });
});
