/**
 * Abuse resistance of POST /leads with the demo unit's limits on: requests per source address
 * and minute, the gap between two submissions of one email, API keys for integrations, and
 * the form signals a keyless submission must carry.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../local/driver.ts';
import { harnessPerTest, unitConfig } from '../support/local-harness.ts';

const config = unitConfig((c) => ({
  ...c,
  capture: { ...c.capture, rateLimit: { perSourcePerMinute: 3, minSecondsBetweenSubmissions: 30 } },
}));
const h = harnessPerTest({ start: '2026-03-23T09:00:10Z', config });

const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.clock.track(() =>
    fetch(`${h.url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-leadflow-api-key': DEMO_API_KEY, ...headers },
      body: JSON.stringify(body),
    }),
  );

describe('per-client limits', () => {
  it('answers 429 with Retry-After once a source sends more than its share in a minute, then lets it in again', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post({ email: `flood-${i}@acme.example` })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const refused = await post({ email: 'flood-5@acme.example' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('50'); // 09:00:10 in a window ending 09:01:00
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    await h.runUntil('2026-03-23T09:01:00Z');
    expect((await post({ email: 'flood-6@acme.example' })).status).toBe(202);
  });

  it('refuses a second submission of one email inside the gap, and records the one after it', async () => {
    expect((await post({ email: 'twice@acme.example' })).status).toBe(202);
    const again = await post({ email: 'twice@acme.example' });
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('30');
    await h.runUntil('2026-03-23T09:00:41Z');
    const later = await post({ email: 'twice@acme.example' });
    expect(later.status).toBe(202);
    expect(await later.json()).toMatchObject({ status: 'updated' });
  });
});

describe('who may skip the form signals', () => {
  it('refuses an unknown API key with 401 instead of ignoring it', async () => {
    const response = await post({ email: 'mallory@acme.example' }, { 'x-leadflow-api-key': 'guessed-key' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unknown API key' });
  });

  it('quarantines a keyless submission that leaves out the honeypot and the render time', async () => {
    const response = await h.clock.track(() =>
      fetch(`${h.url}/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bot@spam.example', company: 'Bots' }),
      }),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'received' });
    expect((await h.quarantined('bot@spam.example')).map((q) => q.reasons)).toEqual([
      ['honeypot-missing', 'fill-time-missing'],
    ]);
  });
});
