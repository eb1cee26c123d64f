/**
 * The `agreement` section of a business unit's config: what marketing and sales owe each other,
 * versioned, and how the scorecard alerts, mails and plans. `config/schema.ts` builds it with its
 * own `FieldPredicate` (`agreement: agreementConfigSchema(FieldPredicate)`), so a unit file that
 * sets it wrongly fails `cdk synth` with the field path, like every other section.
 *
 * Kept here rather than inline in config/schema.ts to keep that file small; it imports only zod
 * and types, so config/schema.ts can import it without a cycle.
 */
import * as z from 'zod';
import type { FieldPredicate } from '../../../config/schema.ts';

const share = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const planningRate = z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').optional();

const isCalendarDate = (d: string): boolean => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function agreementConfigSchema(predicate: z.ZodType<FieldPredicate>) {
  /** A share of the monthly SQL commitment owed for one segment (a region, a size band, ...). */
  const segment = z.object({
    /** Stable id, the scorecard's segment value. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
    description: z.string().optional(),
    /** Which SQLs count toward this segment, on the lead at hand-off; the first matching segment wins. */
    when: predicate,
    sqlsPerMonth: z.number().int().min(0),
  });

  const marketing = z
    .object({
      /** SQLs marketing hands to sales per calendar month, paced over the month's business days. */
      sqlsPerMonth: z.number().int().min(0),
      /** Optional split of the commitment; segments may add up to less than the total, never more. */
      bySegment: z.array(segment).min(1).optional(),
      /** The quality bar: the share of decided SQLs that sales accepts. */
      minAcceptanceRate: share.default(0.7),
    })
    .superRefine((m, ctx) => {
      const segments = m.bySegment ?? [];
      segments.forEach((s, i) => {
        if (segments.findIndex((o) => o.id === s.id) !== i)
          ctx.addIssue({
            code: 'custom',
            path: ['bySegment', i, 'id'],
            message: `duplicate segment '${s.id}'`,
          });
      });
      const sum = segments.reduce((n, s) => n + s.sqlsPerMonth, 0);
      if (sum > m.sqlsPerMonth)
        ctx.addIssue({
          code: 'custom',
          path: ['bySegment'],
          message: `segments add up to ${sum} SQLs a month, more than sqlsPerMonth (${m.sqlsPerMonth})`,
        });
    });

  const version = z.object({
    /** First local day (unit time zone) this version is in force, YYYY-MM-DD. */
    effectiveFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
      .refine(isCalendarDate, { message: 'must be a real calendar date' }),
    /** What changed, in a sentence: shown in the version history. */
    summary: z.string().optional(),
    marketing,
    sales: z
      .object({
        /** Share of hand-offs touched within the first-touch SLA (`sla.firstTouchMinutes`). */
        firstTouchWithinSlaRate: share.default(0.9),
        /** Share of touched hand-offs accepted or rejected within `sla.acceptanceMinutes`. */
        decisionWithinWindowRate: share.default(0.9),
      })
      .prefault({}),
  });

  return z.object({
    /**
     * At least one version, sorted by `effectiveFrom`, one per date. A lead is judged by the
     * version in force on the local day it was handed off to sales.
     */
    versions: z
      .array(version)
      .min(1, 'needs at least one version')
      .superRefine((versions, ctx) => {
        versions.forEach((v, i) => {
          const previous = versions[i - 1];
          if (previous && v.effectiveFrom <= previous.effectiveFrom)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'effectiveFrom'],
              message:
                v.effectiveFrom === previous.effectiveFrom
                  ? `two versions take effect on ${v.effectiveFrom}`
                  : `must come after the previous version's ${previous.effectiveFrom} (keep versions sorted)`,
            });
        });
      }),
    /** When the scorecard alerts a side falling behind (each at most once per period and threshold). */
    paceAlerts: z
      .object({
        /** Marketing: SQLs delivered this share below the commitment expected so far (pace < 1 - x). */
        marketingBehindBy: share.default(0.15),
        /** Sales: a rate this many points below its target (0.05 = 5 points). */
        salesBelowBy: share.default(0.05),
        /** No alert before this many business days of the period have passed. */
        minBusinessDaysElapsed: z.number().min(0).default(3),
        /** No sales alert on fewer judged hand-offs than this. */
        minJudgedLeads: z.number().int().min(1).default(10),
      })
      .prefault({}),
    /**
     * Who hears about the agreement: pace alerts go to their side, the weekly digest to both.
     * Sales defaults to `email.alertRecipients.salesManagers`, either side without anyone to ops.
     */
    recipients: z
      .object({ marketing: z.array(z.email()).default([]), sales: z.array(z.email()).default([]) })
      .prefault({}),
    /** The weekly scorecard digest goes out on this weekday at this local time (unit time zone). */
    digest: z
      .object({
        weekday: z.enum(WEEKDAYS).default('mon'),
        localTime: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)')
          .default('08:00'),
      })
      .prefault({}),
    /** Entered fallbacks for the planning calculator, used until history has enough observations. */
    planning: z
      .object({
        /** ISO 4217 code of revenue goals and deal sizes. */
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
          .default('EUR'),
        averageDealSize: z.number().positive().optional(),
        rates: z
          .object({
            leadToMql: planningRate,
            mqlToSql: planningRate,
            sqlToAccepted: planningRate,
            acceptedToWon: planningRate,
          })
          .default({}),
        /** A measured rate or deal size replaces the entered one from this many observations on. */
        minMeasuredSample: z.number().int().min(1).default(30),
      })
      .prefault({}),
  });
}
