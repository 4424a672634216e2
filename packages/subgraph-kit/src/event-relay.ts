// With REDIS_URL a subgraph relays its change events to the Redis stream `cmcc:{events:<subgraph>}`, where every
// gateway process reads them. Each entry's id is `0-<record_change id>`: Redis refuses an id not above the stream's
// last, so when several replicas of the subgraph relay the same rows each event is added once, in order.
import { createRedis } from '@cmcc/platform';
import { CHANGE_EVENT_FIELD, changeEventStreamKey, eventIdOfEntry, streamEntryId } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import type { Database } from './db.ts';
import { readChangeEvents, startChangeTailer, type ChangeTailer } from './change-feed.ts';

export interface EventRelayOptions {
  db: Database;
  subgraph: string;
  redisUrl: string;
  logger: Logger;
  pollMs: number;
  /** About how many entries the stream keeps (`MAXLEN ~`). */
  maxLength: number;
  /** Key prefix (tests use their own). */
  keyPrefix?: string;
}

export interface EventRelay {
  /** Resolves once every event written so far has been relayed (tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const isAlreadyRelayed = (error: unknown) => error instanceof Error && /equal or smaller than the target stream top item/.test(error.message);

/** Starts relaying after the stream's last entry (a fresh stream: after the last event written when the relay starts). */
export async function startEventRelay(options: EventRelayOptions): Promise<EventRelay> {
  const { db, subgraph, logger } = options;
  const key = changeEventStreamKey(subgraph, options.keyPrefix);
  const redis = createRedis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis connection problem while relaying change events'));
  await redis.connect();
  const [top] = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
  // The tailer only wakes the relay; the relay keeps its own cursor, advanced once Redis has the entry, so an event
  // Redis refused (connection lost) is sent again on the next wake-up rather than lost.
  const tailer: ChangeTailer = await startChangeTailer({ db, subgraph, logger, pollMs: options.pollMs, afterId: top ? eventIdOfEntry(top[0]) : undefined });
  let relayed = tailer.lastId;
  const pump = async () => {
    for (;;) {
      const events = await readChangeEvents(db, subgraph, relayed);
      for (const event of events) {
        try {
          await redis.xadd(key, 'MAXLEN', '~', options.maxLength, streamEntryId(event.id), CHANGE_EVENT_FIELD, JSON.stringify(event));
        } catch (error) {
          if (!isAlreadyRelayed(error)) throw error;
        }
        relayed = event.id;
      }
      if (events.length < 500) return;
    }
  };
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  const wake = (): Promise<void> => {
    if (queued) return queued;
    const next = chain.then(async () => {
      queued = null;
      await pump().catch((error: unknown) => logger.error({ err: error, after: relayed }, 'relaying change events to Redis failed; retrying on the next poll'));
    });
    queued = chain = next;
    return next;
  };
  const unlisten = tailer.listen(() => void wake());
  const timer = setInterval(() => void wake(), options.pollMs);
  timer.unref();
  await wake();
  logger.info({ stream: key, after: relayed }, 'relaying change events to Redis');
  return {
    async flush() {
      await tailer.poll();
      await wake();
    },
    async stop() {
      unlisten();
      clearInterval(timer);
      tailer.stop();
      await chain;
      redis.disconnect();
    },
  };
}
