import { describe, expect, it } from 'vitest';
import { newLead, resubmission } from '../../functions/domain/capture.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';

const now = new Date('2026-03-23T09:00:00Z');
const base: LeadProfile = { email: 'jane@acme.example' };
const captured = (profile: LeadProfile) =>
  newLead({ leadId: 'ld_x', businessUnit: 'demo', profile, now }).timeline[0]?.summary;
const resubmitted = (profile: LeadProfile) => resubmission(profile, now).entry.summary;

describe('capture timeline summaries with partial form data', () => {
  it('says where a new lead came from and what it asked for, leaving out what is unknown', () => {
    expect(captured(base)).toBe('Lead captured');
    expect(captured({ ...base, formId: 'pricing' })).toBe('Lead captured from form pricing');
    expect(captured({ ...base, intent: 'demo' })).toBe('Lead captured (intent: demo)');
    expect(captured({ ...base, formId: 'pricing', intent: 'demo' })).toBe(
      'Lead captured from form pricing (intent: demo)',
    );
  });

  it('says the same for a re-submission', () => {
    expect(resubmitted(base)).toBe('Form re-submitted');
    expect(resubmitted({ ...base, formId: 'pricing' })).toBe('Form re-submitted (pricing)');
    expect(resubmitted({ ...base, intent: 'demo' })).toBe('Form re-submitted with intent demo');
    expect(resubmitted({ ...base, formId: 'pricing', intent: 'demo' })).toBe(
      'Form re-submitted (pricing) with intent demo',
    );
  });
});
