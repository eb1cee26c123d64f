/**
 * Who may read the agreement's reports, and in which format they get them.
 *
 * The role model has two roles (ops, rep); a sales manager is a person the unit's config names:
 * a team's `manager.email` or one of `email.alertRecipients.salesManagers`, recognised by the
 * token's verified email whatever its role. The scorecard and the plan are for ops and managers;
 * the agreement itself is for everyone it binds: ops, managers and reps.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { Caller } from './caller.ts';
import { HttpProblem } from './problem.ts';

export function isSalesManager(caller: Caller, config: BusinessUnitConfig): boolean {
  if (caller.verifiedEmail === undefined) return false;
  const managers = [
    ...config.routing.teams.map((t) => t.manager.email),
    ...config.email.alertRecipients.salesManagers,
  ];
  return managers.some((email) => email.toLowerCase() === caller.verifiedEmail);
}

export const mayReadScorecard = (caller: Caller, config: BusinessUnitConfig): boolean =>
  caller.roles.has('ops') || isSalesManager(caller, config);

export const mayReadAgreement = (caller: Caller, config: BusinessUnitConfig): boolean =>
  caller.roles.size > 0 || isSalesManager(caller, config);

export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);

export const MEDIA_TYPES = {
  json: 'application/json',
  html: 'text/html',
  csv: 'text/csv',
  markdown: 'text/markdown',
  text: 'text/plain',
} as const;
export type ReportFormat = keyof typeof MEDIA_TYPES;

/**
 * The format to answer in: `?format=` when given (a link a person can share), else the first
 * media range of `Accept` by quality that the route offers (`*\/*` or no header: the first
 * offered). 406 when nothing matches.
 */
export function negotiate(
  offered: readonly ReportFormat[],
  format: string | undefined,
  accept: string | undefined,
): ReportFormat {
  const [fallback] = offered;
  if (!fallback) throw new Error('a route offers at least one format');
  const notAcceptable = () =>
    new HttpProblem(
      406,
      'Not acceptable',
      `Available as ${offered.map((f) => `${f} (${MEDIA_TYPES[f]})`).join(', ')}; ask with ?format= or Accept.`,
    );
  if (format !== undefined) {
    const chosen = offered.find((f) => f === format.toLowerCase());
    if (!chosen) throw notAcceptable();
    return chosen;
  }
  if (!accept?.trim()) return fallback;
  const ranges = accept
    .split(',')
    .map((part, order) => {
      const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { range, q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { range } of ranges) {
    if (range === '*/*') return fallback;
    const [type] = range.split('/');
    const chosen = offered.find(
      (f) => MEDIA_TYPES[f] === range || (range.endsWith('/*') && MEDIA_TYPES[f].startsWith(`${type}/`)),
    );
    if (chosen) return chosen;
  }
  throw notAcceptable();
}
