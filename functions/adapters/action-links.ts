/** Signs the one-click links of rep mails with the unit's key (see domain/action-links.ts). */
import { randomBytes } from 'node:crypto';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { type ActionLinks, claimsFor, signActionToken } from '../domain/action-links.ts';
import type { Lead } from '../domain/lead.ts';
import type { ActionLinkIssuer } from '../use-cases/ports.ts';

/** The path every link points at; `GET` shows a confirmation page, its form `POST`s back. */
export const ACTIONS_PATH = '/actions';

export class SignedActionLinks implements ActionLinkIssuer {
  private readonly base: string | undefined;

  constructor(
    private readonly config: BusinessUnitConfig,
    /** Where `/actions/{token}` is served: the unit's `actions.baseUrl`, else the API's URL. */
    baseUrl: string | undefined,
    private readonly key: () => Promise<Uint8Array | undefined>,
  ) {
    this.base = (config.actions?.baseUrl ?? baseUrl)?.replace(/\/+$/, '');
  }

  async linksFor(lead: Lead, now: Date): Promise<ActionLinks | undefined> {
    if (!this.base) return undefined;
    const ttl = this.config.actions?.linkTtlHours ?? 72;
    const claims = claimsFor(lead, now, ttl, () => randomBytes(16).toString('base64url'));
    const first = claims[0];
    if (!first) return undefined;
    const key = await this.key();
    if (!key) return undefined;
    return {
      expiresAt: new Date(first.e * 1000).toISOString(),
      urls: Object.fromEntries(
        claims.map((c) => [c.a, `${this.base}${ACTIONS_PATH}/${signActionToken(c, key)}`]),
      ),
    };
  }
}
