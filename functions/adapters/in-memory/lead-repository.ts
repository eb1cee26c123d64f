/**
 * The lead repository in memory, with the DynamoDB adapter's semantics: single-item atomic
 * changes, the same conditions (a change to a missing lead, a stage guard, a marker or a
 * stale token refused), dotted paths that need their parent map, and the stage index.
 * Held to the same contract tests as the DynamoDB adapter (test/adapters/lead-repository.*).
 * For the simulator and fast unit tests; `npm start` keeps the real stand-ins.
 */
import { randomUUID } from 'node:crypto';
import type { EngagementRecord, Lead, LeadProfile, Stage, TimelineEntry } from '../../domain/lead.ts';
import type {
  LeadChange,
  LeadRepository,
  QuarantineRequest,
  StoredWait,
  WaitResult,
} from '../../use-cases/ports.ts';

/** What DynamoDB calls a failed condition, so callers handle both adapters alike. */
export class ConditionalCheckFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

interface StoredLead {
  lead: Lead;
  waits: Record<string, StoredWait>;
  pending: Record<string, WaitResult>;
  markers: Record<string, string>;
}

const copy = <T>(value: T): T => structuredClone(value);

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const segments = dotted.split('.');
  const last = segments.pop() as string;
  let node = target;
  for (const segment of segments) {
    const next = node[segment];
    // DynamoDB: "The document path provided in the update expression is invalid for update".
    if (next === null || typeof next !== 'object')
      throw Object.assign(new Error(`The document path ${dotted} is invalid for update`), {
        name: 'ValidationException',
      });
    node = next as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = copy(value);
}

export class InMemoryLeadRepository implements LeadRepository {
  private readonly items = new Map<string, StoredLead>();
  private readonly quarantined = new Map<string, Record<string, unknown>>();

  private existing(leadId: string): StoredLead {
    const item = this.items.get(leadId);
    if (!item) throw new ConditionalCheckFailed(`Lead ${leadId} does not exist`);
    return item;
  }

  async get(leadId: string): Promise<Lead | undefined> {
    const item = this.items.get(leadId);
    return item ? copy(item.lead) : undefined;
  }

  async create(lead: Lead): Promise<'created' | 'exists'> {
    if (this.items.has(lead.leadId)) return 'exists';
    this.items.set(lead.leadId, { lead: copy({ sla: {}, ...lead }), waits: {}, pending: {}, markers: {} });
    return 'created';
  }

  async recordResubmission(
    leadId: string,
    profile: LeadProfile,
    entry: TimelineEntry,
    engagement: EngagementRecord,
  ): Promise<Lead> {
    const { lead } = this.existing(leadId);
    lead.timeline = [...(lead.timeline ?? []), copy(entry)];
    lead.engagements = [...(lead.engagements ?? []), copy(engagement)];
    lead.updatedAt = entry.at;
    for (const [field, value] of Object.entries(profile)) {
      if (field === 'email' || value === undefined) continue;
      const fields = lead.profile as unknown as Record<string, unknown>;
      if (fields[field] === undefined) fields[field] = copy(value);
    }
    lead.submissionCount = (lead.submissionCount ?? 0) + 1;
    lead.version = (lead.version ?? 0) + 1;
    return copy(lead);
  }

  async transition(leadId: string, change: LeadChange, now: Date): Promise<Lead> {
    const item = this.existing(leadId);
    if (change.onlyFromStages && !change.onlyFromStages.includes(item.lead.stage))
      throw new ConditionalCheckFailed(`Lead ${leadId} is in stage ${item.lead.stage}`);
    // Validate every path before writing any: the change is all or nothing.
    const next = copy(item.lead) as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(change.set ?? {})) setPath(next, field, value);
    const lead = next as unknown as Lead;
    lead.updatedAt = now.toISOString();
    if (change.stage) lead.stage = change.stage;
    if (change.timeline?.length) lead.timeline = [...lead.timeline, ...copy(change.timeline)];
    lead.version = (lead.version ?? 0) + 1;
    item.lead = lead;
    return copy(lead);
  }

  async markOnce(leadId: string, marker: string, at: Date): Promise<boolean> {
    const item = this.items.get(leadId);
    if (!item || marker in item.markers) return false;
    item.markers[marker] = at.toISOString();
    return true;
  }

  async unmark(leadId: string, marker: string): Promise<void> {
    const item = this.items.get(leadId);
    if (item) delete item.markers[marker];
  }

  async registerWait(
    leadId: string,
    kind: string,
    wait: StoredWait,
  ): Promise<{ lead: Lead; pending?: WaitResult }> {
    const item = this.existing(leadId);
    item.waits[kind] = copy(wait);
    return { lead: copy(item.lead), pending: item.pending[kind] && copy(item.pending[kind]) };
  }

  async setPending(leadId: string, kind: string, result: WaitResult): Promise<StoredWait | undefined> {
    const item = this.existing(leadId);
    item.pending[kind] = copy(result);
    return item.waits[kind] && copy(item.waits[kind]);
  }

  async claimWait(
    leadId: string,
    kind: string,
    token: string,
  ): Promise<{ claimed: boolean; pending?: WaitResult }> {
    const item = this.items.get(leadId);
    if (!item || item.waits[kind]?.token !== token) return { claimed: false };
    const pending = item.pending[kind];
    delete item.waits[kind];
    delete item.pending[kind];
    return { claimed: true, pending };
  }

  async quarantine(params: QuarantineRequest): Promise<string> {
    const id = randomUUID();
    this.quarantined.set(id, copy({ ...params, now: params.now.toISOString() }));
    return id;
  }

  async *leadIdsInStage(stage: Stage): AsyncGenerator<string> {
    const leads = [...this.items.values()]
      .map((i) => i.lead)
      .filter((l) => l.stage === stage)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.leadId.localeCompare(b.leadId));
    for (const lead of leads) yield lead.leadId;
  }

  /** Test and simulator view: the markers recorded on a lead (alerts sent). */
  markersOf(leadId: string): string[] {
    return Object.keys(this.items.get(leadId)?.markers ?? {});
  }
}
