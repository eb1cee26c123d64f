/** The metrics store in memory (held to the DynamoDB adapter's contract tests). */
import { datesBetween } from '../../domain/agreement/dates.ts';
import { countedDays, sumCounts } from '../../domain/metrics/days.ts';
import type { CounterUpdate, MetricsWrite } from '../../domain/metrics/metrics-write.ts';
import type { LeadFacts } from '../../domain/scorecard/facts.ts';
import type { CounterRow } from '../../domain/scorecard/projection.ts';
import type { Period } from '../../domain/scorecard/types.ts';
import type { MetricsStore } from '../../use-cases/ports.ts';

type Stored = { facts: LeadFacts; counts: CounterUpdate[] };

export class InMemoryMetricsStore implements MetricsStore {
  private readonly byLead = new Map<string, Stored>();
  /** `${day}|LEAD` or `${day}|COUNTS` → the leads indexed there. */
  private readonly byDay = new Map<string, Set<string>>();

  async facts(leadId: string): Promise<LeadFacts | undefined> {
    const stored = this.byLead.get(leadId);
    return stored ? structuredClone(stored.facts) : undefined;
  }

  async commit(write: MetricsWrite): Promise<'committed' | 'conflict'> {
    const id = write.facts.leadId;
    const stored = this.byLead.get(id);
    if ((stored?.facts.revision ?? 0) !== write.expectedRevision) return 'conflict';
    this.byLead.set(id, {
      facts: structuredClone(write.facts),
      counts: [...(stored?.counts ?? []), ...structuredClone(write.counters)],
    });
    await this.index(id, write.indexDays, write.countDays);
    return 'committed';
  }

  async index(
    leadId: string,
    milestoneDays: readonly string[],
    countedDays: readonly string[],
  ): Promise<void> {
    for (const day of milestoneDays) this.indexOn(day, 'LEAD', leadId);
    for (const day of countedDays) this.indexOn(day, 'COUNTS', leadId);
  }

  async anonymize(leadId: string, anonymous: LeadFacts, days: string[]): Promise<void> {
    const stored = this.byLead.get(leadId);
    if (!stored) return;
    const { counts } = stored;
    this.byLead.set(anonymous.leadId, { facts: structuredClone(anonymous), counts });
    for (const [kind, ds] of [
      ['LEAD', days],
      ['COUNTS', countedDays(counts)],
    ] as const)
      for (const day of ds) {
        this.indexOn(day, kind, anonymous.leadId);
        this.byDay.get(`${day}|${kind}`)?.delete(leadId);
      }
    this.byLead.delete(leadId);
  }

  async counters(period: Period): Promise<CounterRow[]> {
    const counts = this.indexed(period, 'COUNTS').flatMap((id) => this.byLead.get(id)?.counts ?? []);
    return sumCounts(structuredClone(counts), period);
  }

  async leadFactsIn(period: Period): Promise<LeadFacts[]> {
    return this.indexed(period, 'LEAD').flatMap((id) => {
      const stored = this.byLead.get(id);
      return stored ? [structuredClone(stored.facts)] : [];
    });
  }

  private indexOn(day: string, kind: 'LEAD' | 'COUNTS', leadId: string): void {
    const leads = this.byDay.get(`${day}|${kind}`) ?? new Set<string>();
    leads.add(leadId);
    this.byDay.set(`${day}|${kind}`, leads);
  }

  private indexed(period: Period, kind: 'LEAD' | 'COUNTS'): string[] {
    const ids = datesBetween(period.from, period.to).flatMap((day) => [
      ...(this.byDay.get(`${day}|${kind}`) ?? []),
    ]);
    return [...new Set(ids)].sort();
  }
}
