/**
 * The roles a caller can hold: `ops` sees and runs the whole unit, a `rep` works the leads they
 * own. The stack creates one user group per role, the local token issuer issues them, and the
 * API authorizes by them.
 */
export const ROLES = ['ops', 'rep'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
