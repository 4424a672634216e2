import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createRedis, parseRedisUrl, readRedisUrl, slotPrefix } from '@cmcc/platform';
import { Redis } from 'ioredis';
import { AuditTrail, hmacAuditKey, MergedRedisAuditStore, RedisAuditSink, RedisAuditStore } from '@cmcc/audit-trail';
import { RedisCacheStore } from '@cmcc/gateway/cache/store';
import { RequestRateLimiter } from '@cmcc/gateway/limits/rate-limit';
import { openRegistry } from '@cmcc/governance/registry/index';
import {
  redisServerAvailable,
  startCluster,
  startSecuredServer,
  startSentinelSet,
  type ClusterSet,
  type SecuredServer,
  type SentinelSet,
} from '@cmcc/test-support/redis-topologies';
import { eventually } from '@cmcc/test-support/eventually';
import { runToEnd } from '@cmcc/test-support/process';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { sampleEvent } from './audit-support.ts';

/**
 * Issue 18, point 2: Redis as people run it. One setting (REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME, or
 * REDIS_CLUSTER_NODES) picks standalone, Sentinel or Cluster for every part that uses Redis; against real `redis-server`
 * processes: a Sentinel failover in the middle of a stream of audit events loses none of them, and on a Cluster the
 * parts whose commands span several keys (cache tags, the schema registry) keep those keys in one slot.
 */

const available = redisServerAvailable();
const logger = createLogger('redis-topologies-test', 'silent');
const KEY = hmacAuditKey('a-topology-test-audit-key-of-32-characters');

describe('the Redis setting', () => {
  it('builds one URL from REDIS_SENTINELS or REDIS_CLUSTER_NODES, with REDIS_URL’s user, password and TLS', () => {
    const problems: string[] = [];
    expect(readRedisUrl({ REDIS_SENTINELS: 's1:26379, s2:26379', REDIS_SENTINEL_NAME: 'cmcc', REDIS_URL: 'rediss://app:p%40ss@ignored:6379' }, problems)).toBe(
      'rediss+sentinel://app:p%40ss@s1:26379,s2:26379/cmcc',
    );
    expect(readRedisUrl({ REDIS_CLUSTER_NODES: 'r0:6379,r1:6379' }, problems)).toBe('redis+cluster://r0:6379,r1:6379');
    expect(readRedisUrl({ REDIS_URL: 'redis://redis:6379' }, problems)).toBe('redis://redis:6379');
    expect(readRedisUrl({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'cmcc', REDIS_SENTINEL_PASSWORD: 's&cret' }, problems)).toBe(
      'redis+sentinel://s1:26379/cmcc?sentinelPassword=s%26cret',
    );
    expect(parseRedisUrl('redis+sentinel://:data@s1:26379/cmcc?sentinelPassword=s%26cret')).toMatchObject({ password: 'data', sentinelPassword: 's&cret' });
    expect(problems).toEqual([]);
  });

  it('refuses settings that cannot be meant, saying what to change', () => {
    const problems: string[] = [];
    readRedisUrl({ REDIS_SENTINELS: 's1:26379' }, problems);
    readRedisUrl({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'x', REDIS_CLUSTER_NODES: 'r0:6379' }, problems);
    readRedisUrl({ REDIS_CLUSTER_NODES: 'r0' }, problems);
    readRedisUrl({ REDIS_URL: 'redis+sentinel://s1:26379' }, problems);
    readRedisUrl({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'x' }, problems);
    expect(() => parseRedisUrl('redis+cluster://r0:6379?sentinelPassword=x')).toThrow(/takes no parameter "sentinelPassword"/);
    expect(problems).toEqual([
      expect.stringContaining('REDIS_SENTINELS needs REDIS_SENTINEL_NAME'),
      expect.stringContaining('set one of them'),
      expect.stringMatching(/REDIS_CLUSTER_NODES.*host:port/),
      expect.stringMatching(/REDIS_URL.*must be a Redis URL/),
      expect.stringContaining('REDIS_SENTINEL_PASSWORD are set without REDIS_SENTINELS'),
    ]);
  });

  it('puts a hash tag in key prefixes on a Cluster only, so standalone and Sentinel keys keep their names', () => {
    expect(slotPrefix('cmcc:schema:', 'redis+cluster://r0:6379')).toBe('{cmcc:schema}:');
    expect(slotPrefix('cmcc:{schema}:', 'redis+cluster://r0:6379')).toBe('cmcc:{schema}:');
    expect(slotPrefix('cmcc:schema:', 'redis://redis:6379')).toBe('cmcc:schema:');
    expect(slotPrefix('cmcc:schema:', 'redis+sentinel://s1:26379/cmcc')).toBe('cmcc:schema:');
  });
});

describe.skipIf(!available)('Redis behind Sentinel', () => {
  // Both the data nodes and the Sentinel ask for a password, as a production Sentinel set does.
  const DATA_PASSWORD = 'data-nodes-secret';
  const SENTINEL_PASSWORD = 'sentinel-own-secret';
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet('cmcc-test', { password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
  }, 60_000);
  afterAll(async () => set?.stop());

  it('connects to the primary the Sentinel names, with the Sentinel’s password and the data nodes’ from the settings', async () => {
    const problems: string[] = [];
    const url = readRedisUrl(
      {
        REDIS_SENTINELS: `127.0.0.1:${set.sentinelPort}`,
        REDIS_SENTINEL_NAME: set.name,
        REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
        REDIS_URL: `redis://:${DATA_PASSWORD}@ignored:6379`,
      },
      problems,
    );
    expect(problems).toEqual([]);
    const redis = createRedis(url!);
    try {
      await redis.set('cmcc:topology:probe', 'ok');
      expect(await redis.get('cmcc:topology:probe')).toBe('ok');
      expect(await redis.info('server')).toContain(`tcp_port:${set.primaryPort}`);
    } finally {
      redis.disconnect();
    }
  });

  it('lets a command-line tool that used it exit (the failover watch’s Sentinel connections close with it)', async () => {
    // `npm run schema -- history` opens the registry in Redis, reads it, quits: before the fix it never exited.
    const started = Date.now();
    const run = await runToEnd(process.execPath, ['--import', 'tsx', 'scripts/schema.ts', 'history', '--json'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, REDIS_URL: set.url, SCHEMA_REGISTRY_PREFIX: `cmcc:test-exit:${process.pid}:` },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('does not reach the primary without the Sentinel’s password, nor without the data nodes’', async () => {
    const failFast = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, sentinelRetryStrategy: () => null } as const;
    const withoutSentinelPassword = createRedis(`redis+sentinel://:${DATA_PASSWORD}@127.0.0.1:${set.sentinelPort}/${set.name}`, failFast);
    const withoutDataPassword = createRedis(`redis+sentinel://127.0.0.1:${set.sentinelPort}/${set.name}?sentinelPassword=${SENTINEL_PASSWORD}`, failFast);
    const dataErrors: string[] = [];
    withoutSentinelPassword.on('error', () => undefined);
    withoutDataPassword.on('error', (error: Error) => dataErrors.push(error.message));
    try {
      await expect(withoutSentinelPassword.connect()).rejects.toThrow(/sentinel|NOAUTH|unreachable/i);
      // The Sentinel answers; the primary it names refuses the connection until it authenticates.
      await expect(withoutDataPassword.connect().then(() => withoutDataPassword.get('cmcc:topology:probe'))).rejects.toThrow();
      expect(dataErrors.join('\n')).toMatch(/NOAUTH|Authentication required/i);
    } finally {
      withoutSentinelPassword.disconnect();
      withoutDataPassword.disconnect();
    }
  });

  it('loses no audit event, and keeps one intact chain, when the primary dies in the middle of writing', async () => {
    const stream = `cmcc:audit:failover:${process.pid}`;
    const trail = new AuditTrail({
      sink: new RedisAuditSink(set.url, stream, logger, undefined, 1),
      key: KEY,
      logger,
      bufferSize: 10_000,
      batchSize: 10,
      checkpointEvery: 50,
      checkpointSeconds: 3600,
      failOpen: false,
    });
    const events = Array.from({ length: 300 }, (_, i) => sampleEvent(i + 1));
    const sentinel = set.sentinel();
    try {
      for (const [index, event] of events.entries()) {
        trail.append(event, trail.admit());
        if (index === 100) await set.killPrimary();
        if (index % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // A replica is now the primary, and the other replica follows it.
      await eventually(
        async () => (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', set.name)) as string[],
        (address) => set.replicaPorts.includes(Number(address[1])),
        20_000,
      );
      await trail.close(30_000);
    } finally {
      sentinel.disconnect();
    }
    const store = new RedisAuditStore(set.url, stream, KEY);
    try {
      const result = await store.verify();
      expect(result.problem).toBeNull();
      expect(result).toMatchObject({ ok: true, events: 300 });
      const stored = await store.listEvents({}, { first: 500 });
      expect(stored.events.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe.skipIf(!available)('a Sentinel failover to a replica that lagged behind', () => {
  // Replica 0 is promoted first (priority 10 against 100), so the set can be made to promote the replica that did not
  // receive the last batches while the other replica (the one WAIT heard from) did.
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet('cmcc-lag', { replicaPriorities: [10, 100] });
  }, 60_000);
  afterAll(async () => set?.stop());

  it('keeps every acknowledged audit record: those the promoted replica never received are written again, and the chain verifies', async () => {
    const stream = `cmcc:audit:lagging:${process.pid}`;
    const logLines: string[] = [];
    const recording = createLogger('redis-topologies-test', 'warn', { write: (line: string) => void logLines.push(line) });
    const trail = new AuditTrail({
      sink: new RedisAuditSink(set.url, stream, recording, undefined, 1),
      key: KEY,
      logger: recording,
      bufferSize: 10_000,
      batchSize: 10,
      checkpointEvery: 40,
      checkpointSeconds: 3600,
      failOpen: false,
    });
    const events = Array.from({ length: 150 }, (_, i) => sampleEvent(i + 1));
    const [lagging] = set.replicaPorts;
    const sentinel = set.sentinel();
    const laggingNode = new Redis({ port: lagging, host: '127.0.0.1' });
    try {
      for (const event of events.slice(0, 50)) trail.append(event, trail.admit());
      expect(await trail.flush(20_000)).toBe(true);
      // Replica 0 stops receiving (it follows a primary that is not there); WAIT is answered by replica 1 alone.
      await laggingNode.call('REPLICAOF', '127.0.0.1', '1');
      for (const event of events.slice(50, 100)) trail.append(event, trail.admit());
      expect(await trail.flush(20_000)).toBe(true);
      await set.killPrimary();
      await eventually(
        async () => (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', set.name)) as string[],
        (address) => Number(address[1]) === lagging,
        20_000,
      );
      for (const event of events.slice(100)) trail.append(event, trail.admit());
      await trail.close(30_000);
    } finally {
      sentinel.disconnect();
      laggingNode.disconnect();
    }
    const store = new RedisAuditStore(set.url, stream, KEY);
    try {
      const result = await store.verify();
      expect(result.problem).toBeNull();
      expect(result).toMatchObject({ ok: true, events: 150 });
      const stored = await store.listEvents({}, { first: 500 });
      expect(stored.events.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    } finally {
      await store.close();
    }
    // The scenario happened: the promoted replica lacked acknowledged records, and the sink wrote them again.
    expect(logLines.join('\n')).toMatch(/written again from memory/);
  }, 90_000);
});

describe.skipIf(!available)('Redis Cluster', () => {
  let cluster: ClusterSet;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('caches answers with their tags and evicts by tag, the tag sets in the entries’ slot', async () => {
    const store = new RedisCacheStore(cluster.url, slotPrefix('cmcc:gateway:', cluster.url), logger, 'response cache');
    try {
      // Connected once a value written can be read back; what it bypassed while connecting does not count.
      await eventually(
        async () => {
          await store.set('probe', 'ok', 60);
          return store.get('probe');
        },
        (value) => value === 'ok',
      );
      const bypassed = store.bypasses;
      for (let n = 0; n < 20; n++) await store.set(`response:${n}`, `answer ${n}`, 60, [`type:Convoy`, `record:CONVOY-${n}`]);
      expect(await store.get('response:7')).toBe('answer 7');
      expect(await store.invalidate(['record:CONVOY-7'])).toBe(1);
      expect(await store.get('response:7')).toBeUndefined();
      expect(await store.get('response:8')).toBe('answer 8');
      expect(await store.invalidate(['type:Convoy'])).toBe(19);
      expect(store.bypasses).toBe(bypassed);
    } finally {
      await store.close();
    }
  });

  it('publishes schema versions (one script over the head, the version and the list) and reads them back', async () => {
    const registry = openRegistry({ kind: 'redis', redisUrl: cluster.url, prefix: slotPrefix('cmcc:schema:', cluster.url), dir: '' });
    try {
      const version = {
        id: 'v-cluster-1',
        seq: 1,
        hash: 'a'.repeat(64),
        kind: 'publish',
        parent: null,
        createdAt: new Date().toISOString(),
        author: 'test',
        message: 'first',
        subgraphs: [],
        supergraphSdl: 'type Query { a: Int }',
      };
      expect(await registry.publish(null, version as never)).toBe(true);
      expect(await registry.head()).toBe('v-cluster-1');
      expect(await registry.publish(null, { ...version, id: 'v-cluster-2' } as never)).toBe(false);
      expect((await registry.list()).map((summary) => summary.id)).toEqual(['v-cluster-1']);
    } finally {
      await registry.close();
    }
  });

  it('keeps each replica’s audit chain and reads them as one trail', async () => {
    const set = `cmcc:audit:cluster:streams`;
    for (const [name, numbers] of [
      ['cmcc:audit:cluster:gw-1', [1, 3]],
      ['cmcc:audit:cluster:gw-2', [2, 4]],
    ] as const) {
      const trail = new AuditTrail({
        sink: new RedisAuditSink(cluster.url, name, logger, set),
        key: KEY,
        logger,
        bufferSize: 100,
        batchSize: 2,
        checkpointEvery: 10,
        checkpointSeconds: 3600,
        failOpen: false,
      });
      for (const n of numbers) trail.append(sampleEvent(n), trail.admit());
      await trail.close();
    }
    const store = new MergedRedisAuditStore(cluster.url, set, 'cmcc:audit:cluster:gw-1', KEY);
    try {
      expect(await store.chainStatus()).toMatchObject({ ok: true, events: 4 });
      expect((await store.listEvents()).events.map((event) => event.chain)).toEqual([
        'cmcc:audit:cluster:gw-2',
        'cmcc:audit:cluster:gw-1',
        'cmcc:audit:cluster:gw-2',
        'cmcc:audit:cluster:gw-1',
      ]);
    } finally {
      await store.close();
    }
  });

  it('counts a principal’s requests in the cluster', async () => {
    const limiter = new RequestRateLimiter({ requests: 2, windowSeconds: 60, redisUrl: cluster.url }, logger);
    try {
      await eventually(
        () => limiter.shared,
        (shared) => shared,
      );
      const subject = `cluster-${Math.random().toString(36).slice(2)}`;
      await limiter.consume(subject);
      await limiter.consume(subject);
      await expect(limiter.consume(subject)).rejects.toMatchObject({ status: 429 });
    } finally {
      await limiter.close();
    }
  });
});

describe.skipIf(!available)('Redis over TLS with an ACL user', () => {
  let server: SecuredServer;
  beforeAll(async () => {
    server = await startSecuredServer();
  }, 60_000);
  afterAll(async () => server?.stop());

  it('connects with rediss:// and the user and password in the URL, and not without them', async () => {
    const redis = createRedis(server.url, { tls: { ca: server.ca } });
    try {
      await redis.set('cmcc:tls:probe', 'ok');
      expect(await redis.get('cmcc:tls:probe')).toBe('ok');
      expect(await redis.call('ACL', 'WHOAMI')).toBe(server.user);
    } finally {
      redis.disconnect();
    }
    // A wrong password is refused by the ACL; plain redis:// gets no answer from a TLS port.
    for (const url of [server.url.replace(server.password, 'wrong-password'), `redis://${server.user}:${server.password}@127.0.0.1:${server.port}`]) {
      const refused = createRedis(url, {
        tls: url.startsWith('rediss') ? { ca: server.ca } : undefined,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1000,
      });
      refused.on('error', () => undefined);
      try {
        await expect(refused.connect().then(() => refused.ping())).rejects.toThrow();
      } finally {
        refused.disconnect();
      }
    }
  });
});
