/**
 * What a mail says, before it is rendered: one view of the lead, the deadline and the actions
 * per recipient, from which the text and the HTML version are both rendered (so they cannot
 * disagree). Values here are plain text, not yet escaped or flattened.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { ACTION_LABELS, type ActionLinks, LEAD_ACTIONS, type LeadAction } from '../action-links.ts';
import type { Lead } from '../lead.ts';
import { calendarForOwner } from '../owner-calendar.ts';
import { formatMinutes, localTime, safeColor, safeUrl, textColorOn, who } from './format.ts';
import type { NotificationFacts } from './types.ts';
import { headlineOf, introOf, subjectOf } from './wording.ts';

export interface Brand {
  name: string;
  color: string;
  /** Text colour on `color`. */
  onColor: string;
  logoUrl?: string;
}

/** A labelled line of the mail ("Email", "Source", ...). */
export interface Fact {
  label: string;
  value: string;
}

export interface ActionButton {
  action: LeadAction;
  label: string;
  url: string;
}

export interface MailView {
  brand: Brand;
  subject: string;
  /** Short title of the HTML mail. */
  headline: string;
  intro: string;
  /** "Eva Schmidt (Acme GmbH)". */
  title: string;
  /** The lead's own facts: contact, source, intent, message. */
  lead: Fact[];
  score?: { summary: string; breakdown: Fact[] };
  engagement: string[];
  /** Owner and SLA facts: assignment, deadlines, time waited. */
  sla: Fact[];
  /** The deadline the mail is about, for the HTML call-out. */
  due?: { label: string; at: string; waited?: string; window: string };
  actions?: { until: string; buttons: ActionButton[] };
  leadId: string;
  unit: string;
}

export function brandOf(config: BusinessUnitConfig): Brand {
  const branding = config.branding ?? { primaryColor: '#1d4ed8' };
  const color = safeColor(branding.primaryColor);
  const logoUrl = safeUrl(branding.logoUrl);
  return {
    name: branding.displayName ?? config.displayName,
    color,
    onColor: textColorOn(color),
    ...(logoUrl?.startsWith('https:') ? { logoUrl } : {}),
  };
}

/**
 * The zone a recipient reads times in: the owner's own calendar zone (a rep working elsewhere
 * sees their wall clock), everyone else the unit's.
 */
export function zoneFor(
  lead: Pick<Lead, 'owner'>,
  recipient: string | undefined,
  config: BusinessUnitConfig,
) {
  const owner = lead.owner;
  if (owner && recipient && owner.email.toLowerCase() === recipient.toLowerCase())
    return calendarForOwner(config, owner).timezone;
  return config.timezone;
}

/** "form demo-contact · newsletter / email" from the form and the UTM source and medium. */
function sourceOf(lead: Lead): string | undefined {
  const { formId, utm } = lead.profile;
  const channel = utm?.source ? `${utm.source}${utm.medium ? ` / ${utm.medium}` : ''}` : utm?.medium;
  const parts = [formId ? `form ${formId}` : undefined, channel].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

const signed = (points: number) => (points > 0 ? `+${points}` : String(points));

/** The three latest engagements, newest first. */
function recentEngagement(lead: Lead, tz: string): string[] {
  return [...(lead.engagements ?? [])]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, 3)
    .map((e) => `${e.type} (${localTime(e.at, tz)})`);
}

const present = (facts: Array<Fact | undefined | false>): Fact[] =>
  facts.filter((f): f is Fact => f !== false && f !== undefined && Boolean(f.value));

/** The lead's own facts, in the order every mail shows them. */
export function leadFacts(lead: Lead): Fact[] {
  const p = lead.profile;
  return present([
    { label: 'Lead', value: who(lead) },
    { label: 'Email', value: `${p.email}${p.phone ? ` | Phone: ${p.phone}` : ''}` },
    p.jobTitle !== undefined && { label: 'Title', value: p.jobTitle },
    { label: 'Source', value: sourceOf(lead) ?? '' },
    p.utm?.campaign !== undefined && { label: 'Campaign', value: p.utm.campaign },
    p.intent !== undefined && { label: 'Asked for', value: p.intent },
    p.message !== undefined && { label: 'Message', value: p.message },
  ]);
}

export function scoreOf(lead: Lead): MailView['score'] {
  if (!lead.score) return undefined;
  const s = lead.score;
  return {
    summary: `${s.total} (fit ${s.fit}, engagement ${s.engagement})`,
    breakdown: s.breakdown.map((b) => ({ label: signed(b.points), value: b.description })),
  };
}

function deadlineOf(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
  tz: string,
): MailView['due'] {
  const sla = lead.sla;
  const waited =
    facts.businessMinutesWaited !== undefined ? formatMinutes(facts.businessMinutesWaited) : undefined;
  if (facts.kind === 'decision-overdue')
    return {
      label: 'Accept or reject by',
      at: localTime(sla?.acceptanceDueAt, tz),
      window: `${formatMinutes(config.sla.acceptanceMinutes)} of business time after the first touch`,
    };
  if (facts.kind === 'outcome-overdue')
    return {
      label: 'Outcome due',
      at: localTime(sla?.outcomeDueAt, tz),
      window: `${formatMinutes(config.sla.outcomeMinutes)} of business time after acceptance`,
    };
  if (!sla?.followUpDueAt) return undefined;
  return {
    label: 'First touch due',
    at: localTime(sla.followUpDueAt, tz),
    ...(waited ? { waited } : {}),
    window: `${formatMinutes(config.sla.firstTouchMinutes)} of business time`,
  };
}

function slaFacts(lead: Lead, facts: NotificationFacts, config: BusinessUnitConfig, tz: string): Fact[] {
  const sla = lead.sla;
  const owner = lead.owner;
  return present([
    { label: 'Owner', value: owner ? `${owner.name} <${owner.email}>` : 'unassigned' },
    { label: 'Assigned', value: localTime(sla?.assignedAt, tz) },
    {
      label: 'First touch due',
      value: `${localTime(sla?.followUpDueAt, tz)} (SLA: ${formatMinutes(config.sla.firstTouchMinutes)} of business time)`,
    },
    facts.kind === 'decision-overdue' && {
      label: 'Decision due',
      value: `${localTime(sla?.acceptanceDueAt, tz)} (SLA: ${formatMinutes(config.sla.acceptanceMinutes)} of business time after the first touch)`,
    },
    facts.kind === 'outcome-overdue' && {
      label: 'Outcome due',
      value: `${localTime(sla?.outcomeDueAt, tz)} (SLA: ${formatMinutes(config.sla.outcomeMinutes)} of business time after acceptance)`,
    },
    facts.businessMinutesWaited !== undefined && {
      label: 'Waited so far',
      value: `${formatMinutes(facts.businessMinutesWaited)} of business time`,
    },
  ]);
}

/** The buttons, in the order of LEAD_ACTIONS, for the actions the links were made for. */
export function buttonsOf(links: ActionLinks | undefined): ActionButton[] {
  const buttons: ActionButton[] = [];
  for (const action of LEAD_ACTIONS) {
    const url = safeUrl(links?.urls[action]);
    if (url) buttons.push({ action, label: ACTION_LABELS[action], url });
  }
  return buttons;
}

/**
 * The mail for one recipient. Action links go only into the owner's own copy: they act as the
 * owner, so a manager's or ops' copy never carries them.
 */
export function mailView(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
  options: { recipient?: string; links?: ActionLinks } = {},
): MailView {
  const tz = zoneFor(lead, options.recipient, config);
  const isOwner =
    options.recipient !== undefined && lead.owner?.email.toLowerCase() === options.recipient.toLowerCase();
  const buttons = isOwner ? buttonsOf(options.links) : [];
  return {
    brand: brandOf(config),
    subject: subjectOf(lead, facts, tz),
    headline: headlineOf(facts),
    intro: introOf(lead, facts, config),
    title: who(lead),
    lead: leadFacts(lead),
    score: scoreOf(lead),
    engagement: recentEngagement(lead, tz),
    sla: slaFacts(lead, facts, config, tz),
    due: deadlineOf(lead, facts, config, tz),
    ...(buttons.length && options.links
      ? { actions: { until: localTime(options.links.expiresAt, tz), buttons } }
      : {}),
    leadId: lead.leadId,
    unit: config.name,
  };
}
