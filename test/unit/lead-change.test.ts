/**
 * applyLeadChange: the lead after one change, computed without a store (the in-memory store
 * applies changes with it; steps compose alerts from it before they write).
 */
import { describe, expect, it } from 'vitest';
import { newLead } from '../../functions/domain/capture.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { applyLeadChange, InvalidLeadPath } from '../../functions/domain/lead-change.ts';

const T0 = new Date('2026-03-23T09:00:00.000Z');
const T1 = new Date('2026-03-23T09:05:00.000Z');
const lead = (): Lead => ({
  ...newLead({ leadId: 'ld_x', businessUnit: 'demo', profile: { email: 'a@acme.example' }, now: T0 }),
  sla: { reassignments: 0, breachedAt: '2026-03-23T08:00:00.000Z' },
});

describe('applyLeadChange', () => {
  it('sets dotted paths, removes undefined ones, appends the timeline, moves stage, version and time', () => {
    const before = lead();
    const after = applyLeadChange(
      before,
      {
        stage: 'assigned',
        set: {
          'sla.assignedAt': T1.toISOString(),
          'sla.breachedAt': undefined,
          owner: { name: 'Anna', email: 'a@x' },
        },
        timeline: [{ at: T1.toISOString(), type: 'assigned', summary: 'Assigned to Anna' }],
      },
      T1,
    );
    expect(after.stage).toBe('assigned');
    expect(after.sla).toEqual({ reassignments: 0, assignedAt: T1.toISOString() });
    expect(after.owner).toEqual({ name: 'Anna', email: 'a@x' });
    expect(after.timeline.map((e) => e.type)).toEqual(['captured', 'assigned']);
    expect(after.version).toBe(before.version + 1);
    expect(after.updatedAt).toBe(T1.toISOString());
  });

  it('leaves the lead it was given untouched, and copies what it stores', () => {
    const before = lead();
    const snapshot = structuredClone(before);
    const owner = { name: 'Anna', email: 'a@x' };
    const after = applyLeadChange(before, { set: { owner } }, T1);
    owner.name = 'changed';
    expect(before).toEqual(snapshot);
    expect(after.owner?.name).toBe('Anna');
  });

  it('keeps the stage and the timeline when the change names neither, and starts a missing version at 1', () => {
    const before = { ...lead(), version: undefined } as unknown as Lead;
    const after = applyLeadChange(before, { set: { 'sla.reassignments': 1 }, timeline: [] }, T1);
    expect(after.stage).toBe('captured');
    expect(after.timeline).toHaveLength(1);
    expect(after.version).toBe(1);
  });

  it('refuses a path under a map that does not exist, as DynamoDB does', () => {
    expect(() => applyLeadChange(lead(), { set: { 'nothing.here': 1 } }, T1)).toThrow(InvalidLeadPath);
    expect(() => applyLeadChange(lead(), { set: { 'stage.deeper': 1 } }, T1)).toThrow(
      'The document path stage.deeper is invalid for update',
    );
    expect(new InvalidLeadPath('x').name).toBe('ValidationException');
  });
});
