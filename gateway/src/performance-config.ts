import path from 'node:path';
import v8 from 'node:v8';
import { boolean, defineEnv, oneOf, positiveInt, readEnv, readRedisUrl, slotPrefix, text, wholeNumber, type Env } from '@cmcc/platform';
import type { OperationLimits } from './limits/check.ts';

/** Response cache, persisted operations, operation limits, subgraph transport and plan cache (part of GatewayConfig). */
export interface PerformanceConfig {
  readonly limits: OperationLimits;
  readonly responseCache: {
    /** Off: every operation executes (the benchmark's "cold" runs). */
    readonly enabled: boolean;
    /** `redis` when REDIS_URL is set (shared by gateway instances), else `memory`. */
    readonly store: 'memory' | 'redis';
    /** Entries kept by the in-memory store. */
    readonly maxEntries: number;
    /** Bytes the in-memory store holds at most (least recently used evicted first); default a small share of the heap. */
    readonly maxBytes: number;
    /** Upper bound on any entry's lifetime, whatever the subgraphs declare, in seconds. */
    readonly maxAgeSeconds: number;
    /** How long past its lifetime an entry may fill the fields of a subgraph that fails (stale-if-error); 0: never. */
    readonly staleIfErrorSeconds: number;
  };
  readonly persistedQueries: {
    /** Automatic persisted queries (register by hash, then send only the hash). */
    readonly enabled: boolean;
    readonly store: 'memory' | 'redis';
    readonly maxEntries: number;
    /** Bytes of registered operation text the in-memory store holds at most; default a small share of the heap. */
    readonly maxBytes: number;
    /** Production: refuse any operation that is not in the manifest. */
    readonly safelist: boolean;
    /** With the safelist on, still allow introspection-only operations (the explorer's schema query). */
    readonly safelistAllowsIntrospection: boolean;
    /** The saved operations (`*.graphql`) the manifest is built from at start... */
    readonly operationsDir: string;
    /** ...or a manifest file (`npm run operations:manifest`) instead. */
    readonly manifestFile: string | undefined;
  };
  readonly transport: {
    /** Keep-alive connections per subgraph origin. */
    readonly connectionsPerSubgraph: number;
    readonly keepAliveMs: number;
    /** Ask subgraphs for gzip/br responses. */
    readonly compression: boolean;
    /** Share one subgraph fetch among identical concurrent queries of the same principal. */
    readonly dedupe: boolean;
    /** Send the queries of one principal to one subgraph that are ready at the same moment as one request. */
    readonly coalesce: boolean;
  };
  /** Approximate size of the query-plan cache, in MiB. */
  readonly planCacheMiB: number;
  readonly redisUrl: string | undefined;
  /** Prefix of the Redis keys of the response cache and persisted queries (one per deployment sharing a Redis). */
  readonly cacheKeyPrefix: string;
}

/**
 * Defaults let every saved operation in schema/operations/ and the explorer's introspection query through (a test
 * checks it); a dashboard that needs more asks the platform team.
 */
export const DEFAULT_LIMITS: OperationLimits = Object.freeze({ maxDepth: 15, maxAliases: 30, maxRootFields: 20, maxCost: 25_000, maxFields: 5_000, defaultListSize: 10 });

/**
 * A share of the heap this process may grow to (V8's heap limit, which --max-old-space-size sets): the default bound
 * of an in-memory cache, so the caches together never take more than a small part of what the gateway can hold.
 */
export function heapShare(fraction: number): number {
  return Math.floor(v8.getHeapStatistics().heap_size_limit * fraction);
}

const GATEWAY = ['gateway'];

/** Operation limits, response cache, persisted operations, subgraph transport and plan cache. */
export const PERFORMANCE_ENV = defineEnv({
  GATEWAY_MAX_DEPTH: {
    description: 'deepest selection nesting an operation may have (`OPERATION_LIMIT_EXCEEDED`, HTTP 400, checked before planning)',
    components: GATEWAY,
    default: String(DEFAULT_LIMITS.maxDepth),
    ...positiveInt(),
  },
  GATEWAY_MAX_ALIASES: { description: 'aliases an operation may use', components: GATEWAY, default: String(DEFAULT_LIMITS.maxAliases), ...positiveInt() },
  GATEWAY_MAX_ROOT_FIELDS: { description: 'root fields an operation may select', components: GATEWAY, default: String(DEFAULT_LIMITS.maxRootFields), ...positiveInt() },
  GATEWAY_MAX_COST: { description: 'estimated cost an operation may have', components: GATEWAY, default: String(DEFAULT_LIMITS.maxCost), ...positiveInt() },
  GATEWAY_MAX_FIELDS: {
    description: 'fields of an operation once every fragment is written out (a fragment bomb is refused with `limit: "fields"`)',
    components: GATEWAY,
    default: String(DEFAULT_LIMITS.maxFields),
    ...positiveInt(),
  },
  GATEWAY_DEFAULT_LIST_SIZE: {
    description: 'list size the cost estimate assumes for a list without `first:` or `@listSize`',
    components: GATEWAY,
    default: String(DEFAULT_LIMITS.defaultListSize),
    ...positiveInt(),
  },
  GATEWAY_RESPONSE_CACHE: {
    description: 'cache query responses for the lifetime the subgraphs declare (`@cacheControl`), per principal',
    components: GATEWAY,
    default: 'true',
    formerNames: ['RESPONSE_CACHE'],
    ...boolean(),
  },
  GATEWAY_RESPONSE_CACHE_STORE: {
    description: 'where cached responses live; Redis errors bypass the store (logged once per outage, counted), never fail a request',
    components: GATEWAY,
    defaultText: '`redis` with `REDIS_URL`, else `memory`',
    formerNames: ['RESPONSE_CACHE_STORE'],
    ...oneOf(['memory', 'redis']),
  },
  GATEWAY_RESPONSE_CACHE_MAX_ENTRIES: {
    description: 'entries of the in-memory response cache',
    components: GATEWAY,
    default: '10000',
    formerNames: ['RESPONSE_CACHE_MAX_ENTRIES'],
    ...positiveInt(),
  },
  GATEWAY_RESPONSE_CACHE_MAX_BYTES: {
    description: 'bytes the in-memory response cache holds at most (text counted at two bytes a character), least recently used evicted first',
    components: GATEWAY,
    defaultText: '1/20 of the V8 heap limit',
    formerNames: ['RESPONSE_CACHE_MAX_BYTES'],
    ...positiveInt(),
  },
  GATEWAY_RESPONSE_CACHE_MAX_AGE_SECONDS: {
    description: 'longest any response stays cached, whatever the subgraphs declare',
    components: GATEWAY,
    default: '300',
    formerNames: ['RESPONSE_CACHE_MAX_AGE_SECONDS'],
    ...positiveInt(),
  },
  GATEWAY_RESPONSE_CACHE_STALE_IF_ERROR_SECONDS: {
    description:
      'how long past its lifetime a cached answer may stand in for the fields of a subgraph that fails (stale-if-error), marked `extensions.stale: { serviceName, asOf }`; 0: never',
    components: GATEWAY,
    default: '300',
    ...wholeNumber({ max: 86_400 }),
  },
  GATEWAY_CACHE_KEY_PREFIX: {
    description: 'prefix of the Redis keys of the response cache and persisted queries (one per deployment sharing a Redis)',
    components: [...GATEWAY, '`npm run import`'],
    default: 'cmcc:gateway:',
    formerNames: ['CACHE_KEY_PREFIX'],
    ...text({ noSpaces: true }),
  },
  GATEWAY_PERSISTED_QUERIES: {
    description: 'automatic persisted queries (register by hash, then send only the hash)',
    components: GATEWAY,
    default: 'true',
    formerNames: ['PERSISTED_QUERIES'],
    ...boolean(),
  },
  GATEWAY_PERSISTED_QUERIES_STORE: {
    description: 'where persisted queries live; Redis errors bypass the store, never fail a request',
    components: GATEWAY,
    defaultText: '`redis` with `REDIS_URL`, else `memory`',
    formerNames: ['PERSISTED_QUERIES_STORE'],
    ...oneOf(['memory', 'redis']),
  },
  GATEWAY_PERSISTED_QUERIES_MAX_ENTRIES: {
    description: 'entries of the in-memory persisted-query store',
    components: GATEWAY,
    default: '10000',
    formerNames: ['PERSISTED_QUERIES_MAX_ENTRIES'],
    ...positiveInt(),
  },
  GATEWAY_PERSISTED_QUERIES_MAX_BYTES: {
    description: 'bytes of registered operation text the in-memory store holds at most, least recently used evicted first',
    components: GATEWAY,
    defaultText: '1/100 of the V8 heap limit',
    formerNames: ['PERSISTED_QUERIES_MAX_BYTES'],
    ...positiveInt(),
  },
  GATEWAY_OPERATIONS_SAFELIST: {
    description: '`true` (production): only the operations of the manifest run (`OPERATION_NOT_IN_SAFELIST` otherwise)',
    components: GATEWAY,
    default: 'false',
    formerNames: ['OPERATIONS_SAFELIST'],
    ...boolean(),
  },
  GATEWAY_OPERATIONS_SAFELIST_INTROSPECTION: {
    description: 'with the safelist on, still allow introspection-only queries (the explorer)',
    components: GATEWAY,
    default: 'false',
    formerNames: ['OPERATIONS_SAFELIST_INTROSPECTION'],
    ...boolean(),
  },
  GATEWAY_OPERATIONS_DIR: {
    description: "saved operations (`*.graphql`) the manifest is built from at start, and the explorer's saved operations",
    components: GATEWAY,
    default: 'schema/operations',
    formerNames: ['OPERATIONS_DIR'],
    ...text(),
  },
  GATEWAY_OPERATIONS_MANIFEST: {
    description: 'a manifest file (`npm run operations:manifest`) to use instead of `GATEWAY_OPERATIONS_DIR`',
    components: GATEWAY,
    formerNames: ['OPERATIONS_MANIFEST'],
    ...text(),
  },
  SUBGRAPH_CONNECTIONS: { description: 'keep-alive connections per subgraph origin', components: GATEWAY, default: '32', ...positiveInt() },
  SUBGRAPH_KEEPALIVE_MS: { description: 'how long an idle subgraph connection is kept', components: GATEWAY, default: '30000', ...positiveInt() },
  SUBGRAPH_COMPRESSION: { description: 'ask subgraphs for gzip/br responses', components: GATEWAY, default: 'false', ...boolean() },
  SUBGRAPH_DEDUPE: { description: 'share one fetch among identical in-flight subgraph queries of the same principal', components: GATEWAY, default: 'true', ...boolean() },
  SUBGRAPH_COALESCE: {
    description: 'merge the queries of one principal to one subgraph issued at the same moment into one request',
    components: GATEWAY,
    default: 'true',
    ...boolean(),
  },
  GATEWAY_QUERY_PLAN_CACHE_MIB: {
    description: 'approximate size of the query plan cache, in MiB',
    components: GATEWAY,
    default: '30',
    formerNames: ['QUERY_PLAN_CACHE_MIB'],
    ...positiveInt(),
  },
});

function store(variable: string, requested: 'memory' | 'redis' | undefined, redisUrl: string | undefined, problems: string[]): 'memory' | 'redis' {
  if (requested === 'redis' && !redisUrl) problems.push(`${variable}=redis needs REDIS_URL`);
  return (requested ?? (redisUrl ? 'redis' : 'memory')) === 'redis' && redisUrl ? 'redis' : 'memory';
}

/** Reads the performance variables in the gateway config's style: problems are collected, not thrown. */
export function parsePerformanceConfig(env: Env, problems: string[]): PerformanceConfig {
  const redisUrl = readRedisUrl(env, problems);
  const values = readEnv(env, PERFORMANCE_ENV, problems);
  return Object.freeze({
    limits: Object.freeze({
      maxDepth: values.GATEWAY_MAX_DEPTH,
      maxAliases: values.GATEWAY_MAX_ALIASES,
      maxRootFields: values.GATEWAY_MAX_ROOT_FIELDS,
      maxCost: values.GATEWAY_MAX_COST,
      maxFields: values.GATEWAY_MAX_FIELDS,
      defaultListSize: values.GATEWAY_DEFAULT_LIST_SIZE,
    }),
    responseCache: Object.freeze({
      enabled: values.GATEWAY_RESPONSE_CACHE,
      store: store('GATEWAY_RESPONSE_CACHE_STORE', values.GATEWAY_RESPONSE_CACHE_STORE, redisUrl, problems),
      maxEntries: values.GATEWAY_RESPONSE_CACHE_MAX_ENTRIES,
      maxBytes: values.GATEWAY_RESPONSE_CACHE_MAX_BYTES ?? heapShare(1 / 20),
      maxAgeSeconds: values.GATEWAY_RESPONSE_CACHE_MAX_AGE_SECONDS,
      staleIfErrorSeconds: values.GATEWAY_RESPONSE_CACHE_STALE_IF_ERROR_SECONDS,
    }),
    persistedQueries: Object.freeze({
      enabled: values.GATEWAY_PERSISTED_QUERIES,
      store: store('GATEWAY_PERSISTED_QUERIES_STORE', values.GATEWAY_PERSISTED_QUERIES_STORE, redisUrl, problems),
      maxEntries: values.GATEWAY_PERSISTED_QUERIES_MAX_ENTRIES,
      maxBytes: values.GATEWAY_PERSISTED_QUERIES_MAX_BYTES ?? heapShare(1 / 100),
      safelist: values.GATEWAY_OPERATIONS_SAFELIST,
      safelistAllowsIntrospection: values.GATEWAY_OPERATIONS_SAFELIST_INTROSPECTION,
      operationsDir: path.resolve(values.GATEWAY_OPERATIONS_DIR),
      manifestFile: values.GATEWAY_OPERATIONS_MANIFEST ? path.resolve(values.GATEWAY_OPERATIONS_MANIFEST) : undefined,
    }),
    transport: Object.freeze({
      connectionsPerSubgraph: values.SUBGRAPH_CONNECTIONS,
      keepAliveMs: values.SUBGRAPH_KEEPALIVE_MS,
      compression: values.SUBGRAPH_COMPRESSION,
      dedupe: values.SUBGRAPH_DEDUPE,
      coalesce: values.SUBGRAPH_COALESCE,
    }),
    planCacheMiB: values.GATEWAY_QUERY_PLAN_CACHE_MIB,
    redisUrl,
    // On a Redis Cluster the prefix carries a hash tag, so an entry and its tag sets share a slot.
    cacheKeyPrefix: slotPrefix(values.GATEWAY_CACHE_KEY_PREFIX, redisUrl),
  });
}
