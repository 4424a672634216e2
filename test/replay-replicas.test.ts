import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINCIPAL_HEADER, RedisUsedTokens, signPrincipal } from '@cmcc/subgraph-kit';
import { security } from '@cmcc/subgraph-security/server';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { redisServerAvailable, startSentinelSet } from '@cmcc/test-support/redis-topologies';
import { postGraphQL, startTestSubgraph, TEST_PRINCIPAL, TEST_SHARED_SECRET, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * The gateway's signed principal header is good for one request (issue 18, point 1): with replicas of a subgraph
 * sharing Redis, a header one replica accepted is refused by the others, as a replay.
 */

const available = await redisAvailable();
const registries: RedisUsedTokens[] = [];
const replicas: TestSubgraph[] = [];

/** A replica of the security subgraph recording used headers in the test Redis (or in its own memory). */
async function replica(shared: boolean): Promise<TestSubgraph> {
  const usedTokens = shared ? new RedisUsedTokens(TEST_REDIS_URL) : undefined;
  if (usedTokens) registries.push(usedTokens);
  const started = await startTestSubgraph(security, { usedTokens });
  replicas.push(started);
  return started;
}

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await Promise.all(registries.map((r) => r.close()));
});

const QUERY = '{ __typename }';
const send = async (target: TestSubgraph, header: string) => postGraphQL(`${target.url}/graphql`, QUERY, undefined, { [PRINCIPAL_HEADER]: header });
const header = () => signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security');

describe.skipIf(!available)('a principal header sent to two replicas of a subgraph that share Redis', () => {
  let first: TestSubgraph;
  let second: TestSubgraph;
  beforeAll(async () => {
    [first, second] = await Promise.all([replica(true), replica(true)]);
  }, 60_000);

  it('is accepted by the first replica and refused by the second as a replay (401), and by the first again', async () => {
    const captured = await header();
    expect((await send(first, captured)).status).toBe(200);
    const replayed = await send(second, captured);
    expect(replayed.status).toBe(401);
    expect(replayed.errors?.[0]).toMatchObject({ message: expect.stringContaining('Replayed x-cmcc-principal'), extensions: { code: 'UNAUTHENTICATED' } });
    expect((await send(first, captured)).status).toBe(401);
  });

  it('is accepted by exactly one replica when both receive it at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const captured = await header();
      const statuses = (await Promise.all([send(first, captured), send(second, captured)])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401]);
    }
  });

  it('leaves fresh headers alone: each new one is accepted wherever it lands', async () => {
    expect((await send(second, await header())).status).toBe(200);
    expect((await send(first, await header())).status).toBe(200);
  });
});

describe('replicas that do not share Redis (the embedded default)', () => {
  it('each refuse a header they accepted themselves, but cannot know what the other accepted', async () => {
    const [one, other] = await Promise.all([replica(false), replica(false)]);
    const captured = await header();
    expect((await send(one, captured)).status).toBe(200);
    expect((await send(one, captured)).status).toBe(401);
    expect((await send(other, captured)).status).toBe(200);
  }, 60_000);
});

describe('a subgraph whose Redis does not answer', () => {
  it('refuses the request with 503 and a message saying why, rather than skip the replay check', async () => {
    const unreachable = new RedisUsedTokens('redis://127.0.0.1:1', 500);
    registries.push(unreachable);
    const lonely = await startTestSubgraph(security, { usedTokens: unreachable });
    replicas.push(lonely);
    const answer = await send(lonely, await header());
    expect(answer.status).toBe(503);
    expect(answer.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/cannot check the request against replays.*Try again shortly/),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }, 60_000);
});

describe.skipIf(!redisServerAvailable())('a subgraph whose Redis fails over (Sentinel)', () => {
  it('checks principal headers against replays through a failover: the check waits for the new primary instead of refusing', async () => {
    const fresh = await startSentinelSet('cmcc-replay');
    const tokens = new RedisUsedTokens(fresh.url);
    const sentinel = fresh.sentinel();
    try {
      expect(await tokens.claim('before-failover', 'humanitarian', Date.now() / 1000 + 60)).toBe(true);
      const before = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', fresh.name)) as string[];
      await fresh.killPrimary();
      // Claimed while there is no primary: answered once the Sentinel has promoted the replica, not refused.
      const claims = await Promise.all(['during-1', 'during-2', 'during-3'].map((jti) => tokens.claim(jti, 'humanitarian', Date.now() / 1000 + 60)));
      expect(claims).toEqual([true, true, true]);
      const after = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', fresh.name)) as string[];
      expect(after[1]).not.toBe(before[1]);
      // And a replay is still a replay on the new primary.
      expect(await tokens.claim('during-1', 'humanitarian', Date.now() / 1000 + 60)).toBe(false);
    } finally {
      sentinel.disconnect();
      await tokens.close();
      await fresh.stop();
    }
  }, 60_000);
});
