import type { Redis } from 'ioredis';
import { createRedis } from '@cmcc/platform';
import type { Logger } from '@cmcc/platform';

/** A string store with lifetimes and tags, for the response cache and persisted queries. */
export interface CacheStore {
  /** Undefined on a miss, and when the store is unreachable (a bypass: counted, never an error). */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds`, findable by each tag for `invalidate`. Never throws. */
  set(key: string, value: string, ttlSeconds: number, tags?: readonly string[]): Promise<void>;
  /** Removes every entry carrying any of these tags; resolves with how many were removed. Never throws. */
  invalidate(tags: readonly string[]): Promise<number>;
  /** Operations skipped because the store was unreachable. */
  readonly bypasses: number;
  close(): Promise<void>;
}

interface MemoryEntry {
  value: string;
  expiresAt: number;
  tags: readonly string[];
  bytes: number;
}

/**
 * What an entry is counted as: the heap its text, key and tags may take (V8 keeps a string in one or two bytes a
 * character: counted at two, without reading it, which for a 2 MB text would cost milliseconds) and a fixed share for
 * the bookkeeping around it.
 */
function entryBytes(key: string, value: string, tags: readonly string[]): number {
  return 2 * (value.length + key.length) + tags.reduce((sum, tag) => sum + 2 * tag.length + 48, 0) + 128;
}

/**
 * In-process LRU bounded in bytes (and entries): what it holds never exceeds `maxBytes` of text and bookkeeping, so a
 * flood of large distinct answers or registrations evicts the least recently used ones instead of growing the heap.
 * An entry larger than the whole bound is not stored. Tags are indexed for `invalidate` and leave with their entry.
 */
export class MemoryCacheStore implements CacheStore {
  readonly bypasses = 0;
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly keysByTag = new Map<string, Set<string>>();
  private bytes = 0;
  private evicted = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  /** Bytes held, as counted against `maxBytes`. */
  get byteSize(): number {
    return this.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries removed to stay within the bounds (not expiry or invalidation). */
  get evictions(): number {
    return this.evicted;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    // Most recently used last: the map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[] = []): Promise<void> {
    this.remove(key);
    const bytes = entryBytes(key, value, tags);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000, tags, bytes });
    this.bytes += bytes;
    for (const tag of tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.remove(oldest);
      this.evicted++;
    }
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    const keys = new Set(tags.flatMap((tag) => [...(this.keysByTag.get(tag) ?? [])]));
    for (const key of keys) this.remove(key);
    return keys.size;
  }

  /** Removes every entry; resolves with how many there were. */
  async clear(): Promise<number> {
    const count = this.entries.size;
    this.entries.clear();
    this.keysByTag.clear();
    this.bytes = 0;
    return count;
  }

  async close(): Promise<void> {
    await this.clear();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}

/**
 * Redis, shared by gateway instances. When Redis is unreachable every call is a bypass (a miss, or nothing stored)
 * that answers at once: commands are not queued while disconnected. The outage is logged once and its end once;
 * ioredis reconnects by itself.
 */
export class RedisCacheStore implements CacheStore {
  private _bypasses = 0;
  private down = false;
  private closing = false;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly what: string,
  ) {
    this.redis = createRedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) });
    this.redis.on('error', (error: Error) => this.outage(error));
    // A connection that closes cleanly emits no error.
    this.redis.on('close', () => this.outage(new Error('connection closed')));
    this.redis.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.logger.info({ store: this.what }, `${this.what}: Redis is back; using it again`);
    });
  }

  get bypasses(): number {
    return this._bypasses;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.attempt(() => this.redis.get(this.prefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[] = []): Promise<void> {
    await this.attempt(async () => {
      const multi = this.redis.multi().set(this.prefix + key, value, 'EX', ttlSeconds);
      for (const tag of tags) {
        const tagKey = `${this.prefix}tag:${tag}`;
        // A tag set lives as long as its longest entry; stale members only cost an extra DEL.
        multi
          .sadd(tagKey, this.prefix + key)
          .expire(tagKey, ttlSeconds, 'GT')
          .expire(tagKey, ttlSeconds, 'NX');
      }
      await multi.exec();
    });
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    return (
      (await this.attempt(async () => {
        const tagKeys = tags.map((tag) => `${this.prefix}tag:${tag}`);
        const members = await this.redis.sunion(...tagKeys);
        if (members.length === 0) return 0;
        const [[, removed]] = (await this.redis
          .multi()
          .del(...members)
          .del(...tagKeys)
          .exec()) as [[Error | null, number]];
        return removed;
      })) ?? 0
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    this.redis.disconnect();
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    // Not connected (yet, or any more): skip at once; the connection's own error event logs the outage.
    if (this.redis.status !== 'ready') {
      this._bypasses++;
      return undefined;
    }
    try {
      return await work();
    } catch (error) {
      this._bypasses++;
      this.outage(error as Error);
      return undefined;
    }
  }

  private outage(error: Error): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.logger.warn({ store: this.what, err: { message: error.message } }, `${this.what}: Redis is unreachable; bypassing it until it returns`);
  }
}
