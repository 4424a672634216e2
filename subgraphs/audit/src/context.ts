import type { SubgraphContext } from '@cmcc/subgraph-kit';
import type { AlertWatch } from './data/alerts.ts';
import type { AuditTrail } from './data/trail.ts';

/** What the audit resolvers share: the trail and its alert rules (one per subgraph, not per request: they hold no principal's data). */
export interface AuditLoaders {
  readonly trail: AuditTrail;
  readonly alerts: AlertWatch;
}

export type AuditContext = SubgraphContext<AuditLoaders>;
