/**
 * The longest single callback wait the workflow asks for. A longer deadline is reached in
 * several waits: the step after an early wake-up sees the deadline is not due yet and waits
 * again. Two weeks keeps every wait inside the 24.8-day range of JavaScript timers (the local
 * engine times tasks with setTimeout) while costing only two extra transitions per fortnight.
 */
export const MAX_WAIT_SECONDS = 14 * 86_400;

export function capWait(timeoutSeconds: number): number {
  return Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.ceil(timeoutSeconds)));
}
