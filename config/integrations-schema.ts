/**
 * The unit config's sections for what Leadflow talks to: the spam check (Turnstile), the mails'
 * look, one-click action links, and events in and out over HTTPS. Part of `BusinessUnitConfig`
 * (config/schema.ts, which re-exports them).
 */
import * as z from 'zod';
import { LEADFLOW_EVENTS, type LeadflowEventName } from '../functions/events/catalog.ts';

/** Where a secret lives: an environment variable locally, an SSM SecureString parameter on AWS. */
export const SecretSource = z.discriminatedUnion('source', [
  z.object({ source: z.literal('env'), name: z.string().min(1) }),
  z.object({ source: z.literal('ssm'), name: z.string().startsWith('/') }),
]);

export const TurnstileConfig = z.object({
  /** Where the secret comes from: an env var locally, an SSM SecureString parameter on AWS. */
  secret: SecretSource,
  verifyUrl: z.url().default('https://challenges.cloudflare.com/turnstile/v0/siteverify'),
  siteKey: z.string().optional(),
});

/** How the unit's emails look: its name and colour in the header, an optional https logo (32 px high). */
export const BrandingConfig = z.object({
  /** Defaults to the unit's `displayName`. */
  displayName: z.string().min(1).max(80).optional(),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb')
    .default('#1d4ed8'),
  logoUrl: z.url({ protocol: /^https$/ }).optional(),
});

/**
 * One-click action links in rep mails (I contacted them, Accept, Reject, Not my lead): signed
 * (HMAC-SHA256), expiring, single-use. Without `signingKey` mails carry no links (locally the
 * runtime gives every unit a generated key). `baseUrl`: the public origin of `/actions/{token}`
 * when it is not the HTTP API's URL (a custom domain).
 */
export const ActionsConfig = z.object({
  /** At least 32 bytes; an SSM SecureString on AWS, read once per cold start. */
  signingKey: SecretSource.optional(),
  linkTtlHours: z.number().int().min(1).max(336).default(72),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * Events in and out over HTTPS, for tools without AWS access (README "Events in and out").
 * `inbound`: `POST /events/engagement` (marketing tools) and `POST /events/activity` (CRMs),
 * signed with HMAC-SHA256 under `signingKey` (at least 32 bytes; without it the routes answer
 * 404; locally the runtime gives every unit a generated key). `webhook`: an EventBridge API
 * destination pushing the chosen lifecycle events to a CRM URL, authenticated with a header whose
 * value is the Secrets Manager secret `auth.secretName`.
 */
export const EventsConfig = z.object({
  inbound: z.object({ signingKey: SecretSource }).optional(),
  webhook: z
    .object({
      url: z.url({ protocol: /^https$/ }),
      /** Leadflow's own events (source `leadflow`) to push, e.g. LeadAssigned, LeadConverted. */
      detailTypes: z.array(z.enum(Object.keys(LEADFLOW_EVENTS) as [LeadflowEventName])).min(1),
      auth: z.object({
        /** The header the CRM reads the secret from. */
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
          .default('authorization'),
        /** A Secrets Manager secret (plain string) created before the deploy; never in this file. */
        secretName: z.string().min(1),
      }),
      /** Invocations per second EventBridge makes at most (the CRM's rate limit). */
      rateLimitPerSecond: z.number().int().min(1).max(300).default(10),
    })
    .optional(),
});
