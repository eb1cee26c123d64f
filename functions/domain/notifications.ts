/**
 * The emails reps, managers and ops receive, as text and HTML: who the lead is (contact,
 * source and campaign, intent, score with its breakdown, recent engagement), what happened,
 * how long it has waited against the SLA and when it is due in the reader's time, and, in the
 * owner's own copy, one-click action links.
 *
 * Rendering is pure and split by concern (notifications/): `facts.ts` builds one view per
 * recipient, `wording.ts` holds what each kind says, `text.ts` and `html.ts` render the view,
 * `digest.ts` is the daily digest per rep.
 */
import type { AlertAudience, BusinessUnitConfig } from '../../config/schema.ts';
import type { ActionLinks } from './action-links.ts';
import type { Lead } from './lead.ts';
import { mailView } from './notifications/facts.ts';
import { oneLine } from './notifications/format.ts';
import { renderHtml } from './notifications/html.ts';
import { renderText } from './notifications/text.ts';
import type { EmailMessage, NotificationFacts } from './notifications/types.ts';

export { composeDigest, type DigestEntry, type DigestRep } from './notifications/digest.ts';
export type { EmailMessage, NotificationFacts, NotificationKind } from './notifications/types.ts';

export function recipients(lead: Lead, audiences: AlertAudience[], config: BusinessUnitConfig): string[] {
  const to = new Set<string>();
  for (const audience of audiences) {
    if (audience === 'rep' && lead.owner?.email) to.add(lead.owner.email);
    if (audience === 'manager') {
      if (lead.owner?.managerEmail) to.add(lead.owner.managerEmail);
      for (const email of config.email.alertRecipients.salesManagers) to.add(email);
    }
    if (audience === 'ops') for (const email of config.email.alertRecipients.ops) to.add(email);
  }
  return [...to];
}

/** One recipient's copy: subject, text and HTML from the same view. */
function render(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
  options: { recipient?: string; links?: ActionLinks },
): Omit<EmailMessage, 'to'> {
  const view = mailView(lead, facts, config, options);
  return { subject: oneLine(view.subject), text: renderText(view), html: renderHtml(view) };
}

/**
 * The alert as every recipient would read it without action links (times in the unit's zone),
 * addressed to all of them: what tests and previews look at.
 */
export function composeNotification(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
): EmailMessage {
  return { to: recipients(lead, facts.audiences, config), ...render(lead, facts, config, {}) };
}

/**
 * One message per recipient, as the lifecycle sends them: the owner's copy carries `links`
 * (signed for the owner) and the owner's local times; everyone else's carries neither.
 */
export function composeNotifications(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
  links?: ActionLinks,
): EmailMessage[] {
  return recipients(lead, facts.audiences, config).map((to) => ({
    to: [to],
    ...render(lead, facts, config, { recipient: to, links }),
  }));
}
