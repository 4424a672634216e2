import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from '@cmcc/platform';
import { RegistryUnavailableError, summaryOf, type SchemaRegistry, type SchemaVersion, type SchemaVersionSummary } from './types.ts';

const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

/** Sets the head only if it is still the expected one, stores the version once, indexes it and announces it. */
const PUBLISH_SCRIPT = `
local head = redis.call('GET', KEYS[1]) or ''
if head ~= ARGV[1] then return 0 end
if redis.call('SETNX', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('PUBLISH', ARGV[5], ARGV[2])
return 1`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The registry in Redis, every key under `prefix`: `head` (the served version's id), `version:<id>` (JSON, set once),
 * `versions` (sorted set of ids by sequence), `lock` (SET NX PX with a token) and the pub/sub channel `events`.
 */
export class RedisSchemaRegistry implements SchemaRegistry {
  private readonly redis: Redis;
  private readonly subscribers = new Set<Redis>();

  constructor(
    private readonly url: string,
    readonly prefix: string,
  ) {
    this.redis = connect(url);
  }

  readonly kind = 'redis' as const;

  get description(): string {
    return `redis keys ${this.prefix}*`;
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new RegistryUnavailableError(`Redis registry ${redact(this.url)} unavailable (${what}): ${(error as Error).message}`, { cause: error });
    }
  }

  async head(): Promise<string | null> {
    return this.call('read head', () => this.redis.get(this.key('head')));
  }

  async get(id: string): Promise<SchemaVersion | null> {
    const text = await this.call('read version', () => this.redis.get(this.key(`version:${id}`)));
    return text ? (JSON.parse(text) as SchemaVersion) : null;
  }

  async list(limit = Number.MAX_SAFE_INTEGER): Promise<SchemaVersionSummary[]> {
    const ids = await this.call('list versions', () => this.redis.zrevrange(this.key('versions'), 0, Math.min(limit, 1_000_000) - 1));
    if (ids.length === 0) return [];
    const texts = await this.call('read versions', () => this.redis.mget(ids.map((id) => this.key(`version:${id}`))));
    return texts.filter((t): t is string => t !== null).map((t) => summaryOf(JSON.parse(t) as SchemaVersion));
  }

  async publish(expectedHead: string | null, version: SchemaVersion): Promise<boolean> {
    const result = await this.call('publish', () =>
      this.redis.eval(
        PUBLISH_SCRIPT,
        3,
        this.key('head'),
        this.key(`version:${version.id}`),
        this.key('versions'),
        expectedHead ?? '',
        version.id,
        JSON.stringify(version),
        String(version.seq),
        this.key('events'),
      ),
    );
    return result === 1;
  }

  async subscribe(onChange: () => void): Promise<() => Promise<void>> {
    const subscriber = connect(this.url);
    this.subscribers.add(subscriber);
    subscriber.on('message', () => onChange());
    // After a reconnection, announcements may have been missed: look again.
    subscriber.on('ready', () => onChange());
    // ioredis resubscribes by itself after a reconnection; with Redis down now, the poll covers until it is back.
    await subscriber.subscribe(this.key('events')).catch(() => undefined);
    return async () => {
      this.subscribers.delete(subscriber);
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }

  async lock(owner: string): Promise<() => Promise<void>> {
    const token = `${owner}:${randomUUID()}`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    // The lock expires by itself (PX): a publisher that dies does not hold it for ever.
    while ((await this.call('lock', () => this.redis.set(this.key('lock'), token, 'PX', LOCK_TTL_MS, 'NX'))) !== 'OK') {
      if (Date.now() > deadline) throw new RegistryUnavailableError(`the registry lock ${this.key('lock')} stayed held for ${LOCK_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
    return async () => {
      await this.call('unlock', () => this.redis.eval(RELEASE_SCRIPT, 1, this.key('lock'), token));
    };
  }

  async close(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function connect(url: string): Redis {
  const redis = createRedis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (attempt) => Math.min(attempt * 250, 2000) });
  // Failures surface as rejected commands (RegistryUnavailableError); the event itself must not crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
