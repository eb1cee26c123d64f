/**
 * Shared facts for the use-case tests: instants in the demo unit's week (Europe/Berlin, CET
 * until 29 March 2026, so Berlin = UTC + 1 h), prospects, and a lead handed off to a rep.
 */
import type { Lead, LeadProfile } from '../../functions/domain/lead.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { type InMemoryPorts, storedLead } from '../support/in-memory-ports.ts';

/** Monday 23 March 2026, 10:00 in Berlin. */
export const MONDAY_10 = '2026-03-23T09:00:00.000Z';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const at = (iso: string, plusMs = 0): string => new Date(Date.parse(iso) + plusMs).toISOString();

/** A DACH hand-raiser with a business email and a company: SQL at once, routed to the dach team. */
export const HOT = {
  email: 'eva@acme.example',
  firstName: 'Eva',
  lastName: 'Schmidt',
  company: 'Acme GmbH',
  jobTitle: 'Head of Operations',
  country: 'DE',
  intent: 'contact-sales',
} satisfies LeadProfile;
/** "Eva Schmidt (Acme GmbH)" in every mail subject. */
export const EVA = 'Eva Schmidt (Acme GmbH)';
export const HOT_ID = 'ld_eva_acme_example';

/** No hand-raise: business email and company only (fit 20 = the MQL threshold). */
export const WARM = { email: 'max@acme.example', company: 'Acme GmbH' } satisfies LeadProfile;

export const ANNA = 'anna@demo.example.com';
export const BEN = 'ben@demo.example.com';
export const MARA = 'mara.manager@demo.example.com';
export const SALES_LEAD = 'sales-lead@demo.example.com';
export const OPS = 'ops@demo.example.com';

/** The lead as stored now (fails the test if it is missing). */
export async function reload(ports: InMemoryPorts, leadId: string): Promise<Lead> {
  const lead = await ports.leads.get(leadId);
  if (!lead) throw new Error(`lead ${leadId} missing`);
  return lead;
}

/** The timeline entries added after the first `skip` ones, as [type, summary] pairs. */
export const entriesAfter = (lead: Lead, skip: number) =>
  lead.timeline.slice(skip).map((e) => [e.type, e.summary]);

/** A qualified hot lead handed off by the real HandOff step at the clock's instant (Anna). */
export async function handedOff(
  ports: InMemoryPorts,
  profile: LeadProfile = HOT,
  change: Partial<Lead> = {},
): Promise<Lead> {
  const lead = await storedLead(ports, profile, { stage: 'qualified', ...change });
  await runStep(ports, 'HandOff', lead.leadId, { previous: { decision: 'qualified' } });
  return reload(ports, lead.leadId);
}
