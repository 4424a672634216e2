import type { AccessMarking } from '@cmcc/contracts';
import { MAX_REPORTED_MARKINGS, markingReportOf } from '@cmcc/contracts';
import { canonicalJson, type AuditEventContent, type AuditMarkings } from '@cmcc/audit-trail';

interface Collected {
  markings: Map<string, AccessMarking>;
  /** Subgraphs that answered with a complete marking report. */
  reported: Set<string>;
  /** A subgraph answered without a report, or with an incomplete one. */
  unknown: boolean;
  /** A response-cache hit served an answer stored with its markings (recordCachedMarkings): they are the answer's. */
  cached?: boolean;
}

const collected = new WeakMap<object, Collected>();

/**
 * Notes the markings a subgraph reported (response extension, packages/contracts/src/record-markings.ts) for the operation
 * whose context this is. The gateway's data source calls it for every subgraph answer, entity fetches included.
 */
export function recordSubgraphMarkings(context: object | undefined, subgraph: string, extensions: Record<string, unknown> | undefined | null): void {
  if (!context) return;
  let state = collected.get(context);
  if (!state) collected.set(context, (state = { markings: new Map(), reported: new Set(), unknown: false }));
  const report = markingReportOf(extensions);
  if (!report || !report.complete) {
    state.unknown = true;
    return;
  }
  state.reported.add(subgraph);
  for (const marking of report.markings) state.markings.set(canonicalJson(marking), marking);
}

/**
 * The markings the response cache stores with an answer (gateway/src/cache/response-cache.ts): those the subgraphs
 * reported for this operation, when every answer carried a complete report; null when any did not (the entry is then
 * stored without markings, and a hit on it is audited with its markings unknown). The cache stores only answers without
 * any error, so every subgraph called answered.
 */
export function cacheableMarkings(context: object | undefined): AccessMarking[] | null {
  const state = context ? collected.get(context) : undefined;
  if (!state) return [];
  if (state.unknown || state.markings.size > MAX_REPORTED_MARKINGS) return null;
  return [...state.markings.values()];
}

/**
 * A response-cache hit: the markings stored with the answer it served (null when the entry holds none, e.g. one stored
 * by an older gateway), so the hit's event carries the markings of the records it describes like a miss's.
 */
export function recordCachedMarkings(context: object | undefined, markings: readonly AccessMarking[] | null | undefined): void {
  if (!context) return;
  const state: Collected = { markings: new Map(), reported: new Set(), unknown: !markings, cached: Boolean(markings) };
  for (const marking of markings ?? []) state.markings.set(canonicalJson(marking), marking);
  collected.set(context, state);
}

/**
 * The markings of what an event describes. They are `complete` only when the gateway knows every record the event's
 * payload could be about: the operation executed without any error (a record withheld, not found or not reached is an
 * error), authorization removed nothing, every subgraph called answered with a complete report (for a response-cache
 * hit: the entry it served was stored with the complete report of the answer it holds), and every mutation field
 * returned the record it changed. Otherwise the payload's markings are unknown and the audit subgraph redacts it for
 * every auditor (fail closed).
 */
export function eventMarkings(context: object | undefined, event: AuditEventContent, executed: boolean): AuditMarkings {
  const state = context ? collected.get(context) : undefined;
  const records = [...(state?.markings.values() ?? [])];
  const complete =
    executed &&
    (!event.cacheHit || state?.cached === true) &&
    event.outcome.errorCount === 0 &&
    event.authorization.removed.length === 0 &&
    event.authorization.withheld.length === 0 &&
    !state?.unknown &&
    event.subgraphs.every((subgraph) => state?.reported.has(subgraph) === true) &&
    (event.changes ?? []).every((change) => change.records.length > 0 && (change.userErrors ?? []).length === 0) &&
    records.length <= MAX_REPORTED_MARKINGS;
  return { complete, records: records.slice(0, MAX_REPORTED_MARKINGS) };
}
