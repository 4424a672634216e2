import type { AccessMarking } from '@cmcc/contracts';
import { MAX_REPORTED_MARKINGS, markingReportOf } from '@cmcc/contracts';
import { canonicalJson, type AuditEventContent, type AuditMarkings } from '@cmcc/audit-trail';

interface Collected {
  markings: Map<string, AccessMarking>;
  /** Subgraphs that answered with a complete marking report. */
  reported: Set<string>;
  /** A subgraph answered without a report, or with an incomplete one. */
  unknown: boolean;
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
 * The markings of what an event describes. They are `complete` only when the gateway knows every record the event's
 * payload could be about: the operation executed without any error (a record withheld, not found or not reached is an
 * error), authorization removed nothing, it was not a response-cache hit, every subgraph called answered with a complete
 * report, and every mutation field returned the record it changed. Otherwise the payload's markings are unknown and
 * the audit subgraph redacts it for every auditor (fail closed).
 */
export function eventMarkings(context: object | undefined, event: AuditEventContent, executed: boolean): AuditMarkings {
  const state = context ? collected.get(context) : undefined;
  const records = [...(state?.markings.values() ?? [])];
  const complete =
    executed &&
    !event.cacheHit &&
    event.outcome.errorCount === 0 &&
    event.authorization.removed.length === 0 &&
    event.authorization.withheld.length === 0 &&
    !state?.unknown &&
    event.subgraphs.every((subgraph) => state?.reported.has(subgraph) === true) &&
    (event.changes ?? []).every((change) => change.records.length > 0 && (change.userErrors ?? []).length === 0) &&
    records.length <= MAX_REPORTED_MARKINGS;
  return { complete, records: records.slice(0, MAX_REPORTED_MARKINGS) };
}
