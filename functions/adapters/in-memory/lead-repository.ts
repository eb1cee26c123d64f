/**
 * The lead repository in memory, with the DynamoDB adapter's semantics: single-item atomic
 * changes, the same conditions (a change to a missing lead, a stage guard, a stale version or
 * token refused), dotted paths that need their parent map, the status index, and the timeline
 * kept short on the lead with older entries archived. Held to the same contract tests as the
 * DynamoDB adapter (test/adapters/lead-repository-contract.test.ts). For the simulator and
 * fast unit tests; `npm start` keeps the real stand-ins.
 */
import { randomUUID } from 'node:crypto';
import { type Lead, type LeadStatus, leadStatus, type TimelineEntry } from '../../domain/lead.ts';
import { applyLeadChange, type LeadChange } from '../../domain/lead-change.ts';
import type {
  ActivityWrite,
  LeadRepository,
  QuarantineRequest,
  Resubmission,
  StoredWait,
  WaitResult,
} from '../../use-cases/ports.ts';
import { batchToArchive, mergeTimeline } from '../timeline-archive.ts';

/** What DynamoDB calls a failed condition, so callers handle both adapters alike. */
export class ConditionalCheckFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

interface StoredLead {
  lead: Lead;
  waits: Record<string, StoredWait>;
  pending: Record<string, WaitResult>;
  claimed: Record<string, { token: string; result: WaitResult }>;
  archived: TimelineEntry[][];
}

/**
 * A deep copy, so no caller shares an object with the store. Leads are plain data (strings,
 * numbers, arrays, plain objects), which a walk copies several times faster than
 * structuredClone, the simulator's largest cost; anything else still goes through
 * structuredClone.
 */
function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copied: Record<string, unknown> = {};
  for (const key in value) copied[key] = copy((value as Record<string, unknown>)[key]);
  return copied as T;
}

export class InMemoryLeadRepository implements LeadRepository {
  private readonly items = new Map<string, StoredLead>();
  readonly quarantined = new Map<string, QuarantineRequest>();

  private existing(leadId: string): StoredLead {
    const item = this.items.get(leadId);
    if (!item) throw new ConditionalCheckFailed(`Lead ${leadId} does not exist`);
    return item;
  }

  /** Stores the lead after a change, moving the oldest timeline entries to the archive when needed. */
  private store(item: StoredLead, lead: Lead): Lead {
    const batch = batchToArchive(lead.timeline);
    if (batch) {
      item.archived.push(copy(batch));
      lead.timeline = lead.timeline.slice(batch.length);
    }
    item.lead = lead;
    return copy(lead);
  }

  async get(leadId: string): Promise<Lead | undefined> {
    const item = this.items.get(leadId);
    if (!item) return undefined;
    const waitResults = [...new Set([...Object.keys(item.pending), ...Object.keys(item.claimed)])];
    return { ...copy(item.lead), ...(waitResults.length ? { waitResults } : {}) };
  }

  async getWithWaits(leadId: string): Promise<{ lead: Lead; waits: Record<string, StoredWait> } | undefined> {
    const lead = await this.get(leadId);
    const item = this.items.get(leadId);
    return lead && item ? { lead, waits: copy(item.waits) } : undefined;
  }

  async create(lead: Lead): Promise<'created' | 'exists'> {
    if (this.items.has(lead.leadId)) return 'exists';
    this.items.set(lead.leadId, {
      lead: copy({ sla: {}, ...lead }),
      waits: {},
      pending: {},
      claimed: {},
      archived: [],
    });
    return 'created';
  }

  async recordResubmission(
    leadId: string,
    r: Resubmission,
  ): Promise<{ lead: Lead; scored: boolean } | 'too-soon'> {
    const item = this.existing(leadId);
    const lead = copy(item.lead);
    const last = lead.lastSubmittedAt;
    if (r.refuseIfSubmittedSince && last !== undefined && last >= r.refuseIfSubmittedSince) return 'too-soon';
    const lastScored = lead.lastScoredSubmissionAt;
    const scored = lastScored === undefined || lastScored < r.scoreIfLastScoredBefore;
    const at = r.now.toISOString();
    if (scored) {
      lead.timeline = [...lead.timeline, copy(r.entry)];
      lead.engagements = [...(lead.engagements ?? []), copy(r.engagement)];
      lead.lastScoredSubmissionAt = at;
      const fields = lead.profile as unknown as Record<string, unknown>;
      for (const [field, value] of Object.entries(r.profile))
        if (field !== 'email' && value !== undefined && fields[field] === undefined)
          fields[field] = copy(value);
    }
    lead.lastSubmittedAt = at;
    lead.updatedAt = at;
    lead.submissionCount = (lead.submissionCount ?? 0) + 1;
    lead.version = (lead.version ?? 0) + 1;
    return { lead: this.store(item, lead), scored };
  }

  async claimAnnouncement(leadId: string, now: Date, notAnnouncedSince: Date): Promise<boolean> {
    const item = this.existing(leadId);
    const last = item.lead.announcedAt;
    if (item.lead.lifecycleStartedAt || (last !== undefined && last >= notAnnouncedSince.toISOString()))
      return false;
    item.lead.announcedAt = now.toISOString();
    return true;
  }

  async transition(leadId: string, change: LeadChange, now: Date): Promise<Lead> {
    const item = this.existing(leadId);
    if (change.onlyFromStages && !change.onlyFromStages.includes(item.lead.stage))
      throw new ConditionalCheckFailed(`Lead ${leadId} is in stage ${item.lead.stage}`);
    return this.store(item, applyLeadChange(item.lead, change, now));
  }

  async applyActivity(
    leadId: string,
    change: LeadChange,
    write: ActivityWrite,
    now: Date,
  ): Promise<Lead | 'conflict'> {
    const item = this.existing(leadId);
    if (item.lead.version !== write.expectedVersion) return 'conflict';
    const results = Object.entries(write.results ?? {});
    const waitMoved = results.some(([kind, { claimWith }]) =>
      claimWith ? item.waits[kind]?.token !== claimWith : item.waits[kind] !== undefined,
    );
    if (waitMoved) return 'conflict';
    const after = applyLeadChange(item.lead, change, now);
    for (const [kind, { result, claimWith }] of results) {
      if (claimWith) {
        item.claimed[kind] = { token: claimWith, result: copy(result) };
        delete item.waits[kind];
        delete item.pending[kind];
      } else item.pending[kind] = copy(result);
    }
    return this.store(item, after);
  }

  async timeline(leadId: string): Promise<TimelineEntry[]> {
    const item = this.items.get(leadId);
    return item ? copy(mergeTimeline(item.archived, item.lead.timeline)) : [];
  }

  async waits(leadId: string) {
    const item = this.items.get(leadId);
    return {
      waits: copy(item?.waits ?? {}),
      pending: copy(item?.pending ?? {}),
      claimed: copy(item?.claimed ?? {}),
    };
  }

  async registerWait(
    leadId: string,
    kind: string,
    wait: StoredWait,
  ): Promise<{ lead: Lead; pending?: WaitResult }> {
    const item = this.existing(leadId);
    item.waits[kind] = copy(wait);
    delete item.claimed[kind];
    return { lead: copy(item.lead), pending: item.pending[kind] && copy(item.pending[kind]) };
  }

  async claimWait(
    leadId: string,
    kind: string,
    token: string,
  ): Promise<{ claimed: boolean; pending?: WaitResult }> {
    const item = this.items.get(leadId);
    const pending = item?.pending[kind];
    if (!item || item.waits[kind]?.token !== token || !pending) return { claimed: false };
    item.claimed[kind] = { token, result: pending };
    delete item.waits[kind];
    delete item.pending[kind];
    return { claimed: true, pending: copy(pending) };
  }

  async takeResult(leadId: string, kind: string): Promise<WaitResult | undefined> {
    const item = this.existing(leadId);
    const result = item.claimed[kind]?.result ?? item.pending[kind];
    delete item.claimed[kind];
    delete item.pending[kind];
    return result && copy(result);
  }

  async requeue(leadId: string, kind: string): Promise<void> {
    const item = this.items.get(leadId);
    const claimed = item?.claimed[kind];
    if (!item || !claimed) return;
    item.pending[kind] = claimed.result;
    delete item.claimed[kind];
  }

  async quarantine(request: QuarantineRequest): Promise<string> {
    const id = randomUUID();
    this.quarantined.set(id, copy(request));
    return id;
  }

  async *leadIdsWithStatus(status: LeadStatus): AsyncGenerator<string> {
    const leads = [...this.items.values()]
      .map((i) => i.lead)
      .filter((l) => leadStatus(l.stage) === status)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.leadId.localeCompare(b.leadId));
    for (const lead of leads) yield lead.leadId;
  }
}
