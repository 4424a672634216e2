// The EventFeed with REDIS_URL: the Redis stream each subgraph relays its events to (`cmcc:{events:<subgraph>}`,
// entry ids `0-<event id>`), so every gateway process sees every event. One reader per subgraph on a dedicated
// connection (XREAD BLOCK), started with the first local subscriber and stopped with the last; a resume reads the
// missed range with XRANGE, refused with RESUME_WINDOW_EXCEEDED when the stream was trimmed past it.
import type { Redis } from 'ioredis';
import { createRedis } from '@cmcc/platform';
import { CHANGE_EVENT_FIELD, changeEventStreamKey, eventIdOfEntry, ResumeWindowExceededError, streamEntryId, type ChangeEvent, type EventFeed } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { createFeedQueue, subscriberEvents, type FeedQueue } from './feed-queue.ts';

export interface RedisEventFeedOptions {
  redisUrl: string;
  logger: Logger;
  /** Key prefix of the streams (default `cmcc`; tests use their own). */
  keyPrefix?: string;
  /** How long one XREAD waits before it is issued again (default 5 s). */
  blockMs?: number;
}

export interface RedisEventFeed extends EventFeed {
  /** Resolves once the subgraph's reader has its starting position ("from now" is defined from then on). */
  connected(subgraph: string): Promise<void>;
}

type Entry = [id: string, fields: string[]];

interface Reader {
  readonly subgraph: string;
  readonly listeners: Set<FeedQueue>;
  position: string | null;
  started: Promise<string>;
  markStarted(position: string): void;
  connection: Redis | null;
  stopped: boolean;
}

const toEvent = ([, fields]: Entry): ChangeEvent => JSON.parse(fields[fields.indexOf(CHANGE_EVENT_FIELD) + 1]) as ChangeEvent;

export function createRedisEventFeed(options: RedisEventFeedOptions): RedisEventFeed {
  const { logger } = options;
  const key = (subgraph: string) => changeEventStreamKey(subgraph, options.keyPrefix);
  const redis = createRedis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis connection problem reading change events'));
  const readers = new Map<string, Reader>();
  let closed = false;

  const run = async (reader: Reader) => {
    const stream = key(reader.subgraph);
    const connection = redis.duplicate();
    connection.on('error', () => undefined);
    reader.connection = connection;
    while (!reader.stopped && !closed) {
      try {
        if (reader.position === null) {
          const [top] = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as Entry[];
          reader.position = top ? eventIdOfEntry(top[0]) : '0';
          reader.markStarted(reader.position);
        }
        const result = (await connection.xread('COUNT', 500, 'BLOCK', options.blockMs ?? 5_000, 'STREAMS', stream, streamEntryId(reader.position))) as [string, Entry[]][] | null;
        for (const entry of result?.[0]?.[1] ?? []) {
          const event = toEvent(entry);
          reader.position = event.id;
          for (const listener of reader.listeners) listener.push(event);
        }
      } catch (error) {
        if (reader.stopped || closed) break;
        logger.warn({ subgraph: reader.subgraph, err: (error as Error).message }, 'reading change events from Redis failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
      }
    }
    connection.disconnect();
  };

  const readerOf = (subgraph: string): Reader => {
    let reader = readers.get(subgraph);
    if (!reader) {
      let markStarted!: (position: string) => void;
      const started = new Promise<string>((resolve) => (markStarted = resolve));
      reader = { subgraph, listeners: new Set(), position: null, started, markStarted, connection: null, stopped: false };
      readers.set(subgraph, reader);
    }
    return reader;
  };
  const leave = (reader: Reader, queue: FeedQueue) => {
    reader.listeners.delete(queue);
    if (reader.listeners.size === 0 && readers.get(reader.subgraph) === reader) {
      readers.delete(reader.subgraph);
      reader.stopped = true;
      reader.connection?.disconnect();
    }
  };

  /** The entries after `afterId` up to `until`; refused when the stream no longer holds all of them. */
  async function* range(subgraph: string, afterId: string, until: string): AsyncGenerator<ChangeEvent> {
    const stream = key(subgraph);
    const info = (await redis.call('XINFO', 'STREAM', stream)) as unknown[];
    const field = (name: string) => info[info.indexOf(name) + 1];
    // Trimming (MAXLEN) leaves max-deleted-entry-id alone; entries added beyond those kept says the stream lost some.
    const trimmed = Number(field('entries-added')) > Number(field('length')) || eventIdOfEntry(String(field('max-deleted-entry-id') ?? '0-0')) !== '0';
    const first = field('first-entry') as Entry | null;
    if (trimmed && first && BigInt(eventIdOfEntry(first[0])) > BigInt(afterId) + 1n) {
      throw new ResumeWindowExceededError(subgraph, afterId, eventIdOfEntry(first[0]));
    }
    let cursor = `(${streamEntryId(afterId)}`;
    for (;;) {
      const entries = (await redis.xrange(stream, cursor, streamEntryId(until), 'COUNT', 500)) as Entry[];
      for (const entry of entries) yield toEvent(entry);
      if (entries.length < 500) return;
      cursor = `(${entries[entries.length - 1][0]}`;
    }
  }

  return {
    subscribe(subgraph, afterId, signal) {
      const reader = readerOf(subgraph);
      const queue = createFeedQueue();
      const position = reader.position;
      const first = reader.listeners.size === 0;
      reader.listeners.add(queue);
      if (first) {
        void run(reader);
      }
      return subscriberEvents({
        queue,
        signal,
        position,
        started: reader.started,
        afterId,
        backlog: (afterId, until) => range(subgraph, afterId, until),
        leave: () => leave(reader, queue),
        closed,
      });
    },
    connected: (subgraph) => readerOf(subgraph).started.then(() => undefined),
    async close() {
      closed = true;
      for (const reader of readers.values()) {
        reader.stopped = true;
        reader.connection?.disconnect();
        for (const listener of reader.listeners) listener.end();
      }
      readers.clear();
      redis.disconnect();
    },
  };
}
