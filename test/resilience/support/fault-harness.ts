/**
 * A per-test local runtime (test/support/local-harness.ts, manual clock) with the fault
 * injector on the process-wide SDK clients. Every test starts without faults; after it, the
 * faults it injected are printed by kind and service, and the file's totals after all of them.
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { type Harness, harnessPerTest } from '../../support/local-harness.ts';
import { FaultInjector, type InjectedFault } from './fault-injector.ts';

export function faultHarness(options: Parameters<typeof harnessPerTest>[0] & { file: string }) {
  const h = harnessPerTest(options);
  const faults = new FaultInjector();
  const totals: InjectedFault[] = [];
  let first = 0;
  beforeEach(() => {
    faults.install();
    faults.clear();
    first = faults.injected.length;
  });
  afterEach((context) => {
    faults.clear();
    const mine = faults.injected.slice(first);
    totals.push(...mine);
    console.log(`[faults] ${context.task.name}: ${mine.length} injected (${faults.summary(mine)})`);
  });
  afterAll(() => {
    console.log(`[faults] ${options.file}: ${totals.length} injected in all (${faults.summary(totals)})`);
  });
  return { h, faults };
}

/** The mails one address received whose subject starts with `prefix`. */
export async function mailsTo(h: Harness, address: string, prefix = ''): Promise<string[]> {
  return (await h.emails())
    .filter((m) => m.to.includes(address) && m.subject.startsWith(prefix))
    .map((m) => m.subject);
}

/** Leadflow's own events about a lead as the bus carried them: every delivery, in order. */
export function leadflowEvents(h: Harness, leadId: string): Array<{ type: string; eventId: string }> {
  return h.local.bus.log
    .filter((e) => e.source === 'leadflow' && e.detail.leadId === leadId)
    .map((e) => ({ type: e['detail-type'], eventId: String(e.detail.eventId) }));
}

/** The same, once per event id (what a consumer that deduplicates by id sees). */
export function distinctEvents(h: Harness, leadId: string): Array<{ type: string; eventId: string }> {
  const seen = new Set<string>();
  return leadflowEvents(h, leadId).filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
}
