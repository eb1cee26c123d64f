/**
 * The local runtime's own endpoints (/health, /outbox, /_local/events, /_local/executions).
 * POST /_local/events moves leads, so a web page the developer happens to visit must not be able
 * to call it: it needs `content-type: application/json`, a loopback Host with the runtime's
 * port (no DNS rebinding), and no Origin or the runtime's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { rawRequest } from './http-client.ts';

let h: Harness;
let port: string;
let leadId: string;

beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  port = new URL(h.url).port;
  leadId = await h.captureLead(contactSales('local-routes@kunde-gmbh.example'));
}, 120_000);

afterAll(async () => {
  await h?.settle();
  await h?.stop();
});

const touch = () =>
  JSON.stringify({
    source: 'leadflow.sales',
    detailType: 'TouchLogged',
    detail: { leadId, channel: 'call' },
  });

const postEvents = (headers: Record<string, string>, body = touch()) =>
  h.clock.track(() => rawRequest(h.url, { method: 'POST', path: '/_local/events', headers, body }));

const touches = () =>
  h.local.bus.log.filter((e) => e['detail-type'] === 'TouchLogged' && e.detail.leadId === leadId).length;

describe('read-only local endpoints keep working', () => {
  it('GET /health, /outbox, /_local/events and /_local/executions', async () => {
    const health = await rawRequest(h.url, { path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', businessUnit: 'demo' });
    const outbox = await rawRequest(h.url, { path: '/outbox' });
    expect(outbox.status).toBe(200);
    expect(outbox.text).toContain('New lead for you: Eva Schmidt (Acme GmbH)');
    const events = await rawRequest(h.url, { path: '/_local/events' });
    expect(events.status).toBe(200);
    expect(Array.isArray(JSON.parse(events.text))).toBe(true);
    const executions = await rawRequest(h.url, { path: '/_local/executions' });
    expect(executions.status).toBe(200);
    expect((JSON.parse(executions.text) as Array<{ name: string }>).map((e) => e.name)).toContain(leadId);
  });
});

describe('GET /outbox', () => {
  it('shows each HTML mail in a sandboxed frame (no scripts, no same-origin access), escaped into srcdoc', async () => {
    const outbox = await rawRequest(h.url, { path: '/outbox' });
    expect(outbox.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(outbox.headers['content-security-policy']).toContain("script-src 'none'");
    const frames = [...outbox.text.matchAll(/<iframe ([^>]*)>/g)].map((m) => m[1] ?? '');
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      const sandbox = /sandbox="([^"]*)"/.exec(frame)?.[1] ?? '';
      expect(sandbox.split(' ').sort()).toEqual([
        'allow-popups',
        'allow-popups-to-escape-sandbox',
        'allow-top-navigation-by-user-activation',
      ]);
      const srcdoc = /srcdoc="([^"]*)"/.exec(frame)?.[1] ?? '';
      // The mail's markup is an attribute value: escaped, so it cannot end the iframe tag.
      expect(srcdoc).toMatch(/^&lt;!doctype html&gt;/);
      expect(srcdoc).not.toContain('<');
      expect(srcdoc).toContain('&lt;base target=&quot;_top&quot;&gt;');
    }
    expect(outbox.text).toContain('<details><summary>Text version</summary>');
  });

  it('answers only to a loopback Host with the runtime’s port (it shows live action links)', async () => {
    const res = await rawRequest(h.url, { path: '/outbox', headers: { host: `evil.example:${port}` } });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('New lead for you');
  });
});

describe('POST /_local/events refuses cross-site requests', () => {
  it.each([
    ['a text/plain body (a cross-origin "simple" request)', { 'content-type': 'text/plain' }],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type', {}],
    ['a +json type', { 'content-type': 'application/vnd.x+json' }],
  ])('answers %s with 415 and puts nothing on the bus', async (_name, headers) => {
    const before = touches();
    const res = await postEvents({ host: `127.0.0.1:${port}`, ...headers });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(touches()).toBe(before);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['an opaque origin', 'null'],
    ['a loopback origin on another port', 'http://127.0.0.1:1'],
    ['https on the same host', `https://127.0.0.1:PORT`],
  ])('answers a JSON request from %s with 403', async (_name, origin) => {
    const before = touches();
    const res = await postEvents({
      host: `127.0.0.1:${port}`,
      origin: origin.replace('PORT', port),
      'content-type': 'application/json',
    });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(touches()).toBe(before);
  });

  it.each([
    ['a rebinding host name', 'evil.example:PORT'],
    ['a loopback host on another port', '127.0.0.1:1'],
    ['a host without port', 'localhost'],
    ['a look-alike', 'localhost.evil.example:PORT'],
  ])('answers a request with %s in Host with 403', async (_name, host) => {
    const before = touches();
    const res = await postEvents({ host: host.replace('PORT', port), 'content-type': 'application/json' });
    expect(res.status).toBe(403);
    expect(touches()).toBe(before);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const res = await postEvents(
      { host: `127.0.0.1:${port}`, 'content-type': 'application/json' },
      JSON.stringify({
        source: 'leadflow.sales',
        detailType: 'TouchLogged',
        detail: { pad: 'x'.repeat(70_000) },
      }),
    );
    expect(res.status).toBe(413);
  });
});

describe('POST /_local/events from the developer (curl, scripts, the runtime own pages)', () => {
  it.each([
    ['curl (no Origin)', { host: 'HOST' }],
    ['the runtime own page on localhost', { host: 'localhost:PORT', origin: 'http://localhost:PORT' }],
    ['IPv6 loopback', { host: '[::1]:PORT' }],
  ])('accepts %s', async (_name, headers) => {
    const before = touches();
    const filled = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        v.replace('HOST', `127.0.0.1:${port}`).replace('PORT', port),
      ]),
    );
    const res = await postEvents({ ...filled, 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toEqual({ EventId: expect.any(String) });
    expect(touches()).toBe(before + 1);
    await h.settle();
  });

  it('still answers a malformed event with 400', async () => {
    const res = await postEvents({ host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, '{oops');
    expect(res.status).toBe(400);
  });
});
