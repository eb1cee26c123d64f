/**
 * The clock every handler reads. Real time on AWS; the local runtime swaps in its virtual
 * clock so stored timestamps, SLA deadlines and workflow waits all follow one time line.
 */
import { type Clock, systemClock } from '../domain/lead.ts';

let current: Clock = systemClock;

export const clock: Clock = { now: () => current.now() };

export function useClock(next: Clock): void {
  current = next;
}
