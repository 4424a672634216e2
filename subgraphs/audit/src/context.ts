import type { SubgraphContext } from '@cmcc/subgraph-kit';
import type { AuditTrail } from './data/trail.ts';

/** What the audit resolvers share: the trail (one per subgraph, not per request: it holds no principal's data). */
export interface AuditLoaders {
  readonly trail: AuditTrail;
}

export type AuditContext = SubgraphContext<AuditLoaders>;
