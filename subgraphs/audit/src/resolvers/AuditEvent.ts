import type { AuditChange as AuditChangeRecord, AuditEventRecord } from '@cmcc/audit-trail';

/** The parts of a stored event the schema shows differently: JSON as text, optional parts as empty values. */
export const AuditEvent = {
  variables: (event: AuditEventRecord) => (event.variables === null || event.variables === undefined ? null : JSON.stringify(event.variables)),
  entitiesTruncated: (event: AuditEventRecord) => event.entitiesTruncated === true,
  cacheHit: (event: AuditEventRecord) => event.cacheHit === true,
  changes: (event: AuditEventRecord) => event.changes ?? [],
  client: (event: AuditEventRecord) => event.client ?? { name: null, version: null },
  claimedRequestId: (event: AuditEventRecord) => event.claimedRequestId ?? null,
  markings: (event: AuditEventRecord) => event.markings?.records ?? [],
  markingsComplete: (event: AuditEventRecord) => event.markings?.complete === true,
};

export const AuditChange = {
  arguments: (change: AuditChangeRecord) => JSON.stringify(change.arguments ?? {}),
  userErrors: (change: AuditChangeRecord) => change.userErrors ?? [],
};
