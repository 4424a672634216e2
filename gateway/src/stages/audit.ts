import { ApolloServerPluginAudit, type AuditPluginOptions } from '../audit/plugin.ts';
import type { Stage } from './stage.ts';

/**
 * One signed audit event per operation (gateway/src/audit/). Its place in the trail is reserved when the request
 * starts; when the trail is full and fail-closed the operation is refused (SERVICE_UNAVAILABLE, HTTP 503) after the
 * other stages' checks and before anything is planned. The event is written last, when the response is complete: it
 * sees what authorization removed, whether the cache answered and which subgraphs were called.
 */
export function auditStage(options: AuditPluginOptions): Stage {
  return {
    name: 'audit',
    does: 'reserves the audit event (503 when the trail is full and fail-closed) and writes it once the response is complete',
    plugin: ApolloServerPluginAudit(options) as Stage['plugin'],
  };
}
