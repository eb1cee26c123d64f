/**
 * Report reads over the in-memory lead repository, with the DynamoDB adapter's semantics: the
 * leads of one status created in [from, to), oldest first (ties by id, as gsi1's sort key
 * `<createdAt>#<id>` orders them), each with its whole timeline.
 */
import type { LeadHistory, LeadReports } from '../../use-cases/ports.ts';
import type { InMemoryLeadRepository } from './lead-repository.ts';

export class InMemoryLeadReports implements LeadReports {
  constructor(private readonly leads: InMemoryLeadRepository) {}

  async *leadsCreatedBetween(
    status: Parameters<LeadReports['leadsCreatedBetween']>[0],
    from: Date,
    to: Date,
  ): AsyncGenerator<LeadHistory> {
    const [start, end] = [from.toISOString(), to.toISOString()];
    for await (const leadId of this.leads.leadIdsWithStatus(status)) {
      const lead = await this.leads.get(leadId);
      if (!lead || lead.createdAt < start || lead.createdAt >= end) continue;
      yield { lead, timeline: await this.leads.timeline(leadId) };
    }
  }
}
