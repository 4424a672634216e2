import type { Redis } from 'ioredis';
import type { UsedTokenRegistry } from '@cmcc/contracts';
import { createRedis, HttpError } from '@cmcc/platform';

/**
 * The ids of used principal tokens in Redis, shared by every replica of a subgraph: `SET key 1 NX PX ttl` succeeds for
 * the first replica to see a token and fails for any other, atomically. Keys are `cmcc:{replay}:<subgraph>:<jti>`,
 * expiring with the token; every command is single-key, and the hash tag keeps the family on one Cluster slot.
 * When Redis does not answer, the check is tried again for up to `waitMs` (a Sentinel failover takes a few seconds),
 * then the request is refused (503): a replica cannot tell a replay from a first use alone.
 */
export class RedisUsedTokens implements UsedTokenRegistry {
  private readonly redis: Redis;

  constructor(
    redis: string | Redis,
    private readonly waitMs = 8000,
  ) {
    this.redis =
      typeof redis === 'string' ? createRedis(redis, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) }) : redis;
    // Connection errors surface on the command that needs the connection; the event alone must not crash the process.
    this.redis.on('error', () => undefined);
  }

  async claim(jti: string, audience: string, expiresAt: number): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(expiresAt * 1000 - Date.now()));
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      try {
        return (await this.redis.set(`cmcc:{replay}:${audience}:${jti}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch {
        // Redis is away or failing over: the same claim again shortly, until the deadline.
        if (Date.now() + 250 < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          continue;
        }
      }
      throw new HttpError(
        503,
        'SERVICE_UNAVAILABLE',
        `The ${audience} subgraph cannot check the request against replays (its Redis does not answer); nothing was run. Try again shortly.`,
      );
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
