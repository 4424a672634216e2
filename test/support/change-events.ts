import { CHANGE_EVENT_HEADER, PRINCIPAL_HEADER, signPrincipal, type ChangeEvent, type Principal } from '@cmcc/subgraph-kit';
import { postGraphQL, TEST_SHARED_SECRET, type GraphQLResponse } from './subgraph.ts';

/** A change event for a record, as the owning subgraph's feed would carry it (the id matters only to feeds). */
export function changeEvent(subgraph: string, entityType: string, entityId: string, fields: Partial<ChangeEvent> = {}): ChangeEvent {
  return { id: '1', subgraph, entityType, entityId, version: 1, operation: 'UPDATE', changedAt: new Date().toISOString(), ...fields };
}

/**
 * POSTs a subscription operation to a subgraph as the gateway sends a subscription's primary fetch: the event in its
 * header, the subscriber's principal signed with `secret` (the test gateway's unless a test forges one); `principal`
 * null sends no principal header at all.
 */
export async function fetchForEvent<T = any>(
  target: { url: string; name: string },
  query: string,
  variables: Record<string, unknown>,
  event: ChangeEvent | string | null,
  principal: Principal | null,
  secret: Uint8Array = TEST_SHARED_SECRET,
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = {};
  if (principal) headers[PRINCIPAL_HEADER] = await signPrincipal(principal, secret, target.name);
  if (event !== null) headers[CHANGE_EVENT_HEADER] = typeof event === 'string' ? event : JSON.stringify(event);
  return postGraphQL<T>(`${target.url}/graphql`, query, variables, headers);
}

/**
 * Re-marks one row as a US record, SECRET, TLP:AMBER, released to GBR only (docs/security.md rule v2): a GBR principal
 * cleared SECRET reads it (rules 2, 3, 5), a FRA one cleared SECRET does not (rule 3), whatever the seed said.
 */
export async function markSecretRelGbr(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, table: string, id: string): Promise<void> {
  await db.query(
    `UPDATE ${table} SET classification = 'SECRET', national_marking = NULL, releasable_to = ARRAY['GBR'], tlp = 'AMBER', originator = 'USA', recipients = '{}', caveats = '{}' WHERE id = $1`,
    [id],
  );
}

/** A member of no working group with a nation and a clearance: who the releasability cases of subscription tests read as. */
export function nationalOfficer(nation: string, clearance: Principal['clearance'] = 'SECRET'): Principal {
  return {
    subject: `${nation.toLowerCase()}-officer`,
    nation,
    organization: null,
    workingGroups: [],
    roles: ['member'],
    scopes: [],
    clearance,
    participant: true,
    caveats: [],
  };
}
