import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * The response cache and the APQ store in Redis, shared by two gateways; and what happens when Redis goes away:
 * requests are served (the cache is bypassed, logged once, counted) and Redis is used again when it returns.
 */

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };
const CA_EDITOR = { sub: 'ca-editor', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scope: 'write:civil-administration read:*', cmcc: true };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const withRedis = await redisAvailable();
const prefix = `cmcc-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
  if (!withRedis) return;
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/** Waits until `check` holds (Redis reconnecting); fails after 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  await vi.waitFor(async () => expect(await check(), 'condition never held').toBe(true), { timeout: 10_000, interval: 100 });
}

describe.skipIf(!withRedis)('response cache and APQ in Redis', () => {
  let a: ExtraGateway;
  let b: ExtraGateway;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, AUDIT_SINK: 'file', GATEWAY_CACHE_KEY_PREFIX: prefix, GATEWAY_RESPONSE_CACHE: 'true' };
    [a, b] = await Promise.all([startGateway(stack, env), startGateway(stack, env)]);
    await eventually(async () => (await a.query('{ __typename }')).status === 200);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('shares cached responses between gateway instances', async () => {
    const first = await a.query(SITUATION, SINCE);
    expect(first.errors).toBeUndefined();
    expect(a.gateway.performance.stats().responseCache).toMatchObject({ stores: 1, hits: 0 });
    const sentBefore = b.gateway.performance.stats().transport.sent;
    const second = await b.query(SITUATION, SINCE);
    expect(second.data).toEqual(first.data);
    expect(b.gateway.performance.stats().responseCache!.hits).toBe(1);
    expect(b.gateway.performance.stats().transport.sent).toBe(sentBefore);
  });

  it('evicts on every instance when a mutation on one returns a cached record', async () => {
    const SITE = `query Site($id: ID!) { displacementSite(id: $id) { id name provenance { version } } }`;
    const UPSERT = `mutation($input: UpsertDisplacementSiteInput!) { upsertDisplacementSite(input: $input) { displacementSite { id provenance { version } } userErrors { code } } }`;
    const input = {
      type: 'MAKESHIFT_SITE',
      areaPcode: 'PS027004',
      households: 3,
      individuals: 9,
      source: 'PARTNER',
      asOf: '2025-11-22',
      marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
    };
    const created = await a.query(UPSERT, { input: { ...input, name: 'Redis probe' } }, CA_EDITOR);
    const { id, provenance } = created.data.upsertDisplacementSite.displacementSite;
    expect((await a.query(SITE, { id }, CA_EDITOR)).data.displacementSite.name).toBe('Redis probe');
    const hits = b.gateway.performance.stats().responseCache!.hits;
    expect((await b.query(SITE, { id }, CA_EDITOR)).data.displacementSite.name).toBe('Redis probe');
    expect(b.gateway.performance.stats().responseCache!.hits).toBe(hits + 1);
    const renamed = await b.query(UPSERT, { input: { ...input, id, version: provenance.version, name: 'Redis probe, renamed' } }, CA_EDITOR);
    expect(renamed.data.upsertDisplacementSite.userErrors).toEqual([]);
    expect((await a.query(SITE, { id }, CA_EDITOR)).data.displacementSite.name).toBe('Redis probe, renamed');
  });

  it('evicts a cached aggregate (Area.forceStrength) on every instance when a mutation on one records a contribution it counts', async () => {
    // The reader (USA, SECRET) is released the contribution below; its figures must include it at once, on both gateways.
    const STRENGTH = `query Strength { area(pcode: "PS0275") { pcode forceStrength { readiness source contributions personnel } } }`;
    const RECORD = `mutation($input: RecordForceContributionInput!) { recordForceContribution(input: $input) { forceContribution { id } userErrors { code } } }`;
    const EGY_EDITOR = { sub: 'egy-mnf-editor', nation: 'EGY', org: 'CMCC', clearance: 'CONFIDENTIAL', roles: ['editor'], scope: 'write:multinational-force read:*' };
    const preparing = (data: { area: { forceStrength: { readiness: string; source: string; contributions: number; personnel: number }[] } }) =>
      data.area.forceStrength.find((row) => row.readiness === 'PREPARING' && row.source === 'SYNTHETIC') ?? { contributions: 0, personnel: 0 };

    const before = await a.query(STRENGTH);
    expect(before.errors).toBeUndefined();
    const hits = b.gateway.performance.stats().responseCache!.hits;
    expect((await b.query(STRENGTH)).data).toEqual(before.data);
    expect(b.gateway.performance.stats().responseCache!.hits).toBe(hits + 1); // cached, so the eviction below is what is tested

    const input = {
      nation: 'EGY',
      unit: 'Cache probe company',
      role: 'ENGINEERING',
      personnel: 37,
      readiness: 'PREPARING',
      readinessAsOf: '2025-11-10T00:00:00Z',
      areaPcode: 'PS0275',
      source: 'SYNTHETIC',
      marking: { classification: 'CONFIDENTIAL', releasableTo: ['EGY', 'USA'], tlp: 'AMBER', originator: 'EGY' },
    };
    const recorded = await a.query(RECORD, { input }, EGY_EDITOR);
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data.recordForceContribution.userErrors).toEqual([]);

    const after = await b.query(STRENGTH);
    expect(b.gateway.performance.stats().responseCache!.hits).toBe(hits + 1);
    expect(preparing(after.data)).toMatchObject({ contributions: preparing(before.data).contributions + 1, personnel: preparing(before.data).personnel + 37 });
  });

  it('finds on one instance a persisted query registered on the other', async () => {
    const text = `query RedisApq { areas(level: GOVERNORATE) { pcode name } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    expect((await b.query(undefined as never, {}, undefined, extensions)).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await a.query(text, {}, undefined, extensions)).errors).toBeUndefined();
    await eventually(async () => !(await b.query(undefined as never, {}, undefined, extensions)).errors);
    expect(b.gateway.performance.stats().persistedQueries!.hits).toBeGreaterThan(0);
  });
});

describe.skipIf(!withRedis)('Redis outage', () => {
  it('serves requests while Redis is unreachable (bypass, logged once, counted) and uses Redis again when it returns', async () => {
    // A proxy in front of Redis stands for the network: closing it is an outage others do not notice.
    const target = new URL(TEST_REDIS_URL);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    const gateway = await startGateway(stack, {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      AUDIT_SINK: 'file',
      GATEWAY_CACHE_KEY_PREFIX: `${prefix}outage:`,
      GATEWAY_RESPONSE_CACHE: 'true',
    });
    try {
      const stats = () => gateway.gateway.performance.stats().responseCache!;
      await eventually(async () => (await gateway.query(SITUATION, SINCE)).errors === undefined && stats().stores > 0);

      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      for (let i = 0; i < 3; i++) {
        const response = await gateway.query(SITUATION, SINCE);
        expect(response.status).toBe(200);
        expect(response.errors).toBeUndefined();
        expect(response.data.areas).toHaveLength(5);
      }
      expect(stats().bypasses).toBeGreaterThanOrEqual(3);
      expect(gateway.logs.filter((line) => line.includes('response cache: Redis is unreachable'))).toHaveLength(1);
      expect(gateway.logs.join('\n')).not.toContain('"level":50');

      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      await eventually(async () => gateway.logs.some((line) => line.includes('response cache: Redis is back')));
      const hits = stats().hits;
      await gateway.query(SITUATION, SINCE);
      await gateway.query(SITUATION, SINCE);
      expect(stats().hits).toBeGreaterThan(hits);
    } finally {
      await gateway.close();
      proxy.close();
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe('Redis unreachable from the start', () => {
  it('serves every request without the cache and APQ store and counts the bypasses', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gateway = await startGateway(stack, {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      AUDIT_SINK: 'file',
      GATEWAY_CACHE_KEY_PREFIX: `${prefix}none:`,
      GATEWAY_RESPONSE_CACHE: 'true',
    });
    try {
      const text = `query NoRedis { areas(level: GOVERNORATE) { pcode } }`;
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
      for (let i = 0; i < 2; i++) {
        const response = await gateway.query(text, {}, undefined, extensions);
        expect(response.errors).toBeUndefined();
        expect(response.data.areas).toHaveLength(5);
      }
      const stats = gateway.gateway.performance.stats();
      expect(stats.responseCache).toMatchObject({ hits: 0 });
      expect(stats.responseCache!.bypasses).toBeGreaterThanOrEqual(2);
      expect(stats.persistedQueries!.bypasses).toBeGreaterThanOrEqual(1);
    } finally {
      await gateway.close();
    }
  });
});
