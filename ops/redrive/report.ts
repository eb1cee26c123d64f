/**
 * What a redrive did (or, with --dry-run, would do), in one shape for the AWS and the local
 * runtime paths: the command prints it, and the local runtime answers it as JSON.
 */
import type { Stage } from '../../functions/domain/lead.ts';

/** One parked message, as far as it could be read. */
export interface ParkedSummary {
  messageId: string;
  eventId?: string;
  detailType?: string;
  leadId?: string;
}

export interface EventRedrive {
  /** The dead-letter queue (its output name) or `local-bus`. */
  source: string;
  /** Put back on the bus, then removed from the queue (dry run: would be). */
  redriven: ParkedSummary[];
  /** Left in the queue, and why. */
  kept: Array<ParkedSummary & { reason: string }>;
  /** SQS's approximate depth when a dry run looked (it peeks at a sample only). */
  approximateCount?: number;
}

export interface LeadRedrive {
  /** Moved back to the stage they failed in, each with the execution that resumes it (dry run: would be). */
  restarted: Array<{ leadId: string; stage: Stage; execution: string }>;
  /** Nothing to do: no longer failed (another run, or a stale index entry). */
  skipped: Array<{ leadId: string; reason: string }>;
  /** Could not be restarted: an operator has to look. */
  failed: Array<{ leadId: string; error: string }>;
}

export interface RedriveReport {
  unit: string;
  /** `aws` (the deployed stack) or the local runtime's URL. */
  target: string;
  dryRun: boolean;
  events: EventRedrive[];
  leads: LeadRedrive;
  /** Failures that stopped a whole part (stack not found, runtime unreachable). */
  errors: string[];
}

export const emptyLeadRedrive = (): LeadRedrive => ({ restarted: [], skipped: [], failed: [] });

/** Everything the redrive could not handle: non-zero means the command exits non-zero. */
export function problemCount(report: RedriveReport): number {
  return (
    report.errors.length +
    report.leads.failed.length +
    report.events.reduce((sum, source) => sum + source.kept.length, 0)
  );
}

const describe = (m: ParkedSummary): string =>
  [m.detailType ?? 'unreadable message', m.eventId ?? m.messageId, m.leadId ? `lead ${m.leadId}` : '']
    .filter(Boolean)
    .join(' ');

/** The report as the command prints it: counts first, then every event and lead id. */
export function formatReport(report: RedriveReport): string {
  const would = report.dryRun ? 'would ' : '';
  const lines = [`Redrive of unit ${report.unit} on ${report.target}${report.dryRun ? ' (dry run)' : ''}`];
  lines.push('Parked events:');
  if (report.events.length === 0) lines.push('  no dead-letter queue was read');
  for (const source of report.events) {
    const approx = source.approximateCount === undefined ? '' : ` (about ${source.approximateCount} queued)`;
    lines.push(
      `  ${source.source}: ${source.redriven.length} ${would}put back on the bus, ${source.kept.length} kept${approx}`,
    );
    for (const m of source.redriven) lines.push(`    ${would}redrive ${describe(m)}`);
    for (const m of source.kept) lines.push(`    kept ${describe(m)}: ${m.reason}`);
  }
  const { restarted, skipped, failed } = report.leads;
  lines.push(
    `Failed lifecycles: ${restarted.length} ${would}restart, ${skipped.length} skipped, ${failed.length} could not be restarted`,
  );
  for (const r of restarted)
    lines.push(`  ${would}restart ${r.leadId} at ${r.stage} (execution ${r.execution})`);
  for (const s of skipped) lines.push(`  skipped ${s.leadId}: ${s.reason}`);
  for (const f of failed) lines.push(`  FAILED ${f.leadId}: ${f.error}`);
  for (const e of report.errors) lines.push(`ERROR ${e}`);
  const problems = problemCount(report);
  lines.push(problems === 0 ? 'Done: nothing left to handle.' : `${problems} problem(s) left: see above.`);
  return lines.join('\n');
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
