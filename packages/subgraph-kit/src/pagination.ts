import { badUserInput } from '@cmcc/contracts';

/** The `first`/`after` arguments of a paginated field. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageLimits {
  defaultFirst: number;
  maxFirst: number;
}

/** A validated page request: how many items, and the id of the item to continue after. */
export interface Page {
  limit: number;
  afterId: string | null;
}

export const DEFAULT_PAGE: PageLimits = Object.freeze({ defaultFirst: 50, maxFirst: 500 });

/**
 * Validates `first` and decodes `after`. `cursors: 'opaque'` for connections (cursors from `edges.cursor`),
 * `'id'` for plain lists, whose `after` is the `id` of the last item already received.
 */
export function parsePage(args: PageArgs, limits: PageLimits = DEFAULT_PAGE, cursors: 'opaque' | 'id' = 'opaque'): Page {
  const first = args.first ?? limits.defaultFirst;
  if (!Number.isInteger(first) || first < 0 || first > limits.maxFirst) {
    throw badUserInput(`"first" must be a whole number from 0 to ${limits.maxFirst}; got ${first}`, 'first');
  }
  const after = args.after ?? null;
  return { limit: first, afterId: after === null ? null : cursors === 'opaque' ? decodeCursor(after) : after };
}

const CURSOR_PREFIX = 'c1:';

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX) || decoded.length === CURSOR_PREFIX.length) {
    throw badUserInput(`"after" must be a cursor returned in edges.cursor or pageInfo.endCursor; got ${JSON.stringify(cursor)}`, 'after');
  }
  return decoded.slice(CURSOR_PREFIX.length);
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Builds a connection from up to `limit + 1` rows (the extra row only says there is a next page). */
export function toConnection<T extends { id: string }>(rows: T[], page: Page, totalCount: number): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
