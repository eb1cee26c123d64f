/**
 * GET /leads/{id} end to end: the JWT authorizer of the local HTTP API, the real handler and a
 * lead that went through capture and the lifecycle (scored, qualified, assigned to a rep).
 * Demo unit; Monday 23 March 2026, 10:00 in Berlin.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

let h: Harness;
let leadId: string;
let nurturedId: string;
let annaToken: string;
let benToken: string;

beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  // A hand-raiser with a business email, a company and a DACH country: SQL at once, routed to
  // the DACH team, whose round robin starts with Anna.
  leadId = await h.captureLead({
    email: 'lena.koch@kunde-gmbh.example',
    firstName: 'Lena',
    lastName: 'Koch',
    company: 'Kunde GmbH',
    country: 'DE',
    intent: 'contact-sales',
    consent: true,
  });
  nurturedId = await h.captureLead({ email: 'reader@widgets.example', intent: 'content' });
  annaToken = await h.local.issuer.issueToken({ role: 'rep', email: 'anna@demo.example.com' });
  benToken = await h.local.issuer.issueToken({ role: 'rep', email: 'ben@demo.example.com' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const get = (id: string, authorization?: string) =>
  fetch(`${h.url}/leads/${id}`, { headers: authorization ? { authorization } : {} });

const bearer = (token: string) => `Bearer ${token}`;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

async function problem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Problem;
}

describe('authentication (the JWT authorizer)', () => {
  it('refuses a request without a token with 401', async () => {
    const response = await get(leadId);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it.each([
    ['a garbage token', 'Bearer garbage'],
    ['a garbage JWT', 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s with 401', async (_name, authorization) => {
    const response = await get(leadId, authorization);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('lena');
  });

  it('refuses an expired token with 401', async () => {
    const expired = await h.local.issuer.issueToken({ role: 'ops', expiresIn: -60 });
    const response = await get(leadId, bearer(expired));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers a valid token without an ops or rep role with 404, as for a lead that does not exist', async () => {
    const noRoles = await h.local.issuer.issueToken({
      role: 'ops',
      email: 'someone@demo.example.com',
      rolesClaim: 'custom:roles',
    });
    const body = await problem(await get(leadId, bearer(noRoles)), 404);
    expect(body.title).toBe('Lead not found');
  });
});

describe('roles and ownership', () => {
  const token = (options: Parameters<Harness['local']['issuer']['issueToken']>[0]) =>
    h.local.issuer.issueToken(options);

  it('401 without a valid token', async () => {
    expect((await get(leadId)).status).toBe(401);
    expect((await get(leadId, 'Bearer x.y.z')).status).toBe(401);
  });

  it('200 for ops, 200 for the owning rep, 404 for another rep', async () => {
    expect((await get(leadId, bearer(h.opsToken))).status).toBe(200);
    expect((await get(leadId, bearer(annaToken))).status).toBe(200);
    await problem(await get(leadId, bearer(benToken)), 404);
  });

  it("404 for a rep whose email is the owner's but not verified", async () => {
    for (const emailVerified of [false, 'false', 'yes', 'TRUE'] as const) {
      const unverified = await token({ role: 'rep', email: 'anna@demo.example.com', emailVerified });
      await problem(await get(leadId, bearer(unverified)), 404);
    }
    const cognitoString = await token({ role: 'rep', email: 'anna@demo.example.com', emailVerified: 'true' });
    expect((await get(leadId, bearer(cognitoString))).status).toBe(200);
  });

  it("200 for a rep whose sub is the owner's rep id, whatever the email", async () => {
    const bySub = await token({ role: 'rep', sub: 'anna', email: 'anna.private@mail.example' });
    expect((await get(leadId, bearer(bySub))).status).toBe(200);
    const otherSub = await token({ role: 'rep', sub: 'ben', email: 'anna.private@mail.example' });
    await problem(await get(leadId, bearer(otherSub)), 404);
  });

  it.each([
    ['no group at all', []],
    ['a group merely containing ops (comma)', ['rep,ops']],
    ['a group merely containing ops (space)', ['Sales ops']],
    ['a look-alike group', ['ops ']],
    ['another case', ['OPS']],
    ['a group named like both', ['ops rep']],
  ])('grants nothing for %s: 404', async (_name, groups) => {
    const t = await token({ role: 'ops', email: 'anna@demo.example.com', groups });
    await problem(await get(leadId, bearer(t)), 404);
    await problem(await get(nurturedId, bearer(t)), 404);
  });

  it('"rep,ops" next to a real rep group is a rep, not ops', async () => {
    const t = await token({
      role: 'rep',
      email: 'ben@demo.example.com',
      groups: ['rep', 'rep,ops', 'Sales ops'],
    });
    await problem(await get(leadId, bearer(t)), 404);
  });
});

describe('ops', () => {
  it('sees the lead with stage, owner, SLA due time, profile and timeline', async () => {
    const response = await get(leadId, bearer(h.opsToken));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const lead = (await response.json()) as Record<string, unknown>;
    expect(lead).toMatchObject({
      leadId,
      businessUnit: 'demo',
      stage: 'assigned',
      submissionCount: 1,
      createdAt: '2026-03-23T09:00:00.000Z',
      profile: {
        email: 'lena.koch@kunde-gmbh.example',
        firstName: 'Lena',
        lastName: 'Koch',
        company: 'Kunde GmbH',
        country: 'DE',
        intent: 'contact-sales',
        consent: true,
      },
      owner: {
        repId: 'anna',
        name: 'Anna Becker',
        email: 'anna@demo.example.com',
        teamId: 'dach',
      },
      // One business hour after assignment at 10:00 Berlin.
      followUpDueAt: '2026-03-23T10:00:00.000Z',
      sla: { assignedAt: '2026-03-23T09:00:00.000Z', followUpDueAt: '2026-03-23T10:00:00.000Z' },
      score: { total: expect.any(Number), fit: expect.any(Number) },
    });
    expect(new Date(lead.followUpDueAt as string).toISOString()).toBe(lead.followUpDueAt);
    const timeline = lead.timeline as Array<{ type: string; at: string; summary: string }>;
    expect(timeline.map((e) => e.type)).toEqual(['captured', 'scored', 'qualified', 'assigned']);
    for (const entry of timeline) {
      expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(entry.summary).toEqual(expect.any(String));
    }
  });

  it('gets no internal fields: keys, index attributes, task tokens, markers', async () => {
    const stored = await documentClient().send(
      new GetCommand({ TableName: h.local.tableName, Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' } }),
    );
    // The lead is waiting for its first touch, so the item holds a live task token.
    const waits = stored.Item?.waits as Record<string, { token: string }> | undefined;
    const tokens = Object.values(waits ?? {}).map((w) => w.token);
    expect(tokens.length).toBeGreaterThan(0);

    const response = await get(leadId, bearer(h.opsToken));
    const text = await response.text();
    const lead = JSON.parse(text) as Record<string, unknown>;
    for (const internal of ['waits', 'pending', 'markers', 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'version']) {
      expect(lead).not.toHaveProperty(internal);
    }
    expect(text).not.toContain('LEAD#');
    expect(text).not.toContain('LEADS#');
    for (const token of tokens) expect(text).not.toContain(token);
  });

  it('sees a lead nobody owns yet', async () => {
    const response = await get(nurturedId, bearer(h.opsToken));
    expect(response.status).toBe(200);
    const lead = (await response.json()) as Record<string, unknown>;
    expect(lead.stage).toBe('nurturing');
    expect(lead.owner).toBeUndefined();
  });

  it('gets 404 problems for unknown and malformed ids', async () => {
    const unknown = await problem(await get('ld_AAAAAAAAAAAAAAAAAAAAAAAA', bearer(h.opsToken)), 404);
    expect(unknown).toMatchObject({
      type: 'https://leadflow.dev/problems/lead-not-found',
      title: 'Lead not found',
      status: 404,
      instance: '/leads/ld_AAAAAAAAAAAAAAAAAAAAAAAA',
    });
    for (const id of ['not-a-lead', 'ld_', `ld_${'a'.repeat(65)}`, 'ld_a%20b', 'LEAD%23x']) {
      const body = await problem(await get(id, bearer(h.opsToken)), 404);
      expect(body.title).toBe('Lead not found');
    }
  });
});

describe('reps', () => {
  it('the owner sees the lead (email claim compared case-insensitively)', async () => {
    const response = await get(leadId, bearer(annaToken));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { leadId: string }).leadId).toBe(leadId);
    const shouting = await h.local.issuer.issueToken({ role: 'rep', email: 'Anna@Demo.Example.com' });
    expect((await get(leadId, bearer(shouting))).status).toBe(200);
  });

  it('another rep gets the same 404 as for a lead that does not exist', async () => {
    const hidden = await problem(await get(leadId, bearer(benToken)), 404);
    const missing = await problem(await get('ld_BBBBBBBBBBBBBBBBBBBBBBBB', bearer(benToken)), 404);
    const { instance: _a, ...hiddenRest } = hidden;
    const { instance: _b, ...missingRest } = missing;
    expect(hiddenRest).toEqual(missingRest);
    expect(JSON.stringify(hidden)).not.toContain('anna');
  });

  it('a rep does not see an unowned lead', async () => {
    await problem(await get(nurturedId, bearer(annaToken)), 404);
  });
});
