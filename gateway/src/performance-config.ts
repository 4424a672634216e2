import path from 'node:path';
import v8 from 'node:v8';
import { parsePositiveInt, type Env } from '@cmcc/platform';
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

function positiveInt(env: Env, variable: string, fallback: number, problems: string[]): number {
  return parsePositiveInt(env[variable], fallback, variable, problems);
}

function bool(env: Env, variable: string, fallback: boolean, problems: string[]): boolean {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${variable} must be true or false, got "${value}"`);
  return fallback;
}

function store(env: Env, variable: string, redisUrl: string | undefined, problems: string[]): 'memory' | 'redis' {
  const value = env[variable] || (redisUrl ? 'redis' : 'memory');
  if (value !== 'memory' && value !== 'redis') problems.push(`${variable} must be memory or redis, got "${value}"`);
  if (value === 'redis' && !redisUrl) problems.push(`${variable}=redis needs REDIS_URL`);
  return value === 'redis' && redisUrl ? 'redis' : 'memory';
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

/** Reads the performance variables in the gateway config's style: problems are collected, not thrown. */
export function parsePerformanceConfig(env: Env, problems: string[]): PerformanceConfig {
  const redisUrl = env.REDIS_URL || undefined; // validated with the audit settings
  const manifestFile = env.OPERATIONS_MANIFEST ? path.resolve(env.OPERATIONS_MANIFEST) : undefined;
  return Object.freeze({
    limits: Object.freeze({
      maxDepth: positiveInt(env, 'GATEWAY_MAX_DEPTH', DEFAULT_LIMITS.maxDepth, problems),
      maxAliases: positiveInt(env, 'GATEWAY_MAX_ALIASES', DEFAULT_LIMITS.maxAliases, problems),
      maxRootFields: positiveInt(env, 'GATEWAY_MAX_ROOT_FIELDS', DEFAULT_LIMITS.maxRootFields, problems),
      maxCost: positiveInt(env, 'GATEWAY_MAX_COST', DEFAULT_LIMITS.maxCost, problems),
      maxFields: positiveInt(env, 'GATEWAY_MAX_FIELDS', DEFAULT_LIMITS.maxFields, problems),
      defaultListSize: positiveInt(env, 'GATEWAY_DEFAULT_LIST_SIZE', DEFAULT_LIMITS.defaultListSize, problems),
    }),
    responseCache: Object.freeze({
      enabled: bool(env, 'RESPONSE_CACHE', true, problems),
      store: store(env, 'RESPONSE_CACHE_STORE', redisUrl, problems),
      maxEntries: positiveInt(env, 'RESPONSE_CACHE_MAX_ENTRIES', 10_000, problems),
      maxBytes: positiveInt(env, 'RESPONSE_CACHE_MAX_BYTES', heapShare(1 / 20), problems),
      maxAgeSeconds: positiveInt(env, 'RESPONSE_CACHE_MAX_AGE_SECONDS', 300, problems),
    }),
    persistedQueries: Object.freeze({
      enabled: bool(env, 'PERSISTED_QUERIES', true, problems),
      store: store(env, 'PERSISTED_QUERIES_STORE', redisUrl, problems),
      maxEntries: positiveInt(env, 'PERSISTED_QUERIES_MAX_ENTRIES', 10_000, problems),
      maxBytes: positiveInt(env, 'PERSISTED_QUERIES_MAX_BYTES', heapShare(1 / 100), problems),
      safelist: bool(env, 'OPERATIONS_SAFELIST', false, problems),
      safelistAllowsIntrospection: bool(env, 'OPERATIONS_SAFELIST_INTROSPECTION', false, problems),
      operationsDir: path.resolve(env.OPERATIONS_DIR || 'schema/operations'),
      manifestFile,
    }),
    transport: Object.freeze({
      connectionsPerSubgraph: positiveInt(env, 'SUBGRAPH_CONNECTIONS', 32, problems),
      keepAliveMs: positiveInt(env, 'SUBGRAPH_KEEPALIVE_MS', 30_000, problems),
      compression: bool(env, 'SUBGRAPH_COMPRESSION', false, problems),
      dedupe: bool(env, 'SUBGRAPH_DEDUPE', true, problems),
      coalesce: bool(env, 'SUBGRAPH_COALESCE', true, problems),
    }),
    planCacheMiB: positiveInt(env, 'QUERY_PLAN_CACHE_MIB', 30, problems),
    redisUrl,
    cacheKeyPrefix: env.CACHE_KEY_PREFIX || 'cmcc:gateway:',
  });
}
