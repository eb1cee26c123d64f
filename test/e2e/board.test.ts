/**
 * The leads board end to end on the local runtime (synthesized routes, real handlers and state
 * machine): the auth matrix (401 without a valid token, a rep sees and acts on own leads only,
 * ops on all), the cookie session and its CSRF checks, actions moving the lead on through the
 * same use cases as the API, ops filters with cursor paging, and GET never changing anything.
 * Demo unit; Monday 23 March 2026, 10:00 in Berlin: DE leads alternate Anna, Ben.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

const anna = () => h.local.issuer.issueToken({ role: 'rep', email: 'anna@demo.example.com' });
const ben = () => h.local.issuer.issueToken({ role: 'rep', sub: 'ben', email: 'ben@demo.example.com' });

interface Answer {
  status: number;
  html: string;
  headers: Headers;
}

async function request(
  method: 'GET' | 'POST',
  path: string,
  auth: { bearer?: string; cookie?: string } = {},
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await h.clock.track(() =>
    fetch(`${h.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
        ...(auth.cookie ? { cookie: auth.cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    }),
  );
  const html = await response.text();
  await h.settle();
  return { status: response.status, html, headers: response.headers };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in through the form and returns the session cookie ("name=value"). */
async function signIn(token: string): Promise<string> {
  const answer = await request('POST', '/board/session', {}, { token });
  expect(answer.status).toBe(303);
  const cookie = answer.headers.getSetCookie()[0] ?? '';
  expect(cookie).toMatch(
    /^__Host-leadflow-board=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/,
  );
  return cookie.split(';')[0]!;
}

async function twoLeads(): Promise<{ annas: string; bens: string }> {
  const annas = await h.captureLead(contactSales('lena@kunde.example'));
  h.clock.advance(60_000);
  const bens = await h.captureLead(contactSales('jonas@kunde.example'));
  expect((await h.getLead(annas)).owner?.repId).toBe('anna');
  expect((await h.getLead(bens)).owner?.repId).toBe('ben');
  return { annas, bens };
}

describe('board auth', () => {
  it('answers 401 with the sign-in form without a valid token, and 404 without a role', async () => {
    const { annas } = await twoLeads();
    for (const auth of [{}, { bearer: 'x.y.z' }, { cookie: '__Host-leadflow-board=x.y.z' }]) {
      const page = await request('GET', '/board', auth);
      expect(page.status).toBe(401);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.html).toContain('action="/board/session"');
      expect(page.html).not.toContain(annas);
      expect((await request('POST', `/board/leads/${annas}/touch`, auth, { channel: 'call' })).status).toBe(
        401,
      );
    }
    const expired = await h.local.issuer.issueToken({
      role: 'rep',
      email: 'anna@demo.example.com',
      expiresIn: -60,
    });
    expect((await request('GET', '/board', { bearer: expired })).status).toBe(401);
    expect((await request('POST', '/board/session', {}, { token: expired })).status).toBe(401);
    const roleless = await h.local.issuer.issueToken({ role: 'ops', rolesClaim: 'custom:roles' });
    expect((await request('GET', '/board', { bearer: roleless })).status).toBe(404);
    expect((await h.getLead(annas)).stage).toBe('assigned');
  });

  it('shows a rep only their own leads and refuses another rep’s lead; ops see and act on all', async () => {
    const { annas, bens } = await twoLeads();
    const annaBoard = await request('GET', '/board', { bearer: await anna() });
    expect(annaBoard.status).toBe(200);
    expect(annaBoard.html).toContain(`id="lead-${annas}"`);
    expect(annaBoard.html).not.toContain(bens);
    expect(annaBoard.html).toContain('lena@kunde.example');
    // Ben cannot act on Anna's lead, nor reassign it (ops only); nothing changes.
    const benToken = await ben();
    for (const action of ['touch', 'accept', 'decline', 'reassign', 'pause']) {
      const answer = await request(
        'POST',
        `/board/leads/${annas}/${action}`,
        { bearer: benToken },
        { channel: 'call' },
      );
      expect(answer.status, action).toBe(404);
    }
    expect((await h.getLead(annas)).stage).toBe('assigned');

    const opsBoard = await request('GET', '/board', { bearer: h.opsToken });
    expect(opsBoard.html).toContain(`id="lead-${annas}"`);
    expect(opsBoard.html).toContain(`id="lead-${bens}"`);
    expect(opsBoard.html).toContain('Confirm: Reassign');
    expect(annaBoard.html).not.toContain('Confirm: Reassign');
  });
});

describe('board session and actions', () => {
  it('signs in with a cookie; a POST needs the CSRF token and a same-site origin; the action moves the lead on', async () => {
    const { annas } = await twoLeads();
    const cookie = await signIn(await anna());
    const board = await request('GET', '/board', { cookie });
    expect(board.status).toBe(200);
    expect(board.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(board.html).toMatch(
      /First touch due 23 Mar 2026, 11:00 \(Europe\/Berlin\) · <span class="countdown" data-due="2026-03-23T10:00:00.000Z">due in 59m 0s<\/span>/,
    );
    const csrf = csrfOf(board.html);
    expect(csrf).not.toBe('');

    const touch = { channel: 'meeting', back: '' };
    expect((await request('POST', `/board/leads/${annas}/touch`, { cookie }, touch)).status).toBe(403);
    expect(
      (await request('POST', `/board/leads/${annas}/touch`, { cookie }, { ...touch, csrf: 'x' })).status,
    ).toBe(403);
    const crossSite = await request(
      'POST',
      `/board/leads/${annas}/touch`,
      { cookie },
      { ...touch, csrf },
      {
        origin: 'https://evil.example',
      },
    );
    expect(crossSite.status).toBe(403);
    expect((await h.getLead(annas)).stage).toBe('assigned');

    const done = await request(
      'POST',
      `/board/leads/${annas}/touch`,
      { cookie },
      { ...touch, csrf },
      {
        origin: h.url,
      },
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/board?done=touch');
    const lead = await h.getLead(annas);
    expect(lead.stage).toBe('touched');
    expect(lead.timeline.at(-1)?.summary).toBe('Touch logged (meeting) by anna@demo.example.com');
    expect(h.path(annas).slice(-3)).toEqual(['AwaitFirstTouch', 'TouchedOrDeclined?', 'AwaitDecision']);
    const after = await request('GET', '/board?done=touch', { cookie });
    expect(after.html).toContain('Done: I contacted them.');
    expect(after.html).toMatch(new RegExp(`id="lead-${annas}" data-lead-id="${annas}" data-stage="touched"`));

    const signedOut = await request('POST', '/board/session/end', { cookie }, {});
    expect(signedOut.headers.getSetCookie()[0]).toMatch(/^__Host-leadflow-board=; Path=\/; Max-Age=0;/);
  });

  it('rejects with a reason from the unit’s list, and ops reassign, pause and resume through the board', async () => {
    const { annas, bens } = await twoLeads();
    const annaToken = await anna();
    const missing = await request(
      'POST',
      `/board/leads/${annas}/reject`,
      { bearer: annaToken },
      { reason: 'Bored' },
    );
    expect(missing.status).toBe(400);
    const reason = h.local.config.sla.rejectionReasons[0]!;
    const rejected = await request(
      'POST',
      `/board/leads/${annas}/reject`,
      { bearer: annaToken },
      { reason, note: 'no budget yet' },
    );
    expect(rejected.status).toBe(303);
    expect(
      (await h.getLead(annas)).timeline.some((e) => e.summary.includes(`${reason}: no budget yet`)),
    ).toBe(true);

    const ops = { bearer: h.opsToken };
    expect(
      (await request('POST', `/board/leads/${bens}/pause`, ops, { reason: 'customer on holiday' })).status,
    ).toBe(303);
    expect((await h.getLead(bens)).sla?.pausedAt).toBeDefined();
    expect((await request('GET', '/board', ops)).html).toContain('SLA paused');
    expect((await request('POST', `/board/leads/${bens}/resume`, ops, {})).status).toBe(303);
    expect((await h.getLead(bens)).sla?.pausedAt).toBeUndefined();
    const moved = await request('POST', `/board/leads/${bens}/reassign`, ops, { repId: 'anna' });
    expect(moved.status).toBe(303);
    expect((await h.getLead(bens)).owner?.repId).toBe('anna');
    const again = await request('POST', `/board/leads/${bens}/resume`, ops, {});
    expect(again.status).toBe(409);
    expect(again.html).toContain('Nothing was changed');
  });
});

describe('ops filters and GET', () => {
  it('filters by owner and pages with the search cursor; GET never changes a lead or puts an event', async () => {
    const { annas, bens } = await twoLeads();
    const before = { events: h.local.bus.log.length, leads: [await h.getLead(annas), await h.getLead(bens)] };
    const ops = { bearer: h.opsToken };
    const byOwner = await request('GET', '/board?owner=ben', ops);
    expect(byOwner.html).toContain(`id="lead-${bens}"`);
    expect(byOwner.html).not.toContain(`id="lead-${annas}"`);

    const first = await request('GET', '/board?stage=assigned&limit=1', ops);
    const next = /<a href="\/board\?([^"]+)">Next page/.exec(first.html)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toContain('cursor=');
    const second = await request('GET', `/board?${next}`, ops);
    const shown = (html: string) => [annas, bens].filter((id) => html.includes(`id="lead-${id}"`));
    expect([...shown(first.html), ...shown(second.html)].sort()).toEqual([annas, bens].sort());
    expect((await request('GET', '/board?cursor=forged', ops)).status).toBe(400);

    for (const path of ['/board', '/board?done=touch', '/board?overdue=true', `/board/leads/${annas}/touch`])
      for (const auth of [ops, { bearer: await anna() }]) await request('GET', path, auth);
    expect(h.local.bus.log.length).toBe(before.events);
    expect([await h.getLead(annas), await h.getLead(bens)]).toEqual(before.leads);
  });
});
