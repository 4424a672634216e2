import { CLASSIFICATIONS, type AccessMarking, type Classification, type Tlp } from '@cmcc/contracts';
import type { AuditEventRecord } from './records.ts';

/**
 * What the investigation filters of the read API look at in an event (store.ts `AuditEventFilter`): how its operation
 * failed, which records it read or wrote, and the markings of the records it describes. Pure functions over one event.
 */

/** The kinds of failure an auditor asks about, each from the event's error codes and HTTP status. */
export const FAILURE_KINDS = ['FORBIDDEN', 'RATE_LIMITED', 'LIMIT_EXCEEDED', 'UNAVAILABLE', 'INVALID', 'ERROR'] as const;
export type AuditFailureKind = (typeof FAILURE_KINDS)[number];

/** Error codes by kind; a code not listed is `ERROR`. */
const CODE_KINDS: Readonly<Record<string, AuditFailureKind>> = Object.freeze({
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED_FIELD_OR_TYPE: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_MANY_SUBSCRIPTIONS: 'RATE_LIMITED',
  OPERATION_LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  OPERATION_NOT_IN_SAFELIST: 'LIMIT_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'LIMIT_EXCEEDED',
  SERVICE_UNAVAILABLE: 'UNAVAILABLE',
  DOWNSTREAM_SERVICE_ERROR: 'UNAVAILABLE',
  GRAPHQL_PARSE_FAILED: 'INVALID',
  GRAPHQL_VALIDATION_FAILED: 'INVALID',
  BAD_USER_INPUT: 'INVALID',
  BAD_REQUEST: 'INVALID',
  OPERATION_RESOLUTION_FAILURE: 'INVALID',
  PERSISTED_QUERY_NOT_FOUND: 'INVALID',
  PERSISTED_QUERY_NOT_SUPPORTED: 'INVALID',
  PERSISTED_QUERY_HASH_MISMATCH: 'INVALID',
});

/** HTTP statuses that say the kind by themselves (an event with no error code but this status). */
const STATUS_KINDS: Readonly<Record<number, AuditFailureKind>> = Object.freeze({
  403: 'FORBIDDEN',
  429: 'RATE_LIMITED',
  413: 'LIMIT_EXCEEDED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'UNAVAILABLE',
});

/** The kinds of failure of an event's outcome (empty when it ended without an error), in `FAILURE_KINDS` order. */
export function failureKinds(event: Pick<AuditEventRecord, 'outcome'>): AuditFailureKind[] {
  const kinds = new Set<AuditFailureKind>();
  for (const code of event.outcome.errorCodes) kinds.add(CODE_KINDS[code] ?? 'ERROR');
  const byStatus = STATUS_KINDS[event.outcome.httpStatus];
  if (byStatus) kinds.add(byStatus);
  else if (kinds.size === 0 && (event.outcome.httpStatus >= 400 || event.outcome.errorCount > 0)) kinds.add('ERROR');
  return FAILURE_KINDS.filter((kind) => kinds.has(kind));
}

/** Which records' markings an investigation asks about; every criterion given must hold for one marking. */
export interface AuditMarkingCriteria {
  /** At or above this classification on the CMCC scale (an unknown classification counts as above SECRET). */
  classificationAtLeast?: Classification;
  /** Exactly this classification. */
  classification?: Classification;
  /** This code (a nation, organisation or group) is in the marking's `releasableTo`. */
  releasableTo?: string;
  /** This caveat is in the marking's `caveats`. */
  caveat?: string;
  tlp?: Tlp;
  /** The marking's originator (a nation or organisation). */
  originator?: string;
}

/** The rank of a classification on the CMCC scale; an unknown one ranks above every known one (as the rule treats it). */
export function classificationRank(classification: string): number {
  const rank = (CLASSIFICATIONS as readonly string[]).indexOf(classification);
  return rank < 0 ? CLASSIFICATIONS.length : rank;
}

export function markingMatches(marking: AccessMarking, criteria: AuditMarkingCriteria): boolean {
  if (criteria.classificationAtLeast && classificationRank(marking.classification) < classificationRank(criteria.classificationAtLeast)) return false;
  if (criteria.classification && marking.classification !== criteria.classification) return false;
  if (criteria.releasableTo && !marking.releasableTo.includes(criteria.releasableTo)) return false;
  if (criteria.caveat && !(marking.caveats ?? []).includes(criteria.caveat)) return false;
  if (criteria.tlp && marking.tlp !== criteria.tlp) return false;
  if (criteria.originator && marking.originator !== criteria.originator) return false;
  return true;
}

/** Whether the event describes a record whose marking matches every criterion (its recorded markings, `markings.records`). */
export function describesMarking(event: Pick<AuditEventRecord, 'markings'>, criteria: AuditMarkingCriteria): boolean {
  return (event.markings?.records ?? []).some((marking) => markingMatches(marking, criteria));
}

/** How an operation touched a record: READ (a query or subscription returned it, or asked for it and was refused), WRITE (a mutation changed it, or tried to). */
export type AuditAccess = 'READ' | 'WRITE';

/** One record, or every record of a type: `key` and/or `type`. */
export interface AuditRecordCriteria {
  key?: string;
  type?: string;
}

/**
 * How the event touched the records matching `record`: WRITE when a mutation returned it as changed (`changes.records`,
 * the records at the top of its payload) or named it and was refused (`authorization.withheld` with that key); READ
 * when the result held it at any depth (`entities`, other than what the mutation changed) or the request named it and
 * was refused. A withheld record whose type the gateway could not tell matches by key alone.
 */
export function recordAccesses(event: AuditEventRecord, record: AuditRecordCriteria): AuditAccess[] {
  const isRecord = (candidate: { key?: string; type?: string }, typeKnown = true) =>
    (record.key === undefined || candidate.key === record.key) && (record.type === undefined || candidate.type === record.type || (!typeKnown && candidate.type === undefined));
  const mutation = event.operation.type === 'mutation';
  const accesses = new Set<AuditAccess>();
  if ((event.changes ?? []).some((change) => change.records.some((changed) => isRecord(changed)))) accesses.add('WRITE');
  for (const entity of event.entities) {
    if (!isRecord(entity)) continue;
    // A mutation's records at the top of its payload are what it changed; what is nested in them it only read.
    accesses.add(mutation && entity.via === undefined ? 'WRITE' : 'READ');
  }
  for (const withheld of event.authorization.withheld) {
    if (withheld.key !== undefined && isRecord(withheld, false)) accesses.add(mutation ? 'WRITE' : 'READ');
  }
  return [...accesses].sort();
}
