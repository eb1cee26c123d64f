/**
 * The smarketing agreement as code: one typed, validated file per business unit.
 *
 * Everything a business unit can tune lives here; domain code receives the parsed
 * `BusinessUnitConfig` and never reads environment variables or files itself.
 */
import * as z from 'zod';
import { agreementConfigSchema } from '../functions/domain/agreement/config.ts';
import {
  ActionsConfig,
  BrandingConfig,
  EventsConfig,
  SecretSource,
  TurnstileConfig,
} from './integrations-schema.ts';

export { ActionsConfig, BrandingConfig, EventsConfig, SecretSource, TurnstileConfig };

const isIanaZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const IanaTimezone = z
  .string()
  .refine(isIanaZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24h)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const email = z.email();

/** Opening hours as [start, end) pairs per weekday in local wall-clock time. */
export const WeeklyHours = z.object({
  mon: z.array(z.tuple([hhmm, hhmm])).default([]),
  tue: z.array(z.tuple([hhmm, hhmm])).default([]),
  wed: z.array(z.tuple([hhmm, hhmm])).default([]),
  thu: z.array(z.tuple([hhmm, hhmm])).default([]),
  fri: z.array(z.tuple([hhmm, hhmm])).default([]),
  sat: z.array(z.tuple([hhmm, hhmm])).default([]),
  sun: z.array(z.tuple([hhmm, hhmm])).default([]),
});
export type WeeklyHours = z.infer<typeof WeeklyHours>;

export const BusinessCalendar = z
  .object({
    timezone: IanaTimezone,
    weekly: WeeklyHours,
    /** Whole local days on which the clock does not run. */
    holidays: z.array(isoDate).default([]),
  })
  .refine((c) => Object.values(c.weekly).some((ranges) => ranges.length > 0), {
    message: 'at least one weekday needs opening hours, or no business-hours deadline could ever be met',
    path: ['weekly'],
  });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/**
 * A predicate on lead fields. Kept declarative (no functions) so a business unit file
 * stays data that ops can review, diff and validate.
 */
export type FieldPredicate =
  | { field: string; op: 'exists' }
  | { field: string; op: 'equals'; value: string | number | boolean }
  | { field: string; op: 'in'; values: Array<string | number> }
  | { field: string; op: 'matches'; pattern: string }
  | { field: string; op: 'gte' | 'lte'; value: number }
  | { field: 'email'; op: 'freeMailDomain' | 'businessEmail' }
  | { all: FieldPredicate[] }
  | { any: FieldPredicate[] }
  | { not: FieldPredicate };

export const FieldPredicate: z.ZodType<FieldPredicate> = z.lazy(() =>
  z.union([
    z.object({ field: z.string(), op: z.literal('exists') }),
    z.object({
      field: z.string(),
      op: z.literal('equals'),
      value: z.union([z.string(), z.number(), z.boolean()]),
    }),
    z.object({
      field: z.string(),
      op: z.literal('in'),
      values: z.array(z.union([z.string(), z.number()])).min(1),
    }),
    z.object({
      field: z.string(),
      op: z.literal('matches'),
      pattern: z.string().refine(
        (p) => {
          try {
            new RegExp(p, 'i');
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be a valid regular expression' },
      ),
    }),
    z.object({ field: z.string(), op: z.enum(['gte', 'lte']), value: z.number() }),
    z.object({ field: z.literal('email'), op: z.enum(['freeMailDomain', 'businessEmail']) }),
    z.object({ all: z.array(FieldPredicate).min(1) }),
    z.object({ any: z.array(FieldPredicate).min(1) }),
    z.object({ not: FieldPredicate }),
  ]),
);

export const EngagementType = z.enum([
  'form-resubmitted',
  'email-opened',
  'email-clicked',
  'page-visited',
  'pricing-page-visited',
  'webinar-attended',
  'content-downloaded',
  'demo-requested',
]);
export type EngagementType = z.infer<typeof EngagementType>;

export const ScoringConfig = z.object({
  fitRules: z
    .array(
      z.object({ id: z.string(), description: z.string(), when: FieldPredicate, points: z.number().int() }),
    )
    .default([]),
  engagementPoints: z.partialRecord(EngagementType, z.number().int()).default({}),
  /** Engagement points lose half their value every this many days. */
  engagementHalfLifeDays: z.number().positive().default(30),
  /**
   * At most `perType` engagements of one type score within `periodDays` (a re-submission storm
   * or a tracking loop cannot push a lead to SQL); the rest are recorded but score nothing.
   */
  engagementCap: z
    .object({ perType: z.number().int().positive(), periodDays: z.number().positive() })
    .default({ perType: 3, periodDays: 30 }),
});
export type ScoringConfig = z.infer<typeof ScoringConfig>;

export const QualificationConfig = z.object({
  mqlThreshold: z.number().int().default(30),
  sqlThreshold: z.number().int().default(60),
  /** Lead fields that must be present before a lead can become an SQL. */
  sqlRequiredFields: z.array(z.string()).default(['company']),
  /** Intents that mean "talk to me now": they qualify at once when the required fields are there. */
  handRaiserIntents: z.array(z.string()).default(['contact-sales', 'demo']),
  handRaiserRequiresBusinessEmail: z.boolean().default(true),
  disqualifyWhen: z.array(z.object({ reason: z.string(), when: FieldPredicate })).default([]),
});
export type QualificationConfig = z.infer<typeof QualificationConfig>;

export const NurtureConfig = z.object({
  /** How long one nurture wait lasts before the lead is re-scored (score decay applies). */
  checkIntervalHours: z
    .number()
    .positive()
    .default(24 * 7),
  /** Upper bound on nurture; then the lead is recycled or disqualified. */
  maxNurtureDays: z.number().positive().default(180),
  onExpiry: z.enum(['recycle', 'disqualify']).default('disqualify'),
});
export type NurtureConfig = z.infer<typeof NurtureConfig>;

export const OutOfOffice = z.object({ from: isoDate, to: isoDate, note: z.string().optional() });

export const Rep = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
  name: z.string().min(1),
  email,
  /** Relative share of leads for weighted teams. */
  weight: z.number().positive().default(1),
  /** Maximum open (assigned, not yet accepted/rejected/closed) leads. */
  capacity: z.number().int().positive().default(25),
  /** The rep's own working hours; defaults to the unit's calendar. */
  calendar: BusinessCalendar.optional(),
  outOfOffice: z.array(OutOfOffice).default([]),
  active: z.boolean().default(true),
});
export type Rep = z.infer<typeof Rep>;

export const Team = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
  name: z.string(),
  strategy: z.enum(['round-robin', 'weighted']).default('round-robin'),
  manager: z.object({ name: z.string(), email }),
  members: z.array(Rep).min(1),
});
export type Team = z.infer<typeof Team>;

export const RoutingConfig = z.object({
  /** First matching rule wins. */
  rules: z.array(z.object({ id: z.string(), when: FieldPredicate, team: z.string() })).default([]),
  defaultTeam: z.string(),
  teams: z.array(Team).min(1),
  /** Who gets the lead when no rep is eligible (everyone full, away or off-hours). */
  fallback: z.object({ name: z.string(), email }),
  /** Skip reps outside their working hours at handoff time. */
  skipOffHoursReps: z.boolean().default(false),
});
export type RoutingConfig = z.infer<typeof RoutingConfig>;

export const DEFAULT_REJECTION_REASONS = [
  ...['Not a fit (size, industry or region)', 'No budget or timing', 'No real interest'],
  ...['Wrong contact person', 'Existing customer or partner', 'Competitor', 'Spam or fake details'],
] as const;

export const AlertAudience = z.enum(['rep', 'manager', 'ops']);
export type AlertAudience = z.infer<typeof AlertAudience>;

export const SlaConfig = z.object({
  /** Business minutes from assignment to the first touch. */
  firstTouchMinutes: z.number().int().positive().default(120),
  /** Remind the rep when this share of the first-touch window has passed. */
  reminderAtPercent: z.number().int().min(1).max(99).default(75),
  /** After a breach: each level waits this many business minutes, then alerts. */
  escalation: z
    .array(z.object({ afterMinutes: z.number().int().positive(), notify: z.array(AlertAudience).min(1) }))
    .default([{ afterMinutes: 60, notify: ['rep', 'manager'] }]),
  /** After the last escalation level the lead moves to the next eligible rep, at most this often. */
  maxReassignments: z.number().int().min(0).default(2),
  /** Business minutes from first touch until the rep must accept or reject. */
  acceptanceMinutes: z
    .number()
    .int()
    .positive()
    .default(60 * 8 * 2),
  minTouchAttempts: z.number().int().min(1).default(1),
  /** Business minutes from acceptance until the outcome (won/lost) must be recorded. */
  outcomeMinutes: z
    .number()
    .int()
    .positive()
    .default(60 * 8 * 30),
  /** What a rep picks from when rejecting from a mail's action link (plus a note; "Other" needs one). */
  rejectionReasons: z
    .array(z.string().trim().min(1).max(80))
    .min(1)
    .default([...DEFAULT_REJECTION_REASONS]),
});
export type SlaConfig = z.infer<typeof SlaConfig>;

/**
 * The two-sided agreement (marketing and sales): versioned commitments and targets, pace alerts,
 * the weekly digest and planning fallbacks. Fields, defaults and checks live in
 * functions/domain/agreement/config.ts; the figures it drives are explained in docs/scorecard.md.
 */
export const AgreementConfig = agreementConfigSchema(FieldPredicate);
export type AgreementConfig = z.infer<typeof AgreementConfig>;
export type AgreementConfigInput = z.input<typeof AgreementConfig>;
export type AgreementVersion = AgreementConfig['versions'][number];
export type AgreementSegment = NonNullable<AgreementVersion['marketing']['bySegment']>[number];

export const BusinessUnitConfig = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'must be a lower-case slug (it names the stack)'),
  displayName: z.string().min(1),
  timezone: IanaTimezone,
  capture: z.object({
    allowedOrigins: z.array(z.url()).min(1),
    /** The first entry is the default thank-you page; a form may ask for any other listed one. */
    thankYouUrls: z.array(z.url()).min(1),
    maxBodyBytes: z.number().int().positive().max(262_144).default(16_384),
    /**
     * API Gateway throttling of `POST /leads` alone (steady requests per second and burst), below
     * the stage-wide limit, so a form flood cannot starve the authenticated routes.
     */
    throttle: z
      .object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() })
      .default({ rateLimit: 10, burstLimit: 20 }),
    /**
     * Optional: put CloudFront with an AWS WAF web ACL in front of `POST /leads`, blocking a
     * source IP that sends more than this many requests in 5 minutes. Needs `aws.region` (the
     * web ACL is deployed in us-east-1, as CloudFront requires).
     */
    edgeRateLimit: z.object({ requestsPer5Minutes: z.number().int().min(10).max(2_000_000_000) }).optional(),
    /**
     * Limits the function enforces per client, with counters in the table: requests per source
     * address per minute (not counted when `edgeRateLimit` puts WAF in front, which counts them
     * by viewer address instead), and the shortest gap between two submissions of one email.
     * 0 switches a limit off.
     */
    rateLimit: z
      .object({
        perSourcePerMinute: z.number().int().min(0).default(30),
        minSecondsBetweenSubmissions: z.number().int().min(0).default(5),
      })
      .default({ perSourcePerMinute: 30, minSecondsBetweenSubmissions: 5 }),
    /**
     * Server-side integrations (a CRM, a marketing tool) that post leads without a browser form:
     * they send `X-Leadflow-Api-Key`, whose SHA-256 (hex) is listed here, and skip the form's
     * spam signals. Only the hash is stored, so the file can be reviewed and committed.
     */
    apiClients: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
          keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
        }),
      )
      .default([]),
  }),
  email: z.object({
    sender: email,
    alertRecipients: z.object({ ops: z.array(email).min(1), salesManagers: z.array(email).default([]) }),
    /**
     * Each rep's daily digest of their open leads, at `localTime` in the rep's own time zone (their
     * calendar's, else the unit's), on the business days of that calendar. `enabled: false`
     * removes its schedule.
     */
    repDigest: z
      .object({
        enabled: z.boolean().default(true),
        localTime: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)')
          .default('08:00'),
      })
      .default({ enabled: true, localTime: '08:00' }),
  }),
  spam: z.object({
    honeypotField: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/i)
      .default('website_url'),
    /** Forms filled faster than this are bots. Needs the form to send `formRenderedAt` (epoch ms). */
    minFillSeconds: z.number().min(0).default(3),
    /**
     * A submission without an API key must carry the form's signals: the honeypot field
     * (present and empty) and `formRenderedAt`. Leaving them out is how a bot skips the checks.
     */
    requireFormSignals: z.boolean().default(true),
    turnstile: TurnstileConfig.optional(),
  }),
  auth: z
    .object({
      /** Use an external OIDC issuer instead of the Cognito user pool the stack creates. */
      oidc: z.object({ issuer: z.url(), audience: z.array(z.string()).min(1) }).optional(),
      /** Claim holding the caller's roles (Cognito groups by default). */
      rolesClaim: z.string().default('cognito:groups'),
      /**
       * MFA for the stack's Cognito user pool (TOTP apps only, never SMS): `required` for every
       * user, `optional` (each user may enrol), or `off`. Ignored with `oidc` (the issuer decides).
       */
      mfa: z.enum(['required', 'optional', 'off']).default('required'),
    })
    .default({ rolesClaim: 'cognito:groups', mfa: 'required' }),
  calendar: BusinessCalendar,
  scoring: ScoringConfig.default({
    fitRules: [],
    engagementPoints: {},
    engagementHalfLifeDays: 30,
    engagementCap: { perType: 3, periodDays: 30 },
  }),
  qualification: QualificationConfig,
  nurture: NurtureConfig,
  routing: RoutingConfig,
  sla: SlaConfig,
  branding: BrandingConfig.default({ primaryColor: '#1d4ed8' }),
  actions: ActionsConfig.default({ linkTtlHours: 72 }),
  events: EventsConfig.default({}),
  agreement: AgreementConfig,
  logRetentionDays: z.number().int().positive().default(30),
  /**
   * Where the unit's stack deploys (data residency: its table, logs and queues stay in `region`).
   * `account` defaults to the CLI's account (CDK_DEFAULT_ACCOUNT). Without `aws`, the stack is
   * environment-agnostic and deploys to the CLI's account and region.
   */
  aws: z
    .object({
      region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-central-1'),
      account: z
        .string()
        .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
        .optional(),
    })
    .optional(),
});
export type BusinessUnitConfig = z.infer<typeof BusinessUnitConfig>;
export type BusinessUnitConfigInput = z.input<typeof BusinessUnitConfig>;
