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

export interface EventStreamReader {
  readonly status: number;
  /** The JSON body of a refused request (401, 410, ...). */
  readonly body: any;
  /** The next event, waiting at most `timeoutMs` for it (a deadline, not a measurement). */
  next(timeoutMs?: number): Promise<ChangeEvent>;
  close(): void;
}

/** Opens a subgraph's `GET /events` as the gateway does (signed with the test secret unless `principal` is null). */
export async function openEventStream(
  target: { url: string; name: string },
  query = '',
  principal: Principal | null = nationalOfficer('USA'),
  headers: Record<string, string> = {},
): Promise<EventStreamReader> {
  const controller = new AbortController();
  const sent: Record<string, string> = { ...headers };
  if (principal) sent[PRINCIPAL_HEADER] = await signPrincipal(principal, TEST_SHARED_SECRET, target.name);
  const response = await fetch(`${target.url}/events${query}`, { headers: sent, signal: controller.signal });
  if (response.status !== 200) return { status: response.status, body: await response.json(), next: () => Promise.reject(new Error('refused')), close: () => undefined };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: ChangeEvent[] = [];
  let buffer = '';
  const pump = async (deadline: number) => {
    while (events.length === 0) {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event before the deadline')), Math.max(0, deadline - Date.now())).unref());
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error('the event stream ended');
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data) events.push(JSON.parse(data) as ChangeEvent);
      }
    }
  };
  return {
    status: 200,
    body: null,
    async next(timeoutMs = 10_000) {
      await pump(Date.now() + timeoutMs);
      return events.shift()!;
    },
    close: () => controller.abort(),
  };
}

/** A subgraph replica's relay of change events to Redis, for tests outside the kit (the gateway's feed tests). */
export { startEventRelay, type EventRelay } from '@cmcc/subgraph-kit';
