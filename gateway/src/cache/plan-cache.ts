import { performance } from 'node:perf_hooks';
import type { QueryPlan, QueryPlannerConfig } from '@apollo/query-planner';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

export interface PlanCacheStats {
  hits: number;
  misses: number;
  /** Plans built (a miss followed by the planner storing its plan). */
  plans: number;
  /** Total and last time spent planning, in milliseconds. */
  planningMs: number;
  lastPlanningMs: number;
  /** Plans held now. */
  entries: number;
}

type QueryPlanCache = NonNullable<QueryPlannerConfig['cache']>;

/**
 * The query-plan cache handed to @apollo/gateway (`queryPlannerConfig.cache`), sized in MiB and counting: the gateway
 * reads a plan (`get`), and on a miss plans synchronously and stores it (`set`), so the time between the two is the
 * planning time.
 */
export function createPlanCache(maxMiB: number): QueryPlanCache & { stats(): PlanCacheStats } {
  const lru = new InMemoryLRUCache<QueryPlan>({ maxSize: maxMiB * 2 ** 20, sizeCalculation: (plan) => approximateSize(plan) });
  const missedAt = new Map<string, number>();
  const counters = { hits: 0, misses: 0, plans: 0, planningMs: 0, lastPlanningMs: 0 };
  return {
    async get(key) {
      const plan = await lru.get(key);
      if (plan) counters.hits++;
      else {
        counters.misses++;
        missedAt.set(key, performance.now());
      }
      return plan;
    },
    async set(key, plan, options) {
      const started = missedAt.get(key);
      missedAt.delete(key);
      if (started !== undefined) {
        counters.plans++;
        counters.lastPlanningMs = performance.now() - started;
        counters.planningMs += counters.lastPlanningMs;
      }
      await lru.set(key, plan, options);
    },
    delete: (key) => lru.delete(key),
    clear: () => {
      missedAt.clear();
      lru.clear();
    },
    stats: () => ({
      ...counters,
      planningMs: Math.round(counters.planningMs * 100) / 100,
      lastPlanningMs: Math.round(counters.lastPlanningMs * 100) / 100,
      entries: lru.keys().length,
    }),
  };
}

// As @apollo/gateway sizes its own plan store: the bytes of the plan's JSON.
function approximateSize(plan: QueryPlan): number {
  return Buffer.byteLength(JSON.stringify(plan), 'utf8') || 1;
}
