/**
 * Routing state in memory with the DynamoDB adapter's semantics: a rotation cursor moved only
 * from the value a hand-off read, and each rep's load as a set of lead ids (idempotent take and
 * give back). Held to the same contract tests as the DynamoDB adapter.
 */
import type { RoutingSnapshot, RoutingState } from '../../use-cases/ports.ts';

export class InMemoryRoutingState implements RoutingState {
  private readonly cursors = new Map<string, number>();
  private readonly loads = new Map<string, Set<string>>();

  async snapshot(teamId: string, repIds: string[], leadId?: string): Promise<RoutingSnapshot> {
    const heldBy = leadId ? repIds.find((id) => this.loads.get(id)?.has(leadId)) : undefined;
    return {
      cursor: this.cursors.get(teamId) ?? 0,
      openLeadsByRep: Object.fromEntries(repIds.map((id) => [id, this.loads.get(id)?.size ?? 0])),
      ...(heldBy ? { heldBy } : {}),
    };
  }

  async advanceCursor(teamId: string, expected: number, next: number): Promise<boolean> {
    if ((this.cursors.get(teamId) ?? 0) !== expected) return false;
    this.cursors.set(teamId, next);
    return true;
  }

  async reserve(repId: string, leadId: string, capacity: number): Promise<boolean> {
    const leads = this.loads.get(repId) ?? new Set<string>();
    if (!leads.has(leadId) && leads.size >= capacity) return false;
    leads.add(leadId);
    this.loads.set(repId, leads);
    return true;
  }

  async release(repId: string, leadId: string): Promise<void> {
    this.loads.get(repId)?.delete(leadId);
  }

  /** The leads a rep holds now. */
  leadsOf(repId: string): string[] {
    return [...(this.loads.get(repId) ?? [])];
  }
}
