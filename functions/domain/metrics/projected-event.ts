/**
 * A Leadflow event from the bus, as the metrics projection reads it: checked against the
 * catalog, plus the optional fields the projection reads beyond it (domain/scorecard/events.ts),
 * which the catalog's schemas would drop since they do not list them.
 */
import * as z from 'zod';
import { LEADFLOW_EVENTS, type LeadflowEventName } from '../../events/catalog.ts';
import type { ProjectedEvent } from '../scorecard/events.ts';

const label = z.string().max(200).optional();

const additions = (name: LeadflowEventName) =>
  z.object({
    attribution: z.object({ source: label, campaign: label, segment: label }).optional(),
    ...(name === 'LeadCaptured' ? { topics: z.array(z.string().max(100)).max(20).optional() } : {}),
    ...(name === 'LeadScored' ? { level: z.enum(['lead', 'mql', 'sql']).optional() } : {}),
    ...(name === 'LeadConverted' ? { amount: z.number().nonnegative().finite().optional() } : {}),
  });

/** The event as the projection reads it; undefined for one it does not project. Throws when invalid. */
export function projectedEvent(type: string, detail: unknown): ProjectedEvent | undefined {
  if (!Object.hasOwn(LEADFLOW_EVENTS, type) || type === 'LifecycleFailed') return undefined;
  const name = type as LeadflowEventName;
  const parsed = LEADFLOW_EVENTS[name].parse(detail);
  const extra = additions(name).parse((detail as { data: unknown }).data);
  return { name, detail: { ...parsed, data: { ...parsed.data, ...extra } } } as ProjectedEvent;
}
