import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEventStreamKey, ResumeWindowExceededError, type ChangeEvent, type EventFeed } from '@cmcc/contracts';
import { createLogger } from '@cmcc/platform';
import { startEventRelay, type EventRelay } from '@cmcc/test-support/change-events';
import { startTestSubgraph, TEST_SHARED_SECRET, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { loadDefinition } from '@cmcc/test-support/stack';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { requestConvoyIn } from '@cmcc/test-support/convoys';
import { createEventFeed } from '../src/subscriptions/event-feed.ts';

/**
 * The feeds a gateway reads change events through (packages/contracts/src/change-events.ts), each fed by real writes
 * in an in-process subgraph: its own GET /events stream, and Redis streams that subgraph replicas relay to. Each
 * event once, in order; a resume gives exactly what was missed; too old a resume is RESUME_WINDOW_EXCEEDED.
 */

const logger = createLogger('event-feeds-test', 'silent');
let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(await loadDefinition('humanitarian'), { events: { retentionHours: 1, pollMs: 50 } });
});
afterAll(async () => {
  await subgraph?.close();
});

const requestConvoy = () => requestConvoyIn(subgraph);
const eventIdOf = async (convoyId: string) =>
  (await subgraph.db.query<{ id: string }>(`SELECT id::text AS id FROM record_change WHERE entity_type = 'Convoy' AND entity_id = $1`, [convoyId]))[0].id;

/** Reads events from an iteration, each within a deadline. */
function reader(feed: EventFeed, afterId: string | null) {
  const controller = new AbortController();
  const iterator = feed.subscribe('humanitarian', afterId, controller.signal)[Symbol.asyncIterator]();
  return {
    async take(count: number, timeoutMs = 10_000): Promise<ChangeEvent[]> {
      const events: ChangeEvent[] = [];
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        const timeout = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`only ${events.length} of ${count} events before the deadline`)), deadline - Date.now()).unref(),
        );
        const next = await Promise.race([iterator.next(), timeout]);
        if (next.done) throw new Error('the feed ended');
        events.push(next.value);
      }
      return events;
    },
    next: () => iterator.next(),
    stop: () => controller.abort(),
  };
}

describe("the subgraph's own event stream (no Redis)", () => {
  it('delivers a mutation as an event to every local subscriber', async () => {
    const feed = createEventFeed({ subgraphUrls: { humanitarian: `${subgraph.url}/graphql` }, sharedSecret: TEST_SHARED_SECRET, logger });
    const [a, b] = [reader(feed, null), reader(feed, null)];
    try {
      await (feed as { connected(subgraph: string): Promise<void> }).connected('humanitarian');
      const convoyId = await requestConvoy();
      const expected = { id: await eventIdOf(convoyId), subgraph: 'humanitarian', entityType: 'Convoy', entityId: convoyId, operation: 'CREATE', version: 1 };
      expect((await a.take(1))[0]).toMatchObject(expected);
      expect((await b.take(1))[0]).toMatchObject(expected);
    } finally {
      a.stop();
      b.stop();
      await feed.close();
    }
  });

  it('resumes after an id with exactly the missed events in order, then live ones', async () => {
    const feed = createEventFeed({ subgraphUrls: { humanitarian: subgraph.url }, sharedSecret: TEST_SHARED_SECRET, logger });
    const live = reader(feed, null);
    try {
      await (feed as { connected(subgraph: string): Promise<void> }).connected('humanitarian');
      const seen = await requestConvoy();
      await live.take(1);
      const missed = [await requestConvoy(), await requestConvoy()];
      await live.take(2);
      const resumed = reader(feed, await eventIdOf(seen));
      expect((await resumed.take(2)).map((event) => event.entityId)).toEqual(missed);
      const after = await requestConvoy();
      expect((await resumed.take(1))[0].entityId).toBe(after);
      resumed.stop();
    } finally {
      live.stop();
      await feed.close();
    }
  });

  it('refuses a resume older than the retention with ResumeWindowExceededError', async () => {
    const feed = createEventFeed({ subgraphUrls: { humanitarian: subgraph.url }, sharedSecret: TEST_SHARED_SECRET, logger });
    try {
      const [old, older] = [await requestConvoy(), await requestConvoy()];
      await subgraph.db.query(`UPDATE record_change SET changed_at = now() - interval '2 hours' WHERE id <= $1::bigint`, [await eventIdOf(older)]);
      await requestConvoy();
      const resumed = reader(feed, await eventIdOf(old));
      await expect(resumed.next()).rejects.toBeInstanceOf(ResumeWindowExceededError);
    } finally {
      await feed.close();
    }
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('Redis streams', () => {
  const keyPrefix = `test-events-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const stream = changeEventStreamKey('humanitarian', keyPrefix);
  let redis: Redis;
  let relays: EventRelay[];
  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    // Two replicas of the subgraph relaying the same history.
    relays = await Promise.all(
      [0, 1].map(() => startEventRelay({ db: subgraph.db, subgraph: 'humanitarian', redisUrl: TEST_REDIS_URL, logger, pollMs: 50, maxLength: 10_000, keyPrefix })),
    );
  });
  afterAll(async () => {
    await Promise.all((relays ?? []).map((relay) => relay.stop()));
    await redis?.del(stream);
    redis?.disconnect();
  });
  const flush = () => Promise.all(relays.map((relay) => relay.flush()));

  it('two gateway processes both see every event, and two relaying replicas add each event to the stream once', async () => {
    const feeds = [0, 1].map(() => createEventFeed({ subgraphUrls: {}, sharedSecret: TEST_SHARED_SECRET, redisUrl: TEST_REDIS_URL, logger, keyPrefix }));
    const readers = feeds.map((feed) => reader(feed, null));
    try {
      for (const feed of feeds) await (feed as { connected(subgraph: string): Promise<void> }).connected('humanitarian');
      const before = await redis.xlen(stream);
      const written = [await requestConvoy(), await requestConvoy(), await requestConvoy()];
      await flush();
      for (const feedReader of readers) expect((await feedReader.take(3)).map((event) => event.entityId)).toEqual(written);
      expect(await redis.xlen(stream)).toBe(before + 3);
      const ids = (await redis.xrange(stream, '-', '+')).map(([id]) => id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(-3)).toEqual(await Promise.all(written.map(async (convoyId) => `0-${await eventIdOf(convoyId)}`)));
    } finally {
      for (const feedReader of readers) feedReader.stop();
      await Promise.all(feeds.map((feed) => feed.close()));
    }
  });

  it('relays again, from the database, events the stream lost after acknowledging them (a failover), so a resume misses none', async () => {
    const feed = createEventFeed({ subgraphUrls: {}, sharedSecret: TEST_SHARED_SECRET, redisUrl: TEST_REDIS_URL, logger, keyPrefix });
    try {
      const first = await requestConvoy();
      const lost = [await requestConvoy(), await requestConvoy()];
      await flush();
      // As a Sentinel failover to a replica that had not yet received the last two entries leaves the stream.
      const kept = (await redis.xrange(stream, '-', '+')).slice(0, -2);
      expect(kept.at(-1)?.[0]).toBe(`0-${await eventIdOf(first)}`);
      await redis.del(stream);
      for (const [id, fields] of kept) await redis.xadd(stream, id, ...fields);
      const later = [await requestConvoy(), await requestConvoy()];
      await flush();
      const ids = (await redis.xrange(stream, '-', '+')).map(([id]) => id).slice(-5);
      expect(ids).toEqual(await Promise.all([first, ...lost, ...later].map(async (convoyId) => `0-${await eventIdOf(convoyId)}`)));
      const resumed = reader(feed, await eventIdOf(first));
      expect((await resumed.take(4)).map((event) => event.entityId)).toEqual([...lost, ...later]);
      resumed.stop();
    } finally {
      await feed.close();
    }
  });

  it('resumes after an id from the stream with exactly the missed events, and refuses one the stream was trimmed past', async () => {
    const feed = createEventFeed({ subgraphUrls: {}, sharedSecret: TEST_SHARED_SECRET, redisUrl: TEST_REDIS_URL, logger, keyPrefix });
    try {
      const seen = await requestConvoy();
      const missed = [await requestConvoy(), await requestConvoy()];
      await flush();
      const resumed = reader(feed, await eventIdOf(seen));
      expect((await resumed.take(2)).map((event) => event.entityId)).toEqual(missed);
      resumed.stop();
      // Trimmed to its last entry: `seen` and the first missed event are gone.
      await redis.xtrim(stream, 'MAXLEN', 1);
      const tooOld = reader(feed, await eventIdOf(seen));
      await expect(tooOld.next()).rejects.toBeInstanceOf(ResumeWindowExceededError);
    } finally {
      await feed.close();
    }
  });
});
