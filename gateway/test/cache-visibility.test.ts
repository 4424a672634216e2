import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@cmcc/platform';
import type { Principal } from '@cmcc/contracts';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { TEST_PRINCIPAL } from '@cmcc/test-support/subgraph';
import { BroadcastingStore, evictAllResponses } from '../src/cache/broadcast.ts';
import { principalView } from '../src/cache/response-cache.ts';
import { MemoryCacheStore, RedisCacheStore } from '../src/cache/store.ts';

/**
 * Who a cached answer may go to, and how far an eviction reaches: the cache key holds every attribute of the principal
 * (caveats too), and an eviction on one gateway process reaches the in-memory caches of the others over Redis; an
 * import, which no gateway sees, evicts every cached response of the deployment.
 */

describe('the principal part of a response cache key', () => {
  const analyst = { ...TEST_PRINCIPAL, roles: ['analyst', 'member'] } as Principal;

  it("differs for principals who differ only in their caveats, so neither is served the other's answer", () => {
    const cleared = { ...analyst, caveats: ['NOFORN-EXEMPT'] } as Principal;
    const otherCaveat = { ...analyst, caveats: ['ORCON'] } as Principal;
    expect(principalView(cleared)).not.toBe(principalView(analyst));
    expect(principalView(cleared)).not.toBe(principalView(otherCaveat));
  });

  it('differs for any other attribute of the principal, and not for the order of a list', () => {
    for (const changed of [{ clearance: 'TOP_SECRET' }, { nation: 'FRA' }, { participant: false }, { workingGroups: ['security'] }, { subject: 'another-analyst' }]) {
      expect(principalView({ ...analyst, ...changed } as Principal), JSON.stringify(changed)).not.toBe(principalView(analyst));
    }
    expect(principalView({ ...analyst, roles: ['member', 'analyst'] } as Principal)).toBe(principalView(analyst));
  });
});

const withRedis = await redisAvailable();
const prefix = `cmcc-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;

describe.skipIf(!withRedis)('in-memory response caches of gateway processes sharing a Redis', () => {
  const logger = createLogger('gateway', 'error', { write: () => undefined });
  const stores: BroadcastingStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it("evict on every process what one process's mutation evicts (an aggregate over ForceContribution)", async () => {
    const [one, two] = [new MemoryCacheStore(2 ** 20), new MemoryCacheStore(2 ** 20)];
    stores.push(new BroadcastingStore(one, TEST_REDIS_URL, prefix, logger), new BroadcastingStore(two, TEST_REDIS_URL, prefix, logger));
    await Promise.all(stores.map((store) => store.listening));
    await stores[1].set('response:strength', '{"forceStrength":[]}', 60, ['type:Area', 'type:ForceContribution']);
    await stores[1].set('response:sites', '{"displacementSites":[]}', 60, ['type:DisplacementSite']);
    await stores[0].invalidate(['type:ForceContribution']);
    await vi.waitFor(async () => expect(await stores[1].get('response:strength')).toBeUndefined());
    expect(await stores[1].get('response:sites')).toBeDefined();
  });
});

describe.skipIf(!withRedis)('after an import', () => {
  it('evicts every cached response of the deployment, in Redis and in the in-memory caches listening, and nothing of another deployment', async () => {
    const logger = createLogger('gateway', 'error', { write: () => undefined });
    const ours = `${prefix}import:`;
    const theirs = `${prefix}other:`;
    const shared = new RedisCacheStore(TEST_REDIS_URL, ours, logger, 'response cache');
    const other = new RedisCacheStore(TEST_REDIS_URL, theirs, logger, 'response cache');
    const memory = new BroadcastingStore(new MemoryCacheStore(2 ** 20), TEST_REDIS_URL, ours, logger);
    try {
      await memory.listening;
      await vi.waitFor(async () => {
        await shared.set('response:a', 'cached', 60, ['type:Area']);
        expect(await shared.get('response:a')).toBe('cached');
      });
      await other.set('response:a', 'theirs', 60, ['type:Area']);
      await shared.set('apq:hash', 'query { __typename }', 60);
      await memory.set('response:b', 'cached', 60, ['type:ForceContribution']);
      expect(await evictAllResponses(TEST_REDIS_URL, ours)).toBeGreaterThanOrEqual(2); // the entry and its tag set
      expect(await shared.get('response:a')).toBeUndefined();
      expect(await shared.get('apq:hash')).toBe('query { __typename }'); // registered operations are not answers
      expect(await other.get('response:a')).toBe('theirs');
      await vi.waitFor(async () => expect(await memory.get('response:b')).toBeUndefined());
    } finally {
      await Promise.all([shared.close(), other.close(), memory.close()]);
    }
  });
});
