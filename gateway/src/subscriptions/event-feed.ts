// Which EventFeed a gateway reads change events through: Redis streams with REDIS_URL (every gateway process sees every
// event), else each subgraph's own `GET /events` stream.
import type { Logger } from '@cmcc/platform';
import { createRedisEventFeed, type RedisEventFeed } from './redis-feed.ts';
import { createSubgraphEventFeed, type SubgraphEventFeed } from './subgraph-feed.ts';

export interface EventFeedOptions {
  /** Base (or GraphQL) URL of each subgraph by name. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** The secret the gateway signs subgraph requests with (SUBGRAPH_SHARED_SECRET). */
  sharedSecret: Uint8Array;
  redisUrl?: string;
  logger: Logger;
  /** Redis key prefix (default `cmcc`). */
  keyPrefix?: string;
}

export function createEventFeed(options: EventFeedOptions): SubgraphEventFeed | RedisEventFeed {
  if (options.redisUrl) return createRedisEventFeed({ redisUrl: options.redisUrl, logger: options.logger, keyPrefix: options.keyPrefix });
  return createSubgraphEventFeed({ subgraphUrls: options.subgraphUrls, sharedSecret: options.sharedSecret, logger: options.logger });
}
