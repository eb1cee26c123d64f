/**
 * Restarts lifecycles parked as failed. RecordFailure leaves the lead in stage `failed` with
 * `failure.stage`, the stage it failed in; a redrive moves it back there (a conditional write:
 * only from `failed`, so two runs cannot both win) and starts a new execution that enters
 * through Resume at that stage. Each lead is restarted once per failure: a second run finds
 * nothing in `failed` and starts nothing.
 */
import type { Lead, LeadStatus, Stage } from '../../functions/domain/lead.ts';
import type { LeadChange } from '../../functions/domain/lead-change.ts';
import { timelineEntry } from '../../functions/domain/timeline.ts';
import { emptyLeadRedrive, errorText, type LeadRedrive } from './report.ts';

export interface FailedLeadPorts {
  leads: {
    /** Lead ids with a status (gsi1 `LEADS#<status>`, every page). */
    leadIdsWithStatus(status: LeadStatus): AsyncIterable<string>;
    get(leadId: string): Promise<Lead | undefined>;
    /** Throws ConditionalCheckFailedException when `onlyFromStages` does not hold. */
    transition(leadId: string, change: LeadChange, now: Date): Promise<Lead>;
  };
  startExecution(
    name: string,
    input: { leadId: string; resumeAt: Stage },
  ): Promise<'started' | 'already-running'>;
  now(): Date;
}

/** `<leadId>-r<epoch seconds>`: apart from the first execution (`<leadId>`) and continue-as-new (`-g<n>`). */
export const redriveExecutionName = (leadId: string, now: Date): string =>
  `${leadId}-r${Math.floor(now.getTime() / 1000)}`;

const conditionFailed = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** Restarts every failed lead at its stage; a dry run only says which it would restart. */
export async function restartFailedLeads(
  ports: FailedLeadPorts,
  options: { dryRun: boolean },
): Promise<LeadRedrive> {
  const result = emptyLeadRedrive();
  const ids = new Set<string>();
  for await (const leadId of ports.leads.leadIdsWithStatus('failed')) ids.add(leadId);
  for (const leadId of ids) {
    try {
      await restartOne(ports, leadId, options, result);
    } catch (error) {
      result.failed.push({ leadId, error: errorText(error) });
    }
  }
  return result;
}

async function restartOne(
  ports: FailedLeadPorts,
  leadId: string,
  options: { dryRun: boolean },
  result: LeadRedrive,
): Promise<void> {
  const lead = await ports.leads.get(leadId);
  // The index is eventually consistent: a lead redriven a moment ago may still be listed.
  if (lead?.stage !== 'failed') {
    result.skipped.push({ leadId, reason: lead ? `now in stage ${lead.stage}` : 'no such lead' });
    return;
  }
  const stage = lead.failure?.stage;
  if (!stage || stage === 'failed') {
    result.failed.push({ leadId, error: 'failed without a recorded failure stage: resume it by hand' });
    return;
  }
  const now = ports.now();
  const execution = redriveExecutionName(leadId, now);
  if (options.dryRun) {
    result.restarted.push({ leadId, stage, execution });
    return;
  }
  try {
    await ports.leads.transition(
      leadId,
      {
        stage,
        onlyFromStages: ['failed'],
        timeline: [timelineEntry(now, 'redriven', 'Redriven by ops', { resumeAt: stage, execution })],
      },
      now,
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    result.skipped.push({ leadId, reason: 'no longer failed (redriven by someone else)' });
    return;
  }
  try {
    await ports.startExecution(execution, { leadId, resumeAt: stage });
    result.restarted.push({ leadId, stage, execution });
  } catch (error) {
    result.failed.push({
      leadId,
      error: `${errorText(error)}; ${await parkAgain(ports, leadId, stage, execution)}`,
    });
  }
}

/** The execution did not start: the lead goes back to `failed`, so the next run tries again. */
async function parkAgain(
  ports: FailedLeadPorts,
  leadId: string,
  stage: Stage,
  execution: string,
): Promise<string> {
  const now = ports.now();
  try {
    await ports.leads.transition(
      leadId,
      {
        stage: 'failed',
        onlyFromStages: [stage],
        timeline: [timelineEntry(now, 'redrive-failed', `Redrive could not start execution ${execution}`)],
      },
      now,
    );
    return 'parked as failed again, a re-run retries it';
  } catch (error) {
    return (
      `left in stage ${stage} without an execution (${errorText(error)}): start ${execution} by hand ` +
      `with input {"leadId":"${leadId}","resumeAt":"${stage}"}`
    );
  }
}
