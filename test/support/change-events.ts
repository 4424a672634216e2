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
