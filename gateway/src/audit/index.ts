export { ApolloServerPluginAudit, recordSubgraphCall } from './plugin.ts';
export { recordSubgraphMarkings } from './markings.ts';
export { AuditTrail, createAuditSink, createAuditTrail } from '@cmcc/audit-trail';
export { openAuditStore, FileAuditStore, RedisAuditStore, type AuditStore, type AuditEventFilter, type ChainStatus } from '@cmcc/audit-trail';
export { verifyTrail, describeResult } from '@cmcc/audit-trail';
export type { AuditConfig } from '@cmcc/audit-trail';
export type * from '@cmcc/audit-trail';
