import type { Classification } from './marking.ts';

/**
 * Who is asking. Every resolver and repository receives the principal through the request context, so access
 * decisions can be added in one place without reshaping resolvers.
 */
export interface Principal {
  readonly subject: string;
  /** ISO 3166 alpha-3 nation code, if the principal acts for a nation. */
  readonly nation: string | null;
  /** IATI organisation id or `XI-CMCC-*`, if the principal acts for an organisation. */
  readonly organization: string | null;
  readonly workingGroups: readonly string[];
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  readonly clearance: Classification;
  /** Whether the principal is a CMCC participant (member of the `CMCC` group code, may read TLP:GREEN). */
  readonly participant: boolean;
}

/**
 * The principal of a request before authentication exists: a named development identity, so that provenance of
 * writes already says "development" rather than nothing.
 */
export const DEVELOPMENT_PRINCIPAL: Principal = Object.freeze({
  subject: 'development',
  nation: null,
  organization: 'CMCC',
  workingGroups: Object.freeze([]),
  roles: Object.freeze(['development']),
  // Until authentication exists, development may edit every group's records.
  scopes: Object.freeze(['write:civil-administration', 'write:humanitarian', 'write:security', 'write:engineering']),
  clearance: 'UNCLASSIFIED',
  participant: true,
});
