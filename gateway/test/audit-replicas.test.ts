import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createLogger, listen } from '@cmcc/platform';
import { hmacAuditKey, MergedRedisAuditStore, RedisAuditSink, AuditTrail, type AuditEventContent } from '@cmcc/audit-trail';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { createGateway, type Gateway } from '@cmcc/gateway/server';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { postGraphQL, TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { eventually } from '@cmcc/test-support/eventually';
import { sampleEvent } from './audit-support.ts';

/**
 * Issue 18, point 1: with several gateway replicas, the audit trail is one logical trail. Each replica writes its own
 * chain (its Redis stream) and adds it to one set; readers take every chain in the set, each verified on its own, and
 * list events newest first across them. An auditor asking any replica sees what every replica served; a gap in one
 * chain or an event copied into a second chain is reported, naming the chain.
 */

const available = await redisAvailable();
const SIGNING_KEY = 'a-replica-test-audit-key-of-32-characters';
const KEY = hmacAuditKey(SIGNING_KEY);
const logger = createLogger('audit-replicas-test', 'silent');
const prefix = `cmcc:audit:test-replicas:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
let admin: Redis;

beforeAll(() => {
  if (available) admin = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  if (!admin) return;
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

/** Writes events to one replica's chain, registering the chain in the set as a gateway does. */
async function writeChain(stream: string, set: string, events: AuditEventContent[]): Promise<void> {
  const trail = new AuditTrail({
    sink: new RedisAuditSink(TEST_REDIS_URL, stream, logger, set),
    key: KEY,
    logger,
    bufferSize: 100,
    batchSize: 3,
    checkpointEvery: 4,
    checkpointSeconds: 3600,
    failOpen: false,
  });
  for (const event of events) trail.append(event, trail.admit());
  await trail.close();
}

describe.skipIf(!available)('a trail of several replicas read as one', () => {
  const set = `${prefix}:streams`;
  const [first, second] = [`${prefix}:gw-1`, `${prefix}:gw-2`];
  // Interleaved in time: the odd seconds served by the first replica, the even ones by the second.
  const events = Array.from({ length: 10 }, (_, i) => sampleEvent(i + 1));
  let store: MergedRedisAuditStore;

  beforeAll(async () => {
    await writeChain(
      first,
      set,
      events.filter((_, i) => i % 2 === 0),
    );
    await writeChain(
      second,
      set,
      events.filter((_, i) => i % 2 === 1),
    );
    // Read as the audit subgraph does with the default AUDIT_REDIS_STREAM, which names no gateway's chain.
    store = new MergedRedisAuditStore(TEST_REDIS_URL, set, `${prefix}:no-such-stream`, KEY);
  });
  afterAll(async () => store?.close());

  it('lists every replica’s events newest first, each with its chain, and pages through them once each', async () => {
    const newestFirst = [...events].reverse();
    const all = await store.listEvents({}, { first: 500 });
    expect(all.events.map((event) => event.id)).toEqual(newestFirst.map((event) => event.id));
    expect(all.events.map((event) => event.chain)).toEqual(newestFirst.map((_, i) => (i % 2 === 0 ? second : first)));

    const paged: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.listEvents({}, { first: 3, after });
      paged.push(...page.events.map((event) => event.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(newestFirst.map((event) => event.id));
    // A filter runs across chains too.
    const wfp = await store.listEvents({ principal: 'wfp' });
    expect(wfp.events.map((event) => event.id)).toEqual(newestFirst.filter((event) => event.principal?.subject === 'wfp').map((event) => event.id));
  });

  it('finds one event by id in whichever chain holds it', async () => {
    expect(await store.getEvent(events[3].id)).toMatchObject({ id: events[3].id, chain: second });
    expect(await store.getEvent(events[4].id)).toMatchObject({ id: events[4].id, chain: first });
  });

  it('reports each chain intact, and the trail intact, with every event counted', async () => {
    const status = await store.chainStatus();
    expect(status).toMatchObject({ ok: true, events: 10, problem: null });
    expect(status.chains.map((chain) => [chain.storage, chain.ok, chain.events])).toEqual([
      [`redis stream ${first}`, true, 5],
      [`redis stream ${second}`, true, 5],
    ]);
  });

  it('reports a record removed from one replica’s chain as that chain broken, and the trail broken', async () => {
    const set2 = `${prefix}:gap:streams`;
    const [a, b] = [`${prefix}:gap:gw-1`, `${prefix}:gap:gw-2`];
    await writeChain(a, set2, [sampleEvent(1), sampleEvent(3)]);
    await writeChain(b, set2, [sampleEvent(2), sampleEvent(4), sampleEvent(6)]);
    await admin.xdel(b, '2-0');
    const gapped = new MergedRedisAuditStore(TEST_REDIS_URL, set2, a, KEY);
    try {
      const status = await gapped.chainStatus();
      expect(status.ok).toBe(false);
      expect(status.problem).toContain(`chain ${b}`);
      expect(status.chains.map((chain) => chain.ok)).toEqual([true, false]);
      expect(status.chains[1]).toMatchObject({ brokenAtSeq: 2 });
    } finally {
      await gapped.close();
    }
  });

  it('reports an event recorded in two replicas’ chains as a replay, though each chain verifies on its own', async () => {
    const set3 = `${prefix}:replay:streams`;
    const [a, b] = [`${prefix}:replay:gw-1`, `${prefix}:replay:gw-2`];
    const replayed = sampleEvent(5);
    await writeChain(a, set3, [sampleEvent(1), replayed]);
    await writeChain(b, set3, [sampleEvent(2), { ...replayed }]);
    const copied = new MergedRedisAuditStore(TEST_REDIS_URL, set3, a, KEY);
    try {
      const result = await copied.verify();
      expect(result.ok).toBe(false);
      expect(result.problem).toMatchObject({ kind: 'replayed' });
      expect(result.problem!.message).toContain(replayed.id);
      expect(result.problem!.message).toContain(`chain ${b}`);
    } finally {
      await copied.close();
    }
  });
});

describe.skipIf(!available)('two gateway replicas on one Redis', () => {
  const AUDITOR = { sub: 'us-auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read', cmcc: true };
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    AUDIT_REDIS_STREAM_SET: `${prefix}:stack:streams`,
    AUDIT_SIGNING_KEY: SIGNING_KEY,
    AUDIT_CHECKPOINT_SECONDS: '1',
  };
  let stack: TestStack;
  let second: { gateway: Gateway; url: string; server: Awaited<ReturnType<typeof listen>>['server'] };

  beforeAll(async () => {
    stack = await startStack({ env: { ...env, AUDIT_REDIS_STREAM: `${prefix}:stack:gw-1` } });
    const config = loadGatewayConfig({
      ...env,
      AUDIT_REDIS_STREAM: `${prefix}:stack:gw-2`,
      SUPERGRAPH_PATH: stack.supergraphPath,
      DATA_DIR: stack.dataDir,
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
      GATEWAY_RESPONSE_CACHE: 'false',
      LOG_LEVEL: 'silent',
    });
    const gateway = await createGateway(config, createLogger('gateway-2', 'silent'));
    const { server, url } = await listen(gateway.handler, 0);
    second = { gateway, url, server };
  }, 120_000);
  afterAll(async () => {
    if (second) {
      await close(second.server);
      await second.gateway.stop();
    }
    await stack?.close();
  });

  const asAuditorAt = async (url: string, text: string, variables?: Record<string, unknown>) =>
    postGraphQL(`${url}/graphql`, text, variables, { authorization: `Bearer ${await stack.token(AUDITOR)}` });
  const EVENTS = `query($operationName: String!) { auditEvents(filter: { operationName: $operationName }) { edges { node { id chain operation { name } } } } }`;

  it('lets an auditor asking either replica see what the other one served, with the chain that recorded it', async () => {
    const served = await postGraphQL(`${second.url}/graphql`, 'query ServedBySecondReplica { areas { pcode } }', undefined, {
      authorization: `Bearer ${await stack.token(AUDITOR)}`,
    });
    expect(served.errors).toBeUndefined();
    const first = await stack.query('query ServedByFirstReplica { areas { pcode } }', undefined, AUDITOR);
    expect(first.errors).toBeUndefined();

    const seenAtFirst = await eventually(
      () => asAuditorAt(stack.gatewayUrl, EVENTS, { operationName: 'ServedBySecondReplica' }),
      (response) => (response.data?.auditEvents.edges.length ?? 0) > 0,
    );
    expect(seenAtFirst.data.auditEvents.edges).toEqual([{ node: expect.objectContaining({ chain: `${prefix}:stack:gw-2` }) }]);
    const seenAtSecond = await eventually(
      () => asAuditorAt(second.url, EVENTS, { operationName: 'ServedByFirstReplica' }),
      (response) => (response.data?.auditEvents.edges.length ?? 0) > 0,
    );
    expect(seenAtSecond.data.auditEvents.edges).toEqual([{ node: expect.objectContaining({ chain: `${prefix}:stack:gw-1` }) }]);

    const status = await asAuditorAt(second.url, '{ auditChainStatus { ok storage chains { ok storage events } } }');
    expect(status.errors).toBeUndefined();
    expect(status.data.auditChainStatus.ok).toBe(true);
    expect(status.data.auditChainStatus.chains.map((chain: { storage: string }) => chain.storage)).toEqual([
      `redis stream ${prefix}:stack:gw-1`,
      `redis stream ${prefix}:stack:gw-2`,
    ]);
  });
});
