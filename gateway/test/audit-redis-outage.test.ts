import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@cmcc/platform';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { startTcpProxy, type TcpProxy } from '@cmcc/test-support/faulty-proxy';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { AuditRecord } from '@cmcc/audit-trail';
import { hmacAuditKey, RedisAuditSink, AuditTrail } from '@cmcc/audit-trail';
import { sampleEvent } from './audit-support.ts';

/**
 * The audit trail's Redis sink while Redis is cut off (a TCP proxy in front of the shared Redis, which keeps running):
 * fail-closed keeps every admitted event and refuses the rest, fail-open serves and logs what it cannot keep; both
 * reconnect and write their buffer by themselves when Redis returns, with the chain intact. (Fail-closed through the
 * whole gateway: audit-redis.test.ts.)
 */

const available = await redisAvailable();
const KEY = hmacAuditKey('an-outage-test-audit-key-of-32-characters');
const streams: string[] = [];
let admin: Redis;
let proxy: TcpProxy;

const uniqueStream = () => {
  const stream = `cmcc:audit:outage:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  streams.push(stream);
  return stream;
};

beforeAll(async () => {
  if (!available) return;
  admin = new Redis(TEST_REDIS_URL);
  const target = new URL(TEST_REDIS_URL);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
});
afterAll(async () => {
  if (!available) return;
  for (const stream of streams) await admin.del(stream, `${stream}:head`);
  await admin.quit();
  await proxy.close();
});

async function records(stream: string): Promise<AuditRecord[]> {
  return (await admin.xrange(stream, '-', '+')).map(([, fields]) => JSON.parse(fields[1]) as AuditRecord);
}

function trailOn(stream: string, failOpen: boolean, logs: string[]) {
  const logger = createLogger('outage-test', 'info', { write: (line: string) => void logs.push(line) });
  return new AuditTrail({
    sink: new RedisAuditSink(`redis://127.0.0.1:${proxy.port}`, stream, logger),
    key: KEY,
    logger,
    bufferSize: 4,
    batchSize: 10,
    checkpointEvery: 100,
    checkpointSeconds: 3600,
    failOpen,
    retryMaxMs: 100,
  });
}

describe.skipIf(!available)('the audit trail while Redis is down', () => {
  it('fail-closed: admits only what the buffer can hold, loses none of it, and writes it all when Redis returns, without new traffic', async () => {
    const stream = uniqueStream();
    const logs: string[] = [];
    const trail = trailOn(stream, false, logs);
    trail.append(sampleEvent(1), trail.admit());
    expect(await trail.flush()).toBe(true);

    proxy.cut();
    const admitted = [];
    for (let n = 2; n <= 7; n++) admitted.push(trail.admit());
    expect(admitted.map((a) => a !== null)).toEqual([true, true, true, true, false, false]);
    admitted.forEach((admission, i) => admission && trail.append(sampleEvent(i + 2), admission));
    // The trail finds the sink gone when it tries to write: wait for that, not for a fixed time.
    await vi.waitFor(() => expect(trail.stats).toMatchObject({ depth: 4, refused: 2, sinkHealthy: false }), { timeout: 15_000 });

    proxy.restore();
    expect(await trail.flush(15_000)).toBe(true);
    expect(trail.stats.sinkHealthy).toBe(true);
    const events = (await records(stream)).filter((r) => r.kind === 'event');
    expect(events.map((r) => (r as { requestId?: string }).requestId)).toEqual(['request-1', 'request-2', 'request-3', 'request-4', 'request-5']);
    expect(logs.some((line) => line.includes('sink writable again'))).toBe(true);
    await trail.close();
    const all = await records(stream);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all[all.length - 1].kind).toBe('checkpoint');
  });

  it('fail-open: keeps serving, drops what the buffer cannot hold (each drop logged as an error), and writes the rest when Redis returns', async () => {
    const stream = uniqueStream();
    const logs: string[] = [];
    const trail = trailOn(stream, true, logs);
    proxy.cut();
    const kept: boolean[] = [];
    for (let n = 1; n <= 6; n++) {
      const admission = trail.admit();
      expect(admission).not.toBeNull();
      kept.push(trail.append(sampleEvent(n), admission));
    }
    expect(kept).toEqual([true, true, true, true, false, false]);
    expect(trail.stats).toMatchObject({ dropped: 2, depth: 4 });
    expect(logs.filter((line) => line.includes('AUDIT EVENT DROPPED'))).toHaveLength(2);

    proxy.restore();
    expect(await trail.flush(15_000)).toBe(true);
    const events = (await records(stream)).filter((r) => r.kind === 'event');
    expect(events).toHaveLength(4);
    await trail.close();
  });
});

describe.skipIf(!available)('the gateway while Redis is down, fail-open', () => {
  let stack: TestStack;
  const stream = uniqueStream();
  beforeAll(async () => {
    stack = await startStack({
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        AUDIT_REDIS_STREAM: stream,
        AUDIT_BUFFER_SIZE: '2',
        AUDIT_FAIL_OPEN: 'true',
        AUDIT_SIGNING_KEY: 'an-outage-test-audit-key-of-32-characters',
      },
    });
  }, 60_000);
  afterAll(async () => {
    proxy.restore();
    await stack?.close();
  });

  it('keeps answering every operation, and writes what it buffered once Redis is back', async () => {
    const query = 'query Outage { areas(level: GOVERNORATE) { pcode } }';
    expect((await stack.query(query)).status).toBe(200);
    expect(await stack.gateway.audit.flush()).toBe(true);
    proxy.cut();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await stack.query(query)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(stack.gateway.audit.stats.dropped).toBe(3);
    proxy.restore();
    expect(await stack.gateway.audit.flush(15_000)).toBe(true);
    expect((await records(stream)).filter((r) => r.kind === 'event')).toHaveLength(3);
  });
});
