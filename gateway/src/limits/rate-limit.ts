import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createRedis, HttpError, type Logger } from '@cmcc/platform';

/** How many GraphQL requests one principal may send per window (GATEWAY_RATE_LIMIT*). */
export interface RateLimitConfig {
  /** Requests per principal per window; 0 turns the limit off. */
  readonly requests: number;
  readonly windowSeconds: number;
  /** Shared by every gateway replica when set (Redis); otherwise counted in this process. */
  readonly redisUrl: string | undefined;
}

/** Where the counters live in Redis: one key per principal (`<prefix>:<subject>`), so no operation spans two slots. */
export const RATE_LIMIT_PREFIX = 'cmcc:ratelimit';

/**
 * A fixed window per principal (its `subject`) over every GraphQL request sent over HTTP, counted in Redis when
 * `REDIS_URL` is set, so the limit is the same whichever replica a request lands on; in memory otherwise. While Redis
 * is unreachable each replica counts on its own (an in-memory limiter insures the Redis one): the limit still holds
 * per replica, and no request is refused because the counter is away.
 */
export class RequestRateLimiter {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;
  private readonly redis: Redis | null = null;
  private lastErrorLog = 0;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly logger: Logger,
  ) {
    const options = { points: config.requests, duration: config.windowSeconds, keyPrefix: RATE_LIMIT_PREFIX };
    if (!config.redisUrl) {
      this.limiter = new RateLimiterMemory(options);
      return;
    }
    this.redis = createRedis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.redis.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn({ err: error.message }, 'rate limit: Redis unreachable; each replica counts requests on its own until it is back');
    });
    this.limiter = new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
  }

  get enabled(): boolean {
    return this.config.requests > 0;
  }

  /** Whether requests are counted in Redis now (for all replicas), rather than in this process. */
  get shared(): boolean {
    return this.redis?.status === 'ready';
  }

  /** Counts one request of `subject`; throws HTTP 429 (RATE_LIMITED, with Retry-After) when its window is used up. */
  async consume(subject: string): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.limiter.consume(subject);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpError(429, 'RATE_LIMITED', `Too many requests: ${this.config.requests} per ${this.config.windowSeconds} s for each principal; retry after ${retryAfter} s`, {
        'retry-after': String(retryAfter),
      });
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
