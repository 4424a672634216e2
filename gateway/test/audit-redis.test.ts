import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@cmcc/platform';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { AuditRecord } from '@cmcc/audit-trail';
import { hmacAuditKey, RedisAuditSink, RedisAuditStore, AuditTrail } from '@cmcc/audit-trail';
import { sampleEvent } from './audit-support.ts';

/**
 * The Redis Streams sink against the real Redis (each test on its own stream key, deleted afterwards): entries never
 * trimmed, ids `<seq>-0`, retried batches not duplicated, the read API, verification of a stream tampered with, and the
 * gateway through a Redis that goes away and comes back.
 */

const available = await redisAvailable();
const KEY = hmacAuditKey('a-redis-test-audit-key-of-32-characters!');
const logger = createLogger('audit-redis-test', 'silent');
const streams: string[] = [];
let admin: Redis;

function uniqueStream(): string {
  const stream = `cmcc:audit:test:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  streams.push(stream);
  return stream;
}

beforeAll(() => {
  if (available) admin = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  if (!admin) return;
  for (const stream of streams) await admin.del(stream, `${stream}:head`);
  await admin.quit();
});

async function writeStream(stream: string, events: number): Promise<void> {
  const trail = new AuditTrail({
    sink: new RedisAuditSink(TEST_REDIS_URL, stream, logger),
    key: KEY,
    logger,
    bufferSize: 100,
    batchSize: 4,
    checkpointEvery: 5,
    checkpointSeconds: 3600,
    failOpen: false,
  });
  for (let n = 1; n <= events; n++) trail.append(sampleEvent(n), trail.admit());
  await trail.close();
}

async function readRecords(stream: string): Promise<AuditRecord[]> {
  return (await admin.xrange(stream, '-', '+')).map(([, fields]) => JSON.parse(fields[1]) as AuditRecord);
}

/** Leaves the stream as a replica that received only its first `count` entries would have it: the rest never written. */
async function keepOnly(stream: string, count: number): Promise<void> {
  const entries = (await admin.xrange(stream, '-', '+')).slice(0, count);
  await admin.del(stream);
  for (const [id, fields] of entries) await admin.xadd(stream, id, ...fields);
}

describe.skipIf(!available)('Redis Streams sink', () => {
  it('appends every record as a stream entry <seq>-0, with the signed head beside it, and continues after a restart', async () => {
    const stream = uniqueStream();
    await writeStream(stream, 7);
    await writeStream(stream, 3);
    const entries = await admin.xrange(stream, '-', '+');
    const records = entries.map(([, fields]) => JSON.parse(fields[1]) as AuditRecord);
    expect(entries.map(([id]) => id)).toEqual(records.map((r) => `${r.seq}-0`));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    expect(records.filter((r) => r.kind === 'event')).toHaveLength(10);
    const head = JSON.parse((await admin.get(`${stream}:head`))!);
    expect(head).toMatchObject({ kind: 'head', seq: records.length, hash: records[records.length - 1].hash });
    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    expect(await store.chainStatus()).toMatchObject({ ok: true, events: 10, verifiedUpToSeq: records.length });
    await store.close();
  });

  it('does not write a batch twice when it is retried after a lost reply, and refuses a different record at a taken seq', async () => {
    const stream = uniqueStream();
    const sink = new RedisAuditSink(TEST_REDIS_URL, stream, logger);
    await sink.open();
    const trail = new AuditTrail({ sink, key: KEY, logger, bufferSize: 10, batchSize: 10, checkpointEvery: 100, checkpointSeconds: 3600, failOpen: false });
    trail.append(sampleEvent(1), trail.admit());
    trail.append(sampleEvent(2), trail.admit());
    expect(await trail.flush()).toBe(true);
    const records = (await admin.xrange(stream, '-', '+')).map(([, fields]) => JSON.parse(fields[1]) as AuditRecord);
    await sink.write(records); // the same batch again
    expect(await admin.xlen(stream)).toBe(2);
    await expect(sink.write([{ ...records[1], hash: 'f'.repeat(64) }])).rejects.toThrow(/another gateway/);
    await trail.close();
  });

  it('writes again, from memory, records Redis acknowledged and then lost, so the chain stays whole, and says so in the chain', async () => {
    const stream = uniqueStream();
    const trail = new AuditTrail({
      sink: new RedisAuditSink(TEST_REDIS_URL, stream, logger),
      key: KEY,
      logger,
      bufferSize: 100,
      batchSize: 3,
      checkpointEvery: 100,
      checkpointSeconds: 3600,
      failOpen: false,
    });
    for (let n = 1; n <= 8; n++) trail.append(sampleEvent(n), trail.admit());
    expect(await trail.flush()).toBe(true);
    // As a failover to a replica that had received only the first three records leaves the stream.
    await keepOnly(stream, 3);
    for (let n = 9; n <= 10; n++) trail.append(sampleEvent(n), trail.admit());
    await trail.close();
    const records = await readRecords(stream);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    expect(records.filter((r) => r.kind === 'event')).toHaveLength(10);
    expect(records.find((r) => r.kind === 'notice' && r.notice === 'records-written-again')).toMatchObject({ details: { fromSeq: 4, toSeq: 8 } });
    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    expect(await store.verify()).toMatchObject({ ok: true, events: 10, problem: null });
    await store.close();
  });

  it('reports records lost beyond what it keeps in memory: written after the gap, a notice in the chain, and verification names the gap', async () => {
    const stream = uniqueStream();
    // Keeps only its last two records in memory.
    const sink = new RedisAuditSink(TEST_REDIS_URL, stream, logger, undefined, 0, 2);
    const trail = new AuditTrail({ sink, key: KEY, logger, bufferSize: 100, batchSize: 2, checkpointEvery: 100, checkpointSeconds: 3600, failOpen: false });
    for (let n = 1; n <= 6; n++) trail.append(sampleEvent(n), trail.admit());
    expect(await trail.flush()).toBe(true);
    await keepOnly(stream, 2);
    trail.append(sampleEvent(7), trail.admit());
    await trail.close();
    const records = await readRecords(stream);
    // Records 3 and 4 are gone for good; 5 and 6 were still in memory and are back; then the next batch and the notice.
    expect(records.map((r) => r.seq).slice(0, 4)).toEqual([1, 2, 5, 6]);
    expect(records.find((r) => r.kind === 'notice' && r.notice === 'records-lost-in-store')).toMatchObject({ severity: 'error', details: { fromSeq: 3, toSeq: 4 } });
    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    expect(await store.verify()).toMatchObject({ ok: false, problem: { seq: 3 } });
    await store.close();
  });

  it('reads events with filters and cursor pagination, newest first, and one by id', async () => {
    const stream = uniqueStream();
    await writeStream(stream, 9);
    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    const first = await store.listEvents({ principal: 'us-analyst' }, { first: 3 });
    expect(first.events.map((e) => e.requestId)).toEqual(['request-9', 'request-7', 'request-5']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await store.listEvents({ principal: 'us-analyst' }, { first: 3, after: first.pageInfo.endCursor });
    expect(second.events.map((e) => e.requestId)).toEqual(['request-3', 'request-1']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await store.listEvents({ organization: 'XM-DAC-41140', entityKey: 'PS0265' })).events.map((e) => e.requestId)).toEqual(['request-2']);
    expect(await store.getEvent(first.events[1].id)).toEqual(first.events[1]);
    await store.close();
  });

  it('verification names a removed entry and a trimmed (truncated) stream', async () => {
    const stream = uniqueStream();
    await writeStream(stream, 9);
    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    await admin.xdel(stream, '4-0');
    expect(await store.verify()).toMatchObject({ ok: false, problem: { kind: 'removed', seq: 4, position: 'entry 5-0' } });

    const trimmed = uniqueStream();
    await writeStream(trimmed, 9);
    const length = await admin.xlen(trimmed);
    const lastIds = (await admin.xrevrange(trimmed, '+', '-', 'COUNT', 3)).map(([id]) => id);
    await admin.xdel(trimmed, ...lastIds);
    const trimmedStore = new RedisAuditStore(TEST_REDIS_URL, trimmed, KEY);
    expect(await trimmedStore.verify()).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: length - 2 } });
    await Promise.all([store.close(), trimmedStore.close()]);
  });
});

/** A TCP proxy to Redis that the test can take down and bring back on the same port. */
async function redisProxy(): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const up = async () => {
    if (server) return;
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      sockets.add(client).add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end).pipe(upstream);
      upstream.on('error', end).on('close', end).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(port, '127.0.0.1', resolve));
    port = (server!.address() as net.AddressInfo).port;
  };
  const down = async () => {
    const closing = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    sockets.forEach((socket) => socket.destroy());
    sockets.clear();
    await closing;
    server = null;
  };
  await up();
  return { url: `redis://127.0.0.1:${port}`, down, up, close: down };
}

describe.skipIf(!available)('the gateway on Redis', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  const stream = uniqueStream();
  beforeAll(async () => {
    proxy = await redisProxy();
    stack = await startStack({ env: { REDIS_URL: proxy.url, AUDIT_REDIS_STREAM: stream, AUDIT_BUFFER_SIZE: '3', AUDIT_SIGNING_KEY: 'a-redis-test-audit-key-of-32-characters!' } });
  });
  afterAll(async () => {
    await proxy?.up().catch(() => undefined); // a failed test may have left it down; the gateway flushes at stop
    await stack?.close();
    await proxy?.close();
  });

  it('writes events to the stream; while Redis is away the buffer fills and operations are refused; when it returns everything is written', async () => {
    const query = `query Redis { areas(level: GOVERNORATE) { pcode } }`;
    expect((await stack.query(query)).status).toBe(200);
    expect(await stack.gateway.audit.flush()).toBe(true);
    expect(await admin.xlen(stream)).toBeGreaterThanOrEqual(1);

    await proxy.down();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await stack.query(query)).status);
    expect(statuses).toEqual([200, 200, 200, 503, 503]); // three places in the buffer, then fail-closed

    await proxy.up();
    // Served again once the trail reaches Redis again.
    await vi.waitFor(async () => expect((await stack.query(query)).status).toBe(200), { timeout: 20_000, interval: 200 });
    expect(await stack.gateway.audit.flush()).toBe(true);

    const store = new RedisAuditStore(TEST_REDIS_URL, stream, KEY);
    const { events } = await store.listEvents({ operationName: 'Redis' }, { first: 50 });
    expect(events.length).toBe(5); // 1 before, 3 buffered while Redis was away, 1 after; the refused two are not there
    expect(await store.chainStatus()).toMatchObject({ ok: true });
    await store.close();
  });
});
