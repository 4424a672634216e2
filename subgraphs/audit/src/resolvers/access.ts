import { forbidden, type Principal } from '@cmcc/subgraph-kit';

/** The scope every field of this subgraph requires. */
export const AUDIT_READ = 'audit:read';

/**
 * Defence in depth: the gateway already refuses these fields without `audit:read` (@requiresScopes), but a request
 * that reached this subgraph some other way must not read the trail either.
 */
export function requireAuditRead(principal: Principal): void {
  if (!principal.scopes.includes(AUDIT_READ)) throw forbidden(`Reading the audit trail requires the scope ${AUDIT_READ}`);
}
