/**
 * Capture against in-memory ports: a new lead, a re-submission that scores or is only counted,
 * LeadCaptured re-announced at most once a minute while the lifecycle has not started, and spam.
 */
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import { captureLead } from '../../functions/use-cases/capture-lead.ts';
import { inMemoryPorts } from '../support/in-memory-ports.ts';
import { at, DAY, MINUTE, MONDAY_10, reload } from './fixtures.ts';

const profile: LeadProfile = {
  email: 'jane@acme.example',
  firstName: 'Jane',
  phone: '+49 30 1',
  country: 'DE',
  intent: 'demo',
};
const leadId = leadIdFor('demo', 'jane@acme.example');
const capture = (ports: ReturnType<typeof inMemoryPorts>, p: LeadProfile = profile) =>
  captureLead(ports, { profile: p, spamSignals: { apiClient: 'demo-crm' } });

describe('captureLead', () => {
  it('creates a new lead and publishes LeadCaptured without personal data', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    expect(await capture(ports)).toEqual({ outcome: 'created', leadId, stage: 'captured' });
    const lead = await reload(ports, leadId);
    expect(lead.profile).toEqual(profile);
    expect(lead).toMatchObject({ submissionCount: 1, announcedAt: MONDAY_10, lastSubmittedAt: MONDAY_10 });
    expect(ports.events.published).toEqual([
      {
        name: 'LeadCaptured',
        leadId,
        eventId: `${leadId}:captured`,
        occurredAt: MONDAY_10,
        data: { intent: 'demo', formId: undefined, country: 'DE', utm: undefined, resubmission: false },
      },
    ]);
    expect(JSON.stringify(ports.events.published)).not.toMatch(/jane|\+49/i);
  });

  it('scores a re-submission once per spacing (30 days / 3 = 10 days) and only counts the rest', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await capture(ports);
    ports.clock.set(at(MONDAY_10, MINUTE));
    expect(await capture(ports, { ...profile, company: 'Acme GmbH' })).toMatchObject({ outcome: 'updated' });
    let lead = await reload(ports, leadId);
    expect(lead.timeline.map((e) => e.type)).toEqual(['captured', 'resubmitted']);
    expect(lead.engagements).toEqual([{ type: 'demo-requested', at: at(MONDAY_10, MINUTE) }]);
    expect(lead.profile.company).toBe('Acme GmbH');

    for (let i = 2; i <= 200; i++) {
      ports.clock.set(at(MONDAY_10, i * MINUTE));
      await capture(ports, { ...profile, jobTitle: `Title ${i}` });
    }
    lead = await reload(ports, leadId);
    // 199 more posts within the spacing: counted, nothing else grows, nothing overwritten.
    expect(lead.submissionCount).toBe(201);
    expect(lead.lastSubmittedAt).toBe(at(MONDAY_10, 200 * MINUTE));
    expect(lead.timeline).toHaveLength(2);
    expect(lead.engagements).toHaveLength(1);
    expect(lead.profile.jobTitle).toBeUndefined();

    ports.clock.set(at(MONDAY_10, 10 * DAY + 2 * MINUTE));
    await capture(ports, { ...profile, jobTitle: 'CTO' });
    lead = await reload(ports, leadId);
    expect(lead.engagements).toHaveLength(2);
    expect(lead.timeline).toHaveLength(3);
    expect(lead.profile.jobTitle).toBe('CTO');
  });

  it('re-announces a lead whose lifecycle never started, at most once a minute, never once it started', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await capture(ports);
    const announced = () => ports.events.published.filter((e) => e.name === 'LeadCaptured').length;
    await Promise.all(Array.from({ length: 300 }, () => capture(ports)));
    expect(announced()).toBe(1); // inside the minute after the first announcement
    ports.clock.set(at(MONDAY_10, MINUTE + 1));
    await Promise.all(Array.from({ length: 300 }, () => capture(ports)));
    expect(announced()).toBe(2);
    expect(ports.events.published.at(-1)).toMatchObject({
      eventId: `${leadId}:captured`,
      data: { resubmission: true },
    });

    await ports.leads.transition(leadId, { set: { lifecycleStartedAt: MONDAY_10 } }, ports.clock.now());
    ports.clock.set(at(MONDAY_10, 10 * MINUTE));
    await capture(ports);
    expect(announced()).toBe(2);
    expect((await reload(ports, leadId)).submissionCount).toBe(602);
  });

  it('quarantines spam: nothing created or published, and an answer shaped like a real lead id', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    const result = await captureLead(ports, {
      profile,
      spamSignals: { honeypotValue: 'x', formRenderedAt: ports.clock.now().getTime() - 10_000 },
    });
    expect(result).toMatchObject({ outcome: 'quarantined', reasons: ['honeypot-filled'] });
    expect(result.leadId).toMatch(/^ld_[A-Za-z0-9_-]{24}$/);
    expect(result.leadId).not.toMatch(/^ld_[0-9a-f]{24}$/);
    expect(result.leadId).not.toBe(leadId);
    expect(await ports.leads.get(leadId)).toBeUndefined();
    expect(ports.events.published).toEqual([]);
    expect([...ports.leads.quarantined.values()]).toEqual([
      expect.objectContaining({ profile, reasons: ['honeypot-filled'] }),
    ]);
  });
});
