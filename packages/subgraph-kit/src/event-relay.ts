// With REDIS_URL a subgraph relays its change events to the Redis stream `cmcc:{events:<subgraph>}`, where every
// gateway process reads them. Each entry's id is `0-<record_change id>`: Redis refuses an id not above the stream's
// last, so when several replicas of the subgraph relay the same rows each event is added once, in order.
import { createRedis, streamLastIdLua } from '@cmcc/platform';
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

interface RelayCommand {
  cmccRelayEvents(key: string, ...args: string[]): Promise<unknown>;
}

/**
 * KEYS[1]: the stream; ARGV: the event id the stream must have reached, MAXLEN, the field, then entry id and event
 * pairs. Answers {1, last id} after appending the entries above the stream's end, or {0, where the stream ends} without
 * writing when it ends before the given id. Ids compare as numbers (`0-<event id>`); the last generated id counts, so
 * entries trimmed away still do.
 */
const RELAY_SCRIPT = `${streamLastIdLua('second')}if last < tonumber(ARGV[1]) then return {0, tostring(last)} end
for i = 4, #ARGV, 2 do
  local id = tonumber(string.match(ARGV[i], '%-(%d+)$'))
  if id > last then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[i], ARGV[3], ARGV[i + 1])
    last = id
  end
end
return {1, tostring(last)}
`;

/** Starts relaying after the stream's last entry (a fresh stream: after the last event written when the relay starts). */
export async function startEventRelay(options: EventRelayOptions): Promise<EventRelay> {
  const { db, subgraph, logger } = options;
  const key = changeEventStreamKey(subgraph, options.keyPrefix);
  const redis = createRedis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.defineCommand('cmccRelayEvents', { numberOfKeys: 1, lua: RELAY_SCRIPT });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis connection problem while relaying change events'));
  await redis.connect();
  const [top] = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
  // The tailer only wakes the relay; the relay keeps its own cursor, advanced once Redis has the entry, so an event
  // Redis refused (connection lost) is sent again on the next wake-up rather than lost.
  const tailer: ChangeTailer = await startChangeTailer({ db, subgraph, logger, pollMs: options.pollMs, afterId: top ? eventIdOfEntry(top[0]) : undefined });
  let relayed = tailer.lastId;
  // After every (re)connection, e.g. to the replica a Sentinel failover promoted: Redis replicates asynchronously, so
  // the new primary may lack the last entries the old one acknowledged. The database holds every event, so the relay
  // goes back to where the stream now ends (at most `maxLength` events back: the stream keeps no more) and sends them again.
  let checkTail = true;
  // The event the stream must have reached for the next batch to follow without a gap (normally `relayed`).
  let mustReach = relayed;
  redis.on('ready', () => void (checkTail = true));
  const rewindToStreamEnd = async () => {
    const ended = await streamLastEventId(redis, key);
    checkTail = false;
    if (BigInt(ended) >= BigInt(relayed)) return;
    const floor = BigInt(relayed) - BigInt(options.maxLength);
    const from = (BigInt(ended) > floor ? BigInt(ended) : floor > 0n ? floor : 0n).toString();
    logger.warn(
      { stream: key, streamEndsAt: ended, relayedUpTo: relayed, relayingAgainAfter: from },
      'the change-event stream lost entries it had acknowledged (a Redis failover or restart); relaying them again from the database',
    );
    relayed = from;
    mustReach = ended;
  };
  const pump = async () => {
    if (checkTail) await rewindToStreamEnd();
    for (let gaps = 0; ;) {
      const events = await readChangeEvents(db, subgraph, relayed);
      if (events.length === 0) return;
      // One script per batch: appends the events the stream does not have yet, but only if it has every event up to
      // where this relay is; otherwise (entries lost in a failover after this relay sent them) it writes nothing and
      // answers where the stream ends, and the relay goes back there.
      const args = [mustReach, String(options.maxLength), CHANGE_EVENT_FIELD, ...events.flatMap((event) => [streamEntryId(event.id), JSON.stringify(event)])];
      const [appended] = (await (redis as unknown as RelayCommand).cmccRelayEvents(key, ...args)) as [number, string];
      if (appended === 0) {
        if (++gaps > 3) throw new Error(`the change-event stream ${key} keeps ending before event ${mustReach}`);
        await rewindToStreamEnd();
        continue;
      }
      relayed = mustReach = events[events.length - 1].id;
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

/** The event id of the last entry ever added to the stream (`last-generated-id`, so trimmed entries still count); '0' when there is no stream. */
async function streamLastEventId(redis: ReturnType<typeof createRedis>, key: string): Promise<string> {
  if ((await redis.exists(key)) === 0) return '0';
  const info = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  const at = info.indexOf('last-generated-id');
  return at >= 0 ? eventIdOfEntry(String(info[at + 1])) : '0';
}
