import { createHash } from 'node:crypto';
import type { Logger } from '@cmcc/platform';
import type { GatewayConfig } from './config.ts';
import { createPlanCache, type PlanCacheStats } from './cache/plan-cache.ts';
import { createResponseCache, type ResponseCache, type ResponseCacheStats } from './cache/response-cache.ts';
import { BroadcastingStore } from './cache/broadcast.ts';
import { MemoryCacheStore, RedisCacheStore, type CacheStore } from './cache/store.ts';
import { buildManifest, knownOperations, readManifest, type KnownOperations } from './operations/manifest.ts';
import { createPersistedQueryCache, type PersistedQueryStats } from './operations/persisted.ts';
import { createSubgraphTransport, type TransportStats } from './transport/fetcher.ts';

/** Counters of the gateway's caches and transport, as plain objects (for /metrics and the benchmark). */
export interface PerformanceStats {
  planCache: PlanCacheStats;
  responseCache: ResponseCacheStats | null;
  persistedQueries: PersistedQueryStats | null;
  transport: TransportStats;
  /** Bytes held and entries evicted to stay within the bound, per in-memory store (none with Redis). */
  memory: Record<string, { bytes: number; maxBytes: number; evictions: number }>;
}

/**
 * The gateway's caches and subgraph transport, built from its configuration, with their counters and their lifetime;
 * the stages of gateway/src/pipeline.ts use them (persisted-query, safelist, cache-lookup, plan, cache-store, execute).
 */
export interface Performance {
  /** The operations of schema/operations/ (the manifest): known by their id, and the safelist. */
  readonly knownOperations: KnownOperations;
  /** The APQ store, or undefined when persisted queries are off. */
  readonly persistedQueries: ReturnType<typeof createPersistedQueryCache> | undefined;
  /** The response cache, or undefined when it is off. */
  readonly responseCache: ResponseCache | undefined;
  readonly planCache: ReturnType<typeof createPlanCache>;
  readonly transport: ReturnType<typeof createSubgraphTransport>;
  stats(): PerformanceStats;
  close(): Promise<void>;
}

/** The identity of the supergraph being served (the FileSupergraphManager's state). */
export interface SupergraphSource {
  readonly state: { phase: string; hash?: string };
}

/** The in-memory stores opened, by what they cache (for `stats().memory`). */
type MemoryStores = Map<string, { store: MemoryCacheStore; maxBytes: number }>;

function openStore(
  settings: { store: 'memory' | 'redis'; maxEntries: number; maxBytes: number },
  config: GatewayConfig,
  logger: Logger,
  what: string,
  memory: { stores: MemoryStores; name: string; broadcast?: boolean },
): CacheStore {
  const { redisUrl, cacheKeyPrefix } = config.performance;
  if (settings.store === 'redis') return new RedisCacheStore(redisUrl!, cacheKeyPrefix, logger, what);
  const store = new MemoryCacheStore(settings.maxBytes, settings.maxEntries);
  memory.stores.set(memory.name, { store, maxBytes: settings.maxBytes });
  // Kept in memory with a Redis at hand: evictions still reach the other gateway processes, over Redis pub/sub.
  return redisUrl && memory.broadcast ? new BroadcastingStore(store, redisUrl, cacheKeyPrefix, logger) : store;
}

export function createPerformance(config: GatewayConfig, logger: Logger, supergraph: SupergraphSource): Performance {
  const settings = config.performance;
  const transport = createSubgraphTransport({
    ...settings.transport,
    connectionsPerOrigin: settings.transport.connectionsPerSubgraph,
    // A backstop only: each attempt's own (per-subgraph) timeout is the resilience wrapper's, so this is the longest of them.
    timeoutMs: Math.max(config.resilience.defaultTimeoutMs, ...Object.values(config.resilience.timeoutsMs)),
  });
  const planCache = createPlanCache(settings.planCacheMiB);
  // In safelist mode a saved operation that does not parse stops the start (it could not be allowed); otherwise it is
  // left out of the manifest with a warning.
  const onProblem = settings.persistedQueries.safelist ? undefined : (problem: string) => logger.warn({ problem }, 'saved operation left out of the persisted-operation manifest');
  const known = knownOperations(
    settings.persistedQueries.manifestFile ? readManifest(settings.persistedQueries.manifestFile) : buildManifest(settings.persistedQueries.operationsDir, onProblem),
  );

  const stores: CacheStore[] = [];
  const memoryStores: MemoryStores = new Map();
  let responseCache: ResponseCache | undefined;
  if (settings.responseCache.enabled) {
    const store = openStore(settings.responseCache, config, logger, 'response cache', { stores: memoryStores, name: 'response', broadcast: true });
    stores.push(store);
    const authorization = createHash('sha256')
      .update(JSON.stringify([config.authorizationMode, config.policies]))
      .digest('hex')
      .slice(0, 16);
    responseCache = createResponseCache({
      store,
      maxAgeSeconds: settings.responseCache.maxAgeSeconds,
      staleIfErrorSeconds: settings.responseCache.staleIfErrorSeconds,
      parsedMaxBytes: Math.floor(settings.responseCache.maxBytes / 4),
      generation: () => `${supergraph.state.hash}:${authorization}`,
      logger,
    });
  }
  let persistedQueryCache: ReturnType<typeof createPersistedQueryCache> | undefined;
  if (settings.persistedQueries.enabled) {
    const store = openStore(settings.persistedQueries, config, logger, 'persisted queries', { stores: memoryStores, name: 'persisted_queries' });
    stores.push(store);
    persistedQueryCache = createPersistedQueryCache(store, known);
  }
  return {
    knownOperations: known,
    persistedQueries: persistedQueryCache,
    responseCache,
    planCache,
    transport,
    stats: () => ({
      planCache: planCache.stats(),
      responseCache: responseCache?.stats() ?? null,
      persistedQueries: persistedQueryCache?.stats() ?? null,
      transport: transport.stats(),
      memory: Object.fromEntries([...memoryStores].map(([what, { store, maxBytes }]) => [what, { bytes: store.byteSize, maxBytes, evictions: store.evictions }])),
    }),
    close: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await transport.close();
    },
  };
}
