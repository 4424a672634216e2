import type { AuditEventRecord, ChainedAuditEvent } from '@cmcc/audit-trail';
import { REDACTED } from '@cmcc/audit-trail';
import { canSee, viewerOf, type Principal } from '@cmcc/subgraph-kit';

/** An event as one auditor may see it: `redacted` says whether its payload was taken out. */
export type AuditEventView = ChainedAuditEvent & { redacted: boolean };

/**
 * Whether the payload of an event (variables, document, entities, changes) is released to an auditor: only when the
 * event's markings are complete and every one of them releases its record to the auditor (an event about several
 * records needs all of them). Unknown markings (an event written before markings were recorded, a mutation whose
 * record was never returned, an error, a cache hit...) could hide a TLP:RED record, which names its recipients one by
 * one, so no auditor is released everything such an event could contain: it is redacted for all (fail closed).
 */
export function payloadReleasedTo(principal: Principal): (event: AuditEventRecord) => boolean {
  const viewer = viewerOf(principal);
  return (event) => event.markings?.complete === true && event.markings.records.every((marking) => canSee(viewer, marking));
}

/**
 * The event for this auditor. Redacted, it keeps who acted (principal, client as claimed, request ids), when, the
 * operation's name and type, the fields and subgraphs the operation used, how it ended and its place in the chain; it
 * loses the variables, the document and its hash (either would show the record ids and inputs), the entities, the
 * changes, the markings and the response paths of removed or withheld fields.
 */
export function viewOf(event: ChainedAuditEvent, released: (event: AuditEventRecord) => boolean): AuditEventView {
  if (released(event)) return { ...event, redacted: false };
  return {
    ...event,
    redacted: true,
    operation: { name: event.operation.name, type: event.operation.type, hash: null, document: null },
    variables: null,
    entities: [],
    entitiesTruncated: false,
    changes: [],
    markings: { complete: false, records: [] },
    authorization: {
      removed: event.authorization.removed.map(({ coordinate }) => ({ path: REDACTED, coordinate })),
      withheld: event.authorization.withheld.map(({ service }) => ({ path: REDACTED, ...(service ? { service } : {}) })),
    },
  };
}
