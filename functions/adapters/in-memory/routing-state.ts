/**
 * Routing state in memory with the DynamoDB adapter's semantics: a ticket counter per team
 * (1 first, never repeated) and each rep's load as a set of lead ids (idempotent take and give
 * back). Held to the same contract tests as the DynamoDB adapter.
 */
import type { RoutingSnapshot, RoutingState } from '../../use-cases/ports.ts';

export class InMemoryRoutingState implements RoutingState {
  private readonly tickets = new Map<string, number>();
  private readonly loads = new Map<string, Set<string>>();

  async snapshot(_teamId: string, repIds: string[], leadId?: string): Promise<RoutingSnapshot> {
    const heldBy = leadId ? repIds.find((id) => this.loads.get(id)?.has(leadId)) : undefined;
    return {
      openLeadsByRep: Object.fromEntries(repIds.map((id) => [id, this.loads.get(id)?.size ?? 0])),
      ...(heldBy ? { heldBy } : {}),
    };
  }

  async takeTicket(teamId: string): Promise<number> {
    const ticket = (this.tickets.get(teamId) ?? 0) + 1;
    this.tickets.set(teamId, ticket);
    return ticket;
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

  /** How many tickets the team has handed out. */
  ticketsTaken(teamId: string): number {
    return this.tickets.get(teamId) ?? 0;
  }

  /** The leads a rep holds now. */
  leadsOf(repId: string): string[] {
    return [...(this.loads.get(repId) ?? [])];
  }
}
