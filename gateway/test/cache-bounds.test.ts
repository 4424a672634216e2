import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../src/cache/store.ts';
import { loadGatewayConfig } from '../src/config.ts';
import { createPersistedQueryCache } from '../src/operations/persisted.ts';

/**
 * The in-memory stores of the response cache and the persisted queries are bounded in bytes, not entries: a flood of
 * large distinct queries evicts the least recently used entries and never holds more than the bound. Checked through
 * the store's own byte accounting (a heap measurement would be slow and noisy).
 */

const MiB = 2 ** 20;
/** A distinct text of about `bytes` bytes; cheap to build (a rope over one shared string). */
const PAD = 'x'.repeat(2 * MiB);
const distinct = (i: number, bytes = 2 * MiB) => `query Q${i} { ${PAD.slice(0, bytes - 32)} }`;

describe('the in-memory cache store', () => {
  it('holds 500 distinct 2 MB registrations within its byte bound, least recently used out first', async () => {
    const bound = 16 * MiB;
    const store = new MemoryCacheStore(bound);
    const known = { bodies: new Map<string, string>(), allowed: new Set<string>() };
    const apq = createPersistedQueryCache(store, known as never);
    let largest = 0;
    for (let i = 0; i < 500; i++) {
      await apq.set(`apq:hash-${i}`, distinct(i));
      largest = Math.max(largest, store.byteSize);
    }
    expect(largest).toBeLessThanOrEqual(bound);
    // Each is counted at two bytes a character (what the heap may need), a little over 4 MiB: 16 MiB holds 3 of them,
    // the other 497 were evicted, oldest first.
    expect(store.size).toBe(3);
    expect(store.evictions).toBe(497);
    expect(await apq.get('apq:hash-0')).toBeUndefined();
    expect(await apq.get('apq:hash-499')).toBe(distinct(499));
  });

  it('keeps the entries read most recently, and counts bytes, not entries', async () => {
    const store = new MemoryCacheStore(5000);
    await store.set('a', 'a'.repeat(1000), 60);
    await store.set('b', 'b'.repeat(1000), 60);
    expect(store.byteSize).toBeGreaterThanOrEqual(4000);
    await store.get('a'); // a is now the most recently used
    await store.set('c', 'c'.repeat(1000), 60);
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('c')).toBeDefined();
  });

  it('does not store an entry larger than the whole bound, and frees the bytes of what it evicts, invalidates or replaces', async () => {
    const store = new MemoryCacheStore(20_000);
    await store.set('huge', 'h'.repeat(20_000), 60, ['type:Area']);
    expect(await store.get('huge')).toBeUndefined();
    expect(store.byteSize).toBe(0);
    await store.set('one', 'o'.repeat(1000), 60, ['type:Area']);
    const after = store.byteSize;
    await store.set('one', 'o'.repeat(3000), 60, ['type:Area']);
    expect(store.byteSize).toBe(after + 2 * 2000);
    expect(await store.invalidate(['type:Area'])).toBe(1);
    expect(store.byteSize).toBe(0);
  });

  it('defaults to a small share of the heap, and takes GATEWAY_RESPONSE_CACHE_MAX_BYTES / GATEWAY_PERSISTED_QUERIES_MAX_BYTES', () => {
    const { performance } = loadGatewayConfig({});
    expect(performance.responseCache.maxBytes).toBeGreaterThan(MiB);
    expect(performance.responseCache.maxBytes).toBeLessThanOrEqual(v8.getHeapStatistics().heap_size_limit / 10);
    const set = loadGatewayConfig({ GATEWAY_RESPONSE_CACHE_MAX_BYTES: '1048576', GATEWAY_PERSISTED_QUERIES_MAX_BYTES: '2097152' }).performance;
    expect([set.responseCache.maxBytes, set.persistedQueries.maxBytes]).toEqual([MiB, 2 * MiB]);
  });
});
