import type { JWTPayload } from 'jose';
import { CLASSIFICATIONS, type Classification, type Principal } from '@cmcc/contracts';

/**
 * Where each part of a principal is found in a token's claims: a claim name or a dotted path (`realm_access.roles`
 * for Keycloak). Set with `AUTH_CLAIMS` (JSON) so an identity provider plugs in without code changes.
 */
export interface ClaimMapping {
  subject: string;
  nation: string;
  organization: string;
  workingGroups: string;
  roles: string;
  /** A space-separated string (OAuth `scope`) or an array. */
  scopes: string;
  clearance: string;
  /** Boolean claim saying whether the principal is a CMCC participant; absent means no (fail closed). */
  participant: string;
  /** The handling caveats the principal is cleared for (e.g. `ORCON`, `MEDICAL`): an array or a space/comma-separated string. */
  caveats: string;
}

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = Object.freeze({
  subject: 'sub',
  nation: 'nation',
  organization: 'org',
  workingGroups: 'wg',
  roles: 'roles',
  scopes: 'scope',
  clearance: 'clearance',
  participant: 'cmcc',
  caveats: 'caveats',
});

function at(claims: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), claims);
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Builds the principal from verified claims; a token without a subject is refused. */
export function principalFromClaims(claims: JWTPayload, mapping: ClaimMapping): Principal {
  const subject = at(claims, mapping.subject);
  if (typeof subject !== 'string' || subject === '') throw new Error(`the token has no subject claim "${mapping.subject}"`);
  const clearance = String(at(claims, mapping.clearance) ?? 'UNCLASSIFIED').toUpperCase();
  if (!CLASSIFICATIONS.includes(clearance as Classification)) throw new Error(`unknown clearance "${clearance}"`);
  const nation = at(claims, mapping.nation);
  const organization = at(claims, mapping.organization);
  const participant = at(claims, mapping.participant);
  return Object.freeze({
    subject,
    nation: typeof nation === 'string' && nation ? nation.toUpperCase() : null,
    organization: typeof organization === 'string' && organization ? organization : null,
    workingGroups: list(at(claims, mapping.workingGroups)),
    roles: list(at(claims, mapping.roles)),
    scopes: list(at(claims, mapping.scopes)),
    clearance: clearance as Classification,
    // Only a claim that says so makes a participant: a token without it is not one (TLP:GREEN and `CMCC` stay closed).
    participant: participant === true || participant === 'true',
    caveats: list(at(claims, mapping.caveats)),
  });
}
