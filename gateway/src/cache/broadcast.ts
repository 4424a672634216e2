import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisPrimaries, createRedis } from '@cmcc/platform';
import type { Logger } from '@cmcc/platform';
import type { CacheStore, MemoryCacheStore } from './store.ts';

/** The Redis channel gateway processes announce their evictions on (one per deployment: the cache key prefix). */
export const invalidationChannel = (prefix: string) => `${prefix}invalidations`;

/**
 * An in-process store whose evictions reach every gateway process sharing a Redis (REDIS_URL with the store kept in
 * memory): an `invalidate` here is published on the deployment's channel, and one published by another process is
 * applied here. The store stays usable while Redis is away; an eviction published then is lost, and the entries it
 * missed leave by their lifetime (GATEWAY_RESPONSE_CACHE_MAX_AGE_SECONDS at most).
 */
export class BroadcastingStore implements CacheStore {
  private readonly id = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  /** Resolves once this process listens to the channel (tests wait for it). */
  readonly listening: Promise<void>;

  constructor(
    private readonly inner: MemoryCacheStore,
    url: string,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = invalidationChannel(prefix);
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) };
    this.publisher = createRedis(url, options);
    this.subscriber = createRedis(url, { ...options, enableOfflineQueue: true });
    for (const connection of [this.publisher, this.subscriber]) connection.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => void this.receive(message));
    this.listening = this.subscriber.subscribe(this.channel).then(
      () => undefined,
      (error: Error) => this.logger.warn({ err: { message: error.message } }, "response cache: cannot listen for other gateways' evictions; entries leave by their lifetime"),
    );
  }

  get bypasses(): number {
    return this.inner.bypasses;
  }

  get(key: string): Promise<string | undefined> {
    return this.inner.get(key);
  }

  set(key: string, value: string, ttlSeconds: number, tags?: readonly string[]): Promise<void> {
    return this.inner.set(key, value, ttlSeconds, tags);
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    const removed = await this.inner.invalidate(tags);
    if (tags.length > 0 && this.publisher.status === 'ready') {
      await this.publisher
        .publish(this.channel, JSON.stringify({ from: this.id, tags }))
        .catch((error: Error) => this.logger.warn({ err: { message: error.message } }, 'response cache: could not announce an eviction to the other gateways'));
    }
    return removed;
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    await this.inner.close();
  }

  private async receive(message: string): Promise<void> {
    let parsed: { from?: unknown; tags?: unknown; all?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.from === this.id) return;
    if (parsed.all === true) {
      await this.inner.clear();
      return;
    }
    if (!Array.isArray(parsed.tags)) return;
    await this.inner.invalidate(parsed.tags.filter((tag): tag is string => typeof tag === 'string'));
  }
}

/**
 * Evicts every cached response of a deployment (Redis prefix `prefix`), on every gateway process: the Redis store's
 * entries and tag sets, and the in-memory caches listening on the deployment's channel. For changes no gateway sees as
 * a mutation: an import writes straight into a working group's database, and any figure may count what it changed.
 * Resolves with the Redis keys deleted.
 */
export async function evictAllResponses(url: string, prefix: string): Promise<number> {
  const redis = createRedis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let deleted = 0;
    // SCAN walks one node: on a Cluster, every primary.
    for (const node of redisPrimaries(redis)) {
      for (const pattern of [`${prefix}response:*`, `${prefix}tag:*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) deleted += await node.del(...keys);
        } while (cursor !== '0');
      }
    }
    await redis.publish(invalidationChannel(prefix), JSON.stringify({ from: 'evictAllResponses', all: true }));
    return deleted;
  } finally {
    redis.disconnect();
  }
}
