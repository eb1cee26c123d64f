/**
 * One-click action links on in-memory ports: a valid link previews without writing and applies
 * once; a forged, expired, reused, foreign or outdated one is refused and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { SignedActionLinks } from '../../functions/adapters/action-links.ts';
import { InMemoryActionClaims } from '../../functions/adapters/in-memory/action-claims.ts';
import {
  type ActionClaims,
  type LeadAction,
  signActionToken,
  verifyActionToken,
} from '../../functions/domain/action-links.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import {
  type LeadActionPorts,
  performAction,
  previewAction,
} from '../../functions/use-cases/lead-actions.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { registerWait } from '../../functions/use-cases/lifecycle/wait-handshake.ts';
import { recordActivity } from '../../functions/use-cases/record-activity.ts';
import { type InMemoryPorts, inMemoryPorts } from '../support/in-memory-ports.ts';
import { DAY, HOT_ID, handedOff, MONDAY_10, reload } from './fixtures.ts';

const KEY = Buffer.from('local-test-key-that-is-long-enough-123');

interface Setup {
  ports: InMemoryPorts;
  actions: LeadActionPorts & { claims: InMemoryActionClaims };
  lead: Lead;
  token(action: LeadAction): Promise<string>;
}

async function setup(): Promise<Setup> {
  const ports = inMemoryPorts({ now: MONDAY_10 });
  const lead = await handedOff(ports);
  await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 'f1' });
  const actions = { ...ports, claims: new InMemoryActionClaims(), signingKey: async () => KEY };
  const issuer = new SignedActionLinks(ports.config, 'https://api.example/', async () => KEY);
  return {
    ports,
    actions,
    lead,
    token: async (action) => {
      const links = await issuer.linksFor(await reload(ports, HOT_ID), ports.clock.now());
      const url = links?.urls[action];
      if (!url) throw new Error(`no ${action} link`);
      expect(url.startsWith('https://api.example/actions/')).toBe(true);
      return url.slice('https://api.example/actions/'.length);
    },
  };
}

/** Everything a link could change: the lead, the claims, events and wait completions. */
const state = async (s: Setup) => ({
  lead: await reload(s.ports, HOT_ID),
  claims: structuredClone([...s.actions.claims.claims]),
  events: s.ports.events.published.length,
  completed: s.ports.callbacks.completed.length,
});

const claimsOf = (token: string) => {
  const check = verifyActionToken(token, KEY, new Date(MONDAY_10));
  if (!check.ok) throw new Error('test token does not verify');
  return check.claims;
};
const resign = (token: string, change: Partial<ActionClaims>) =>
  signActionToken({ ...claimsOf(token), ...change }, KEY);

describe('a valid link', () => {
  it('previews what it does, with the choices its form needs, and writes nothing', async () => {
    const s = await setup();
    const before = await state(s);
    const touch = await previewAction(s.actions, await s.token('touch'));
    expect(touch).toMatchObject({
      ok: true,
      action: 'touch',
      choices: { channels: ['call', 'email', 'meeting', 'linkedin', 'other'] },
    });
    expect(await previewAction(s.actions, await s.token('reject'))).toMatchObject({
      ok: true,
      choices: { reasons: [...s.ports.config.sla.rejectionReasons, 'Other'] },
    });
    expect(await state(s)).toEqual(before);
  });

  it('"I contacted them" logs the touch once, completes the first-touch wait, and is used up', async () => {
    const s = await setup();
    const token = await s.token('touch');
    const done = await performAction(s.actions, token, { channel: 'call' });
    expect(done).toMatchObject({ ok: true, action: 'touch', summary: 'Touch logged (call).' });
    const lead = await reload(s.ports, HOT_ID);
    expect(lead.stage).toBe('touched');
    expect(lead.sla?.touchAttempts).toBe(1);
    expect(lead.timeline.at(-1)?.summary).toBe('Touch logged (call) by anna@demo.example.com');
    expect(s.ports.callbacks.completed).toEqual([
      { token: 'f1', output: expect.objectContaining({ decision: 'touched' }) },
    ]);
    expect(s.actions.claims.claims.get(`${HOT_ID}#${claimsOf(token).n}`)?.settled).toBe('applied');

    const before = await state(s);
    for (const attempt of [
      performAction(s.actions, token, { channel: 'call' }),
      previewAction(s.actions, token),
    ])
      expect(await attempt).toMatchObject({ ok: false, status: 409, reason: 'used' });
    expect(await state(s)).toEqual(before);
  });

  it('"Reject" records the picked reason with the note and ends the decision wait', async () => {
    const s = await setup();
    await registerWait(s.ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    const done = await performAction(s.actions, await s.token('reject'), {
      reason: 'No budget or timing',
      note: 'call again in Q3',
    });
    expect(done).toMatchObject({
      ok: true,
      summary: 'Lead rejected: No budget or timing: call again in Q3.',
    });
    expect(s.ports.callbacks.completed.at(-1)).toEqual({
      token: 'd1',
      output: { decision: 'rejected', reason: 'No budget or timing: call again in Q3' },
    });
  });

  it('"Not my lead" ends the first-touch wait with a reassignment that spends no breach budget', async () => {
    const s = await setup();
    expect(await performAction(s.actions, await s.token('decline'), { note: 'Wrong region' })).toMatchObject({
      ok: true,
    });
    expect(s.ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'reassign', reassignments: 0 } },
    ]);
    const lead = await reload(s.ports, HOT_ID);
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'declined',
      summary: 'Anna Becker: not my lead (Wrong region)',
      data: { by: 'Anna Becker', handoff: 1 },
    });
    // The workflow's HandOff then routes it to Ben, never back to Anna.
    await runStep(s.ports, 'HandOff', HOT_ID, { previous: { decision: 'reassign', reassignments: 0 } });
    expect((await reload(s.ports, HOT_ID)).owner?.repId).toBe('ben');
  });

  it('is applied when a first attempt claimed it and stopped before applying it', async () => {
    const s = await setup();
    const token = await s.token('accept');
    const c = claimsOf(token);
    await s.actions.claims.claim(
      c.l,
      c.n,
      { action: c.a, rep: c.r, expiresAt: new Date(c.e * 1000) },
      new Date(),
    );
    expect(await performAction(s.actions, token, {})).toMatchObject({ ok: true, action: 'accept' });
    expect((await reload(s.ports, HOT_ID)).stage).toBe('accepted');
  });

  it('is not applied twice when the first attempt applied it and stopped before settling', async () => {
    const s = await setup();
    const token = await s.token('touch');
    const c = claimsOf(token);
    await s.actions.claims.claim(
      c.l,
      c.n,
      { action: c.a, rep: c.r, expiresAt: new Date(c.e * 1000) },
      new Date(),
    );
    await recordActivity(
      s.ports,
      'TouchLogged',
      { leadId: HOT_ID, channel: 'call' },
      { activityId: `action:${c.n}` },
    );
    expect(await performAction(s.actions, token, { channel: 'call' })).toMatchObject({
      ok: false,
      reason: 'used',
    });
    expect((await reload(s.ports, HOT_ID)).sla?.touchAttempts).toBe(1);
  });
});

describe('a link that must not act', () => {
  const refusedAndUnchanged = async (
    s: Setup,
    token: string,
    expected: { status: number; reason: string },
  ) => {
    const before = await state(s);
    expect(await previewAction(s.actions, token)).toMatchObject({ ok: false, ...expected });
    expect(await performAction(s.actions, token, { channel: 'call', reason: 'Competitor' })).toMatchObject({
      ok: false,
      ...expected,
    });
    expect(await state(s)).toEqual(before);
  };

  it('forged: a changed signature, a changed claim, or another key', async () => {
    const s = await setup();
    const token = await s.token('accept');
    const [payload, signature] = token.split('.') as [string, string];
    await refusedAndUnchanged(s, `${payload}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, {
      status: 403,
      reason: 'forged',
    });
    const other = Buffer.from(JSON.stringify({ ...claimsOf(token), a: 'reject' })).toString('base64url');
    await refusedAndUnchanged(s, `${other}.${signature}`, { status: 403, reason: 'forged' });
    await refusedAndUnchanged(
      s,
      signActionToken(claimsOf(token), Buffer.from('another-key-another-key-another-key')),
      {
        status: 403,
        reason: 'forged',
      },
    );
    await refusedAndUnchanged(s, 'not-a-token', { status: 403, reason: 'malformed' });
  });

  it('expired', async () => {
    const s = await setup();
    const token = await s.token('accept');
    s.ports.clock.advance(3 * DAY);
    await refusedAndUnchanged(s, token, { status: 410, reason: 'expired' });
  });

  it("signed for another rep, or for another of the lead's hand-offs", async () => {
    const s = await setup();
    const token = await s.token('accept');
    await refusedAndUnchanged(s, resign(token, { r: 'id:ben' }), { status: 409, reason: 'not-yours' });
    await refusedAndUnchanged(s, resign(token, { h: 0 }), { status: 409, reason: 'not-yours' });
  });

  it('reassigned away: the lead went to another rep since the mail', async () => {
    const s = await setup();
    const token = await s.token('touch');
    await runStep(s.ports, 'HandOff', HOT_ID, { previous: { decision: 'reassign', reassignments: 1 } });
    expect((await reload(s.ports, HOT_ID)).owner?.repId).toBe('ben');
    await refusedAndUnchanged(s, token, { status: 409, reason: 'not-yours' });
  });

  it('reassigned between the ownership check and the write: the write fails, the retry refuses it', async () => {
    const s = await setup();
    const token = await s.token('touch');
    const leads = s.ports.leads;
    let raced = false;
    // The hand-off lands after the link was checked and the lead read, before the touch is written.
    s.actions.leads = new Proxy(leads, {
      get(target, prop, receiver) {
        if (prop !== 'applyActivity') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<typeof leads.applyActivity>) => {
          if (!raced) {
            raced = true;
            await runStep(s.ports, 'HandOff', HOT_ID, {
              previous: { decision: 'reassign', reassignments: 1 },
            });
          }
          return leads.applyActivity(...args);
        };
      },
    });
    expect(await performAction(s.actions, token, { channel: 'call' })).toMatchObject({
      ok: false,
      status: 409,
      reason: 'not-yours',
    });
    expect(raced).toBe(true);
    const lead = await reload(s.ports, HOT_ID);
    expect(lead.owner?.repId).toBe('ben');
    expect(lead.sla?.touchAttempts ?? 0).toBe(0);
    expect(lead.timeline.map((e) => e.type)).not.toContain('touch');
    expect(s.ports.callbacks.completed).toEqual([]);
  });

  it('moved on: its action no longer applies in the lead’s stage', async () => {
    const s = await setup();
    const decline = await s.token('decline');
    await performAction(s.actions, await s.token('touch'), { channel: 'email' });
    await refusedAndUnchanged(s, decline, { status: 409, reason: 'moved-on' });
  });

  it('off: the unit has no signing key', async () => {
    const s = await setup();
    const token = await s.token('accept');
    s.actions.signingKey = async () => undefined;
    await refusedAndUnchanged(s, token, { status: 404, reason: 'disabled' });
  });

  it('with a form that is not acceptable: nothing is claimed, so it can be sent again', async () => {
    const s = await setup();
    const touch = await s.token('touch');
    const reject = await s.token('reject');
    const before = await state(s);
    for (const [token, input] of [
      [touch, {}],
      [touch, { channel: 'fax' }],
      [reject, { reason: 'Because' }],
      [reject, { reason: 'Other' }],
      [reject, { reason: 'Competitor', note: 'x'.repeat(301) }],
    ] as const)
      expect(await performAction(s.actions, token, input)).toMatchObject({
        ok: false,
        status: 400,
        reason: 'invalid-input',
      });
    expect(await state(s)).toEqual(before);
    expect(
      await performAction(s.actions, reject, { reason: 'Other', note: 'Reseller, not an end customer' }),
    ).toMatchObject({
      ok: true,
      summary: 'Lead rejected: Reseller, not an end customer.',
    });
  });
});
