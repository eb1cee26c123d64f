/**
 * The plain-text version of a mail, complete on its own: a reader without HTML gets every fact
 * and every action link. The body keeps its line structure; only the values inside each line
 * are flattened to one line.
 */
import type { Fact, MailView } from './facts.ts';
import { oneLine } from './format.ts';

const line = (f: Fact) => `${f.label}: ${f.value}`;

export function renderText(view: MailView): string {
  const lines = [
    ...view.lead.map(line),
    ...(view.score
      ? [`Score: ${view.score.summary}`, ...view.score.breakdown.map((b) => `  ${b.label} ${b.value}`)]
      : []),
    ...(view.engagement.length ? [`Recent engagement: ${view.engagement.join(', ')}`] : []),
    ...view.sla.map(line),
    `Lead id: ${view.leadId} (business unit ${view.unit})`,
  ];
  const actions = view.actions
    ? [
        '',
        `One click (each link works once, until ${view.actions.until}):`,
        ...view.actions.buttons.map((b) => `${b.label}: ${b.url}`),
      ]
    : [];
  return `${oneLine(view.intro)}\n\n${[...lines, ...actions].map(oneLine).join('\n')}\n\n— Leadflow (${oneLine(view.brand.name)})\n`;
}
