import { createHash } from 'node:crypto';
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@cmcc/platform';
import type { GatewayConfig } from './config.ts';
import { ApolloServerPluginPrivateCacheHeaders } from './cache/cache-headers.ts';
import { createPlanCache, type PlanCacheStats } from './cache/plan-cache.ts';
import { ApolloServerPluginResponseCache, type ResponseCacheStats } from './cache/response-cache.ts';
import { BroadcastingStore } from './cache/broadcast.ts';
import { MemoryCacheStore, RedisCacheStore, type CacheStore } from './cache/store.ts';
import { extractCostDirectives, type CostDirectives } from './limits/measure.ts';
import { ApolloServerPluginOperationLimits } from './limits/plugin.ts';
import { buildManifest, knownOperations, readManifest } from './operations/manifest.ts';
import { ApolloServerPluginSafelist, createPersistedQueryCache, type PersistedQueryStats } from './operations/persisted.ts';
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

/** The gateway's performance parts, built from its configuration; server.ts plugs them in. */
export interface Performance {
  /** Plugins that must run before authorization (limits, safelist). */
  readonly firstPlugins: ApolloServerPlugin[];
  /** Plugins that must run after authorization and audit (the response cache). */
  readonly lastPlugins: ApolloServerPlugin[];
  readonly persistedQueries: ApolloServerOptions<never>['persistedQueries'];
  readonly planCache: ReturnType<typeof createPlanCache>;
  readonly transport: ReturnType<typeof createSubgraphTransport>;
  /** Reads the cost directives of each supergraph served (from `gateway.onSchemaLoadOrUpdate`). */
  useSupergraph(supergraphSdl: string): void;
  stats(): PerformanceStats;
  close(): Promise<void>;
}

/** The identity of the supergraph being served (the FileSupergraphManager's state). */
export interface SupergraphSource {
  readonly state: { phase: string; hash?: string };
}

/** The in-memory stores opened, by what they cache (for `stats().memory`). */
type MemoryStores = Map<string, { store: MemoryCacheStore; maxBytes: number }>;

function openStore(settings: { store: 'memory' | 'redis'; maxEntries: number; maxBytes: number }, config: GatewayConfig, logger: Logger, what: string, memory: { stores: MemoryStores; name: string; broadcast?: boolean }): CacheStore {
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
  const known = knownOperations(settings.persistedQueries.manifestFile ? readManifest(settings.persistedQueries.manifestFile) : buildManifest(settings.persistedQueries.operationsDir, onProblem));

  let costs: CostDirectives = { weights: new Map(), listSizes: new Map() };
  const firstPlugins: ApolloServerPlugin[] = [ApolloServerPluginOperationLimits(settings.limits, () => costs)];
  if (settings.persistedQueries.safelist) firstPlugins.push(ApolloServerPluginSafelist(known, { allowIntrospection: settings.persistedQueries.safelistAllowsIntrospection }));

  const stores: CacheStore[] = [];
  const memoryStores: MemoryStores = new Map();
  const lastPlugins: ApolloServerPlugin[] = [...ApolloServerPluginPrivateCacheHeaders()];
  let responseCache: ReturnType<typeof ApolloServerPluginResponseCache> | undefined;
  if (settings.responseCache.enabled) {
    const store = openStore(settings.responseCache, config, logger, 'response cache', { stores: memoryStores, name: 'response', broadcast: true });
    stores.push(store);
    const authorization = createHash('sha256').update(JSON.stringify([config.authorizationMode, config.policies])).digest('hex').slice(0, 16);
    responseCache = ApolloServerPluginResponseCache({ store, maxAgeSeconds: settings.responseCache.maxAgeSeconds, parsedMaxBytes: Math.floor(settings.responseCache.maxBytes / 4), generation: () => `${supergraph.state.hash}:${authorization}`, logger });
    lastPlugins.push(responseCache);
  }
  let persistedQueryCache: ReturnType<typeof createPersistedQueryCache> | undefined;
  if (settings.persistedQueries.enabled) {
    const store = openStore(settings.persistedQueries, config, logger, 'persisted queries', { stores: memoryStores, name: 'persisted_queries' });
    stores.push(store);
    persistedQueryCache = createPersistedQueryCache(store, known);
  }
  return {
    firstPlugins,
    lastPlugins,
    persistedQueries: persistedQueryCache ? { cache: persistedQueryCache } : false,
    planCache,
    transport,
    useSupergraph: (sdl) => void (costs = extractCostDirectives(sdl)),
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
