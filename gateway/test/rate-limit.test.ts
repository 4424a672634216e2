import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createLogger, HttpError, listen } from '@cmcc/platform';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { RequestRateLimiter } from '@cmcc/gateway/limits/rate-limit';
import { createGateway, type Gateway } from '@cmcc/gateway/server';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { eventually } from '@cmcc/test-support/eventually';

/**
 * Issue 18, point 1: a principal's request rate is limited across every gateway replica (Redis), and in the embedded
 * default within the one process. Over the limit: HTTP 429, code RATE_LIMITED, a Retry-After header, and nothing run.
 * Each test uses principals of its own (a random subject), so counters left in Redis by another run never interfere.
 */

const available = await redisAvailable();
const logger = createLogger('rate-limit-test', 'silent');
const unique = () => `rl-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/** Counts how many of `n` requests of `subject` the limiters let through, sending them to the replicas in turn. */
async function allowed(limiters: RequestRateLimiter[], subject: string, n: number): Promise<{ allowed: number; refusals: HttpError[] }> {
  let passed = 0;
  const refusals: HttpError[] = [];
  for (let i = 0; i < n; i++) {
    try {
      await limiters[i % limiters.length].consume(subject);
      passed++;
    } catch (error) {
      refusals.push(error as HttpError);
    }
  }
  return { allowed: passed, refusals };
}

describe('the request rate limiter', () => {
  it('lets each principal send its number of requests per window in one process, then refuses with 429 and Retry-After', async () => {
    const limiter = new RequestRateLimiter({ requests: 3, windowSeconds: 60, redisUrl: undefined }, logger);
    const [first, second] = [unique(), unique()];
    const result = await allowed([limiter], first, 5);
    expect(result.allowed).toBe(3);
    expect(result.refusals).toHaveLength(2);
    for (const refusal of result.refusals) {
      expect(refusal).toBeInstanceOf(HttpError);
      expect(refusal).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(refusal.message).toMatch(/3 per 60 s .*retry after \d+ s/);
      expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refusal.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // Another principal has its own count.
    expect((await allowed([limiter], second, 3)).allowed).toBe(3);
    await limiter.close();
  });

  it('limits nothing when GATEWAY_RATE_LIMIT is 0', async () => {
    const limiter = new RequestRateLimiter({ requests: 0, windowSeconds: 60, redisUrl: undefined }, logger);
    expect((await allowed([limiter], unique(), 50)).allowed).toBe(50);
  });

  it.skipIf(!available)('counts a principal’s requests across replicas sharing Redis: the limit holds whichever replica a request lands on', async () => {
    const replicas = [0, 1].map(() => new RequestRateLimiter({ requests: 4, windowSeconds: 60, redisUrl: TEST_REDIS_URL }, logger));
    try {
      await eventually(
        () => replicas.every((replica) => replica.shared),
        (shared) => shared,
      );
      const subject = unique();
      const result = await allowed(replicas, subject, 10);
      // Per process, each replica would have let 4 through (8 in all).
      expect(result.allowed).toBe(4);
      expect(result.refusals.map((refusal) => refusal.status)).toEqual(Array(6).fill(429));
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it('keeps limiting, per replica, while Redis cannot be reached, and refuses no request for that alone', async () => {
    const replica = new RequestRateLimiter({ requests: 2, windowSeconds: 60, redisUrl: 'redis://127.0.0.1:1' }, logger);
    try {
      expect(replica.shared).toBe(false);
      expect((await allowed([replica], unique(), 4)).allowed).toBe(2);
    } finally {
      await replica.close();
    }
  });
});

describe.skipIf(!available)('two gateway replicas with GATEWAY_RATE_LIMIT on one Redis', () => {
  const env = { REDIS_URL: TEST_REDIS_URL, GATEWAY_RATE_LIMIT: '3', GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '60' };
  let stack: TestStack;
  let second: { gateway: Gateway; url: string; server: Awaited<ReturnType<typeof listen>>['server'] };

  beforeAll(async () => {
    stack = await startStack({ env });
    const config = loadGatewayConfig({
      ...env,
      SUPERGRAPH_PATH: stack.supergraphPath,
      DATA_DIR: stack.dataDir,
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
      GATEWAY_RESPONSE_CACHE: 'false',
      AUDIT_REDIS_STREAM: `cmcc:audit:test-rate-limit:${unique()}`,
      LOG_LEVEL: 'silent',
    });
    const gateway = await createGateway(config, logger);
    const { server, url } = await listen(gateway.handler, 0);
    second = { gateway, url, server };
    await eventually(
      () => stack.gateway.rateLimiter.shared && gateway.rateLimiter.shared,
      (shared) => shared,
    );
  }, 120_000);
  afterAll(async () => {
    if (second) {
      await close(second.server);
      await second.gateway.stop();
    }
    await stack?.close();
  });

  it('answers the principal’s fourth request, on either replica, with 429, RATE_LIMITED and Retry-After, and runs nothing', async () => {
    const token = await stack.token({ sub: unique(), nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true });
    const send = (url: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ areas { pcode } }' }),
      });
    const statuses: number[] = [];
    for (const url of [stack.gatewayUrl, second.url, stack.gatewayUrl]) statuses.push((await send(url)).status);
    expect(statuses).toEqual([200, 200, 200]);
    for (const url of [second.url, stack.gatewayUrl]) {
      const refused = await send(url);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await refused.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([{ message: expect.stringContaining('Too many requests'), extensions: { code: 'RATE_LIMITED' } }]);
    }
  });
});
