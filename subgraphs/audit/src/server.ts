import { subgraphRoot, type Env, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { AlertWatch } from './data/alerts.ts';
import { AuditTrail } from './data/trail.ts';
import type { AuditLoaders } from './context.ts';
import { AuditChange, AuditEvent } from './resolvers/AuditEvent.ts';
import { Query } from './resolvers/Query.ts';

export type { AuditContext, AuditLoaders } from './context.ts';

export interface AuditSubgraphDefinition extends SubgraphDefinition<AuditLoaders> {
  /** The same subgraph reading the trail of the gateway whose environment is `env` (DATA_DIR, AUDIT_*, REDIS_URL). */
  withEnv(env: Env): AuditSubgraphDefinition;
  readonly trail: AuditTrail;
  readonly alerts: AlertWatch;
}

const root = subgraphRoot(import.meta.url);

/** The platform team's audit subgraph: the gateway's audit trail, read only, for principals with `audit:read`. */
export function createAuditSubgraph(env: Env = process.env): AuditSubgraphDefinition {
  const trail = new AuditTrail(env);
  const alerts = new AlertWatch(trail);
  return {
    name: 'audit',
    defaultPort: 4005,
    root,
    resolvers: { Query, AuditEvent, AuditChange },
    createLoaders: () => ({ trail, alerts }),
    // No tables of its own: the trail is the gateway's.
    seed: async () => {},
    withEnv: (other) => createAuditSubgraph(other),
    registerMetrics(metrics) {
      // Alerts firing now per rule, every event counted: rule names only as labels (no principal, no record).
      metrics.registerGauge(
        'cmcc_audit_alerts_firing',
        'Alerts each audit alert rule (AUDIT_ALERT_*) has firing now, over every event of the trail; no series when the trail cannot be read',
        async () => {
          try {
            return [...(await alerts.firingNow())].map(([rule, value]) => ({ labels: { rule }, value }));
          } catch {
            return [];
          }
        },
        ['rule'],
      );
    },
    trail,
    alerts,
  };
}

export const audit: AuditSubgraphDefinition = createAuditSubgraph();
