import { badUserInput } from '@cmcc/subgraph-kit';
import type { AuditAccess, AuditEventFilter, AuditFailureKind, AuditMarkingCriteria } from '@cmcc/audit-trail';
import { decodeCursor } from '@cmcc/audit-trail';
import type { Classification, Tlp } from '@cmcc/subgraph-kit';

export const MAX_FIRST = 500;
const MAX_TEXT = 256;
// eslint-disable-next-line no-control-regex -- matching control characters is the point: text arguments refuse them.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The `marking` criteria as given (AuditMarkingFilter). */
export interface MarkingInput {
  classificationAtLeast?: Classification | null;
  classification?: Classification | null;
  releasableTo?: string | null;
  caveat?: string | null;
  tlp?: Tlp | null;
  originator?: string | null;
}

/** The `filter` argument as given (from/to already parsed by the DateTime scalar). */
export interface FilterInput {
  principal?: string | null;
  organization?: string | null;
  nation?: string | null;
  operationName?: string | null;
  field?: string | null;
  entityKey?: string | null;
  entityType?: string | null;
  access?: AuditAccess | null;
  marking?: MarkingInput | null;
  failed?: boolean | null;
  failureKinds?: AuditFailureKind[] | null;
  errorCode?: string | null;
  httpStatus?: number | null;
  from?: Date | null;
  to?: Date | null;
}

const TEXT_FILTERS = ['principal', 'organization', 'nation', 'operationName', 'field', 'entityKey', 'entityType', 'errorCode'] as const;

/** A text value: 1 to MAX_TEXT printable characters. */
export function checkText(name: string, value: string): string {
  if (value.trim() === '' || value.length > MAX_TEXT || CONTROL.test(value)) {
    throw badUserInput(`${name} must be 1 to ${MAX_TEXT} printable characters; got ${JSON.stringify(value.slice(0, 40))}`, name.split('.')[0]);
  }
  return value;
}

/** The marking criteria: at least one, texts printable. */
export function parseMarking(input: MarkingInput, argumentName: string): AuditMarkingCriteria {
  const criteria: AuditMarkingCriteria = {};
  if (input.classificationAtLeast) criteria.classificationAtLeast = input.classificationAtLeast;
  if (input.classification) criteria.classification = input.classification;
  if (input.tlp) criteria.tlp = input.tlp;
  for (const name of ['releasableTo', 'caveat', 'originator'] as const) {
    const value = input[name];
    if (value !== null && value !== undefined) criteria[name] = checkText(`${argumentName}.${name}`, value);
  }
  if (Object.keys(criteria).length === 0)
    throw badUserInput(`${argumentName} needs at least one criterion (classificationAtLeast, classification, releasableTo, caveat, tlp, originator)`, argumentName.split('.')[0]);
  return criteria;
}

/** Checks every filter value and returns the store's filter; a value that can never match is the caller's mistake. */
export function parseFilter(input: FilterInput | null | undefined): AuditEventFilter {
  const filter: AuditEventFilter = {};
  if (!input) return filter;
  for (const name of TEXT_FILTERS) {
    const value = input[name];
    if (value === null || value === undefined) continue;
    filter[name] = checkText(`filter.${name}`, value);
  }
  if (input.access) filter.access = input.access;
  if (input.marking) filter.marking = parseMarking(input.marking, 'filter.marking');
  if (input.failed !== null && input.failed !== undefined) filter.failed = input.failed;
  if (input.failureKinds && input.failureKinds.length > 0) filter.failureKinds = [...input.failureKinds];
  if (input.httpStatus !== null && input.httpStatus !== undefined) {
    if (!Number.isInteger(input.httpStatus) || input.httpStatus < 100 || input.httpStatus > 599) {
      throw badUserInput(`filter.httpStatus must be an HTTP status from 100 to 599; got ${input.httpStatus}`, 'filter');
    }
    filter.httpStatus = input.httpStatus;
  }
  if (filter.nation !== undefined && !/^[A-Z]{3}$/.test(filter.nation)) {
    throw badUserInput(`filter.nation must be an ISO 3166 alpha-3 code such as "USA"; got ${JSON.stringify(filter.nation)}`, 'filter');
  }
  if (filter.field !== undefined && !/^[_A-Za-z]\w*\.[_A-Za-z]\w*$/.test(filter.field)) {
    throw badUserInput(`filter.field must be a schema coordinate Type.field such as "Query.areas"; got ${JSON.stringify(filter.field)}`, 'filter');
  }
  if (filter.entityType !== undefined) checkTypeName('filter.entityType', filter.entityType);
  Object.assign(filter, parsePeriod(input.from, input.to, 'filter.'));
  return filter;
}

/** A schema type name, e.g. SecurityIncident. */
export function checkTypeName(name: string, value: string): string {
  if (!/^[_A-Za-z]\w*$/.test(value)) throw badUserInput(`${name} must be a type name such as "SecurityIncident"; got ${JSON.stringify(value.slice(0, 40))}`, name.split('.')[0]);
  return value;
}

/** A period's ends as ISO 8601 (either may be open); `from` must not be after `to`. */
export function parsePeriod(from: Date | null | undefined, to: Date | null | undefined, prefix = ''): { from?: string; to?: string } {
  const period: { from?: string; to?: string } = {};
  if (from) period.from = from.toISOString();
  if (to) period.to = to.toISOString();
  if (period.from && period.to && period.from > period.to) {
    throw badUserInput(`${prefix}from (${period.from}) must not be after ${prefix}to (${period.to})`, prefix ? prefix.replace(/\.$/, '') : 'from');
  }
  return period;
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
