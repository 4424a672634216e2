import {
  decodeCursor,
  encodeCursor,
  filterReadsPayload,
  matchesPayloadFilter,
  matchesVisibleFilter,
  newerFirst,
  TRAIL_FILE,
  type AuditEventFilter,
  type ChainedAuditEvent,
  type ChainStatus,
} from '@cmcc/audit-trail';
import { badUserInput, noteRecordMarkings } from '@cmcc/subgraph-kit';
import type { AuditContext } from '../context.ts';
import { payloadReleasedTo, viewOf, type AuditEventView } from './release.ts';

/** An investigation's answer (AuditInvestigation in the schema). */
export interface Investigation {
  edges: { cursor: string; node: AuditEventView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
  redactedCount: number;
  undeterminedCount: number;
  verified: boolean;
  chains: ChainStatus[];
}

/**
 * Runs an investigation over the whole trail for the auditor of `context`, under releasability rule v2 as `auditEvents`
 * applies it: a filter on the payload (a record, a marking) finds only events whose payload is released to the auditor,
 * and the others of the period are counted (`undeterminedCount`), never listed; any other filter lists the matching
 * events, redacted where the payload is withheld (`redactedCount`). Then the chains the matching events are in are
 * verified (`chainStatus`): `verified` only when every matching event lies in the verified part of its chain.
 */
export async function investigate(context: AuditContext, filter: AuditEventFilter, page: { first: number; after: string | null }): Promise<Investigation> {
  const released = payloadReleasedTo(context.principal);
  const store = await context.loaders.trail.open();
  const searchesPayload = filterReadsPayload(filter);
  const matching: ChainedAuditEvent[] = [];
  let redactedCount = 0;
  let undeterminedCount = 0;
  for await (const record of store.scan()) {
    if (record.kind !== 'event' || !matchesVisibleFilter(record, filter)) continue;
    const shown = released(record);
    if (searchesPayload) {
      if (!shown) {
        undeterminedCount++;
        continue;
      }
      if (!matchesPayloadFilter(record, filter)) continue;
    } else if (!shown) {
      redactedCount++;
    }
    matching.push(record);
  }
  matching.sort(newerFirst);

  let start = 0;
  if (page.after) {
    const cursor = decodeCursor(page.after);
    if (!cursor.at) throw badUserInput('"after" is a cursor of auditEvents over a single chain; an investigation gives its own cursors (pageInfo.endCursor)', 'after');
    const after = { seq: cursor.seq, time: cursor.at.time, chain: cursor.at.chain } as ChainedAuditEvent;
    start = matching.findIndex((event) => newerFirst(after, event) < 0);
    if (start < 0) start = matching.length;
  }
  const events = matching.slice(start, start + page.first);
  const views = events.map((event) => viewOf(event, released));
  reportShown(context, views);
  // A record searched for and shown nowhere: the record's marking is not known (as for auditEvents' entityKey).
  if (filter.entityKey !== undefined && !views.some((view) => !view.redacted)) noteRecordMarkings(context, null);

  const status = await store.chainStatus();
  const byChain = new Map(status.chains.map((chain) => [chain.chain, chain]));
  const used = new Set(matching.map((event) => event.chain));
  const cursorOf = (event: ChainedAuditEvent) => encodeCursor(event.seq, { time: event.time, chain: event.chain });
  return {
    edges: views.map((view) => ({ cursor: cursorOf(view), node: view })),
    pageInfo: { hasNextPage: start + page.first < matching.length, endCursor: events.length > 0 ? cursorOf(events[events.length - 1]) : null },
    totalCount: matching.length,
    redactedCount,
    undeterminedCount,
    verified: matching.every((event) => {
      const chain = byChain.get(event.chain);
      return chain !== undefined && (chain.ok || event.seq <= chain.verifiedUpToSeq);
    }),
    chains: status.chains.filter((chain) => chain.chain !== undefined && used.has(chain.chain)).map(publicChainStatus),
  };
}

/** A chain's status as auditors see it: where it is stored named by the chain, never by a file path. */
export function publicChainStatus(status: ChainStatus): ChainStatus {
  if (status.chain === undefined) return status;
  return { ...status, storage: status.chain === TRAIL_FILE ? `file ${TRAIL_FILE}` : `redis stream ${status.chain}` };
}

/**
 * The auditor's own operation is audited too: its event is about the records of the events it was shown in full, so
 * it carries their markings (packages/contracts/src/record-markings.ts) and is shown only to auditors released them as well.
 */
export function reportShown(context: AuditContext, views: readonly AuditEventView[]): void {
  for (const view of views) if (!view.redacted) noteRecordMarkings(context, view.markings?.records ?? null);
}
