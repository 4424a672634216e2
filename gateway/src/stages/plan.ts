import type { createPlanCache } from '../cache/plan-cache.ts';
import type { Stage } from './stage.ts';

/**
 * @apollo/gateway plans the operation (as authorization left it) over the subgraphs, with the plan cache
 * (gateway/src/cache/plan-cache.ts, QUERY_PLAN_CACHE_MIB) keyed by the operation's hash: principals with different
 * rights have different hashes, so they never share a plan.
 */
export function planStage(planCache: ReturnType<typeof createPlanCache>): Stage {
  return { name: 'plan', does: 'plans the operation over the subgraphs (plan cache)', gateway: { queryPlannerConfig: { cache: planCache } } };
}
