import { badUserInput } from '@cmcc/subgraph-kit';
import type { AuditEventFilter } from '@cmcc/audit-trail';
import { decodeCursor } from '@cmcc/audit-trail';

export const MAX_FIRST = 500;
const MAX_TEXT = 256;
// eslint-disable-next-line no-control-regex -- matching control characters is the point: text arguments refuse them.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The `filter` argument as given (from/to already parsed by the DateTime scalar). */
export interface FilterInput {
  principal?: string | null;
  organization?: string | null;
  nation?: string | null;
  operationName?: string | null;
  field?: string | null;
  entityKey?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const TEXT_FILTERS = ['principal', 'organization', 'nation', 'operationName', 'field', 'entityKey'] as const;

/** Checks every filter value and returns the store's filter; a value that can never match is the caller's mistake. */
export function parseFilter(input: FilterInput | null | undefined): AuditEventFilter {
  const filter: AuditEventFilter = {};
  if (!input) return filter;
  for (const name of TEXT_FILTERS) {
    const value = input[name];
    if (value === null || value === undefined) continue;
    if (value.trim() === '' || value.length > MAX_TEXT || CONTROL.test(value)) {
      throw badUserInput(`filter.${name} must be 1 to ${MAX_TEXT} printable characters; got ${JSON.stringify(value.slice(0, 40))}`, 'filter');
    }
    filter[name] = value;
  }
  if (filter.nation !== undefined && !/^[A-Z]{3}$/.test(filter.nation)) {
    throw badUserInput(`filter.nation must be an ISO 3166 alpha-3 code such as "USA"; got ${JSON.stringify(filter.nation)}`, 'filter');
  }
  if (filter.field !== undefined && !/^[_A-Za-z]\w*\.[_A-Za-z]\w*$/.test(filter.field)) {
    throw badUserInput(`filter.field must be a schema coordinate Type.field such as "Query.areas"; got ${JSON.stringify(filter.field)}`, 'filter');
  }
  if (input.from) filter.from = input.from.toISOString();
  if (input.to) filter.to = input.to.toISOString();
  if (filter.from && filter.to && filter.from > filter.to) {
    throw badUserInput(`filter.from (${filter.from}) must not be after filter.to (${filter.to})`, 'filter');
  }
  return filter;
}

/** Validates `first` (1 to 500) and `after` (a cursor of auditEvents). */
export function parseAuditPage(first: number | null | undefined, after: string | null | undefined): { first: number; after: string | null } {
  const count = first ?? 50;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FIRST) {
    throw badUserInput(`"first" must be a whole number from 1 to ${MAX_FIRST}; got ${count}`, 'first');
  }
  if (after !== null && after !== undefined) {
    try {
      decodeCursor(after);
    } catch {
      throw badUserInput(`"after" must be a cursor returned by auditEvents; got ${JSON.stringify(after.slice(0, 40))}`, 'after');
    }
  }
  return { first: count, after: after ?? null };
}
