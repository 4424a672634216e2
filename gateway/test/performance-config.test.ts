import { describe, expect, it } from 'vitest';
import { ConfigError } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';

/** The gateway's caching, persisted-operation, limit and transport settings: defaults, and every bad value reported at once. */

describe('performance configuration', () => {
  it('defaults: cache and APQ in memory, safelist off, limits that admit the saved operations, dedup on, compression off', () => {
    const { performance } = loadGatewayConfig({});
    expect(performance.responseCache).toMatchObject({ enabled: true, store: 'memory', maxAgeSeconds: 300 });
    expect(performance.persistedQueries).toMatchObject({ enabled: true, store: 'memory', safelist: false, safelistAllowsIntrospection: false });
    expect(performance.limits).toEqual({ maxDepth: 15, maxAliases: 30, maxRootFields: 20, maxCost: 25_000, maxFields: 5_000, defaultListSize: 10 });
    expect(performance.transport).toEqual({ connectionsPerSubgraph: 32, keepAliveMs: 30_000, compression: false, dedupe: true, coalesce: true });
    expect(Object.isFrozen(performance)).toBe(true);
  });

  it('keeps the cache and persisted queries in Redis when REDIS_URL is set', () => {
    const { performance } = loadGatewayConfig({ REDIS_URL: 'redis://redis:6379' });
    expect(performance.responseCache.store).toBe('redis');
    expect(performance.persistedQueries.store).toBe('redis');
  });

  it('reports every bad value together', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ GATEWAY_MAX_DEPTH: '0', GATEWAY_OPERATIONS_SAFELIST: 'yes', GATEWAY_RESPONSE_CACHE_STORE: 'redis', SUBGRAPH_CONNECTIONS: 'many' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('GATEWAY_MAX_DEPTH must be a positive whole number'),
        expect.stringContaining('GATEWAY_OPERATIONS_SAFELIST must be true or false'),
        expect.stringContaining('GATEWAY_RESPONSE_CACHE_STORE=redis needs REDIS_URL'),
        expect.stringContaining('SUBGRAPH_CONNECTIONS must be a positive whole number'),
      ]),
    );
  });
});
