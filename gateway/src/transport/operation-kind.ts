import { getOperationAST, parse } from 'graphql';

const MAX_REMEMBERED = 2000;
const kinds = new Map<string, boolean>();

/**
 * Whether a subgraph request body (the JSON the gateway sends) is a query: the one decision behind retrying (only
 * queries), and sharing and merging fetches (never a mutation). The gateway sends a bounded set of
 * operations (one per query-plan fetch), so the answer is remembered by operation text. Anything that cannot be read
 * as a query counts as not a query, so it is never retried.
 */
export function isQueryRequest(body: string | Buffer | undefined): boolean {
  if (body === undefined) return false;
  // The retry wrapper and the transport ask about the same body in turn: the last answer is kept for that very
  // string, so the body (with its entity representations, often kilobytes) is parsed once a fetch, not twice.
  if (typeof body === 'string' && body === last.body) return last.isQuery;
  const isQuery = decide(body);
  if (typeof body === 'string') last = { body, isQuery };
  return isQuery;
}

let last: { body: string | undefined; isQuery: boolean } = { body: undefined, isQuery: false };

function decide(body: string | Buffer): boolean {
  let query: unknown;
  let operationName: unknown;
  try {
    ({ query, operationName } = JSON.parse(body.toString()) as { query?: unknown; operationName?: unknown });
  } catch {
    return false;
  }
  if (typeof query !== 'string') return false;
  const key = `${typeof operationName === 'string' ? operationName : ''}\n${query}`;
  const known = kinds.get(key);
  if (known !== undefined) return known;
  let isQuery = false;
  try {
    isQuery = getOperationAST(parse(query), typeof operationName === 'string' ? operationName : undefined)?.operation === 'query';
  } catch {
    isQuery = false;
  }
  if (kinds.size >= MAX_REMEMBERED) kinds.clear();
  kinds.set(key, isQuery);
  return isQuery;
}
