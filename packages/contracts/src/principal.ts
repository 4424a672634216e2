import type { Classification } from './marking.ts';

/**
 * Who is asking: authenticated at the gateway, forwarded to subgraphs in a signed header (principal-token.ts), and
 * handed to every resolver and repository through the request context.
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
  /**
   * Handling caveats the principal is cleared for (the token's `caveats` claim, e.g. `ORCON`, `MEDICAL`): a record
   * carrying any other caveat is withheld. `NOFORN` is never granted by a claim (only the originator's nation reads it).
   * Absent means none.
   */
  readonly caveats?: readonly string[];
}
