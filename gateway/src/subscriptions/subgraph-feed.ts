// The embedded default EventFeed: each subgraph's own `GET /events` stream. One upstream connection per subgraph,
// opened when its first local subscriber arrives, shared by all of them, reconnecting after its last event id, and
// closed when the last one leaves. A resume fetches the missed range (`after`..`until`) on a connection of its own.
import { EVENT_STREAM_PATH, PRINCIPAL_HEADER, ResumeWindowExceededError, signPrincipal, type ChangeEvent, type EventFeed, type Principal } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { createFeedQueue, subscriberEvents, type FeedQueue } from './feed-queue.ts';
import { readEventStream } from './event-stream-reader.ts';

/** Who the gateway is when it reads event streams: events name records and carry none of their fields. */
const FEED_PRINCIPAL: Principal = Object.freeze({
  subject: 'gateway:event-feed',
  nation: null,
  organization: null,
  workingGroups: [],
  roles: [],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: false,
  caveats: [],
});

export interface SubgraphEventFeedOptions {
  /** Base URL of each subgraph by name (its GraphQL URL works too: `/graphql` is dropped). */
  subgraphUrls: Readonly<Record<string, string>>;
  sharedSecret: Uint8Array;
  logger: Logger;
  /** Longest wait between reconnection attempts (default 5 s). */
  maxReconnectDelayMs?: number;
}

export interface SubgraphEventFeed extends EventFeed {
  /** Resolves once the subgraph's upstream stream is open (from then on "from now" has a position). */
  connected(subgraph: string): Promise<void>;
}

interface Upstream {
  readonly subgraph: string;
  readonly listeners: Set<FeedQueue>;
  /** The id of the last event received, or where the stream started; null until first connected. */
  position: string | null;
  started: Promise<string>;
  markStarted(position: string): void;
  abort: AbortController;
}

interface RefusalBody {
  errors?: { message?: string; extensions?: { code?: string; oldestRetainedId?: string | null } }[];
}

export function createSubgraphEventFeed(options: SubgraphEventFeedOptions): SubgraphEventFeed {
  const { logger } = options;
  const upstreams = new Map<string, Upstream>();
  let closed = false;

  const baseUrl = (subgraph: string) => {
    const url = options.subgraphUrls[subgraph];
    if (!url) throw new Error(`No subgraph named ${subgraph} publishes change events to this gateway`);
    return url.replace(/\/graphql\/?$/, '').replace(/\/$/, '');
  };
  const open = async (subgraph: string, query: string, signal: AbortSignal) =>
    fetch(`${baseUrl(subgraph)}${EVENT_STREAM_PATH}${query}`, {
      headers: { accept: 'text/event-stream', [PRINCIPAL_HEADER]: await signPrincipal(FEED_PRINCIPAL, options.sharedSecret, subgraph) },
      signal,
    });
  const refusal = async (subgraph: string, afterId: string, response: Response): Promise<Error> => {
    const body = (await response.json().catch(() => ({}))) as RefusalBody;
    const error = body.errors?.[0];
    if (response.status === 410) return new ResumeWindowExceededError(subgraph, afterId, error?.extensions?.oldestRetainedId ?? null);
    return new Error(`${subgraph} refused its event stream (HTTP ${response.status}): ${error?.message ?? 'no message'}`);
  };

  const run = async (upstream: Upstream) => {
    const { subgraph } = upstream;
    let delay = 100;
    while (upstream.listeners.size > 0 && !closed && !upstream.abort.signal.aborted) {
      try {
        const after = upstream.position;
        const response = await open(subgraph, after ? `?after=${after}` : '', upstream.abort.signal);
        if (response.status !== 200) {
          const error = await refusal(subgraph, after ?? '0', response);
          if (!(error instanceof ResumeWindowExceededError)) throw error;
          // Away longer than the subgraph keeps events: its subscribers must reload; the stream starts afresh.
          for (const listener of upstream.listeners) listener.fail(error);
          upstream.position = null;
          continue;
        }
        for await (const frame of readEventStream(response.body!)) {
          if (frame.kind === 'comment') {
            const start = /events after (\d+)$/.exec(frame.text)?.[1];
            if (start !== undefined) {
              upstream.position ??= start;
              upstream.markStarted(upstream.position);
              delay = 100;
            }
            continue;
          }
          upstream.position = frame.event.id;
          for (const listener of upstream.listeners) listener.push(frame.event);
        }
      } catch (error) {
        if (upstream.abort.signal.aborted || closed) break;
        logger.warn({ subgraph, err: (error as Error).message, retryInMs: delay }, 'change event stream unavailable; reconnecting after the last event id');
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, options.maxReconnectDelayMs ?? 5_000);
    }
  };

  const upstreamOf = (subgraph: string): Upstream => {
    let upstream = upstreams.get(subgraph);
    if (!upstream) {
      let markStarted!: (position: string) => void;
      const started = new Promise<string>((resolve) => (markStarted = resolve));
      upstream = { subgraph, listeners: new Set(), position: null, started, markStarted, abort: new AbortController() };
      upstreams.set(subgraph, upstream);
    }
    return upstream;
  };
  const leave = (upstream: Upstream, queue: FeedQueue) => {
    upstream.listeners.delete(queue);
    if (upstream.listeners.size === 0 && upstreams.get(upstream.subgraph) === upstream) {
      upstreams.delete(upstream.subgraph);
      upstream.abort.abort();
    }
  };

  /** The events after `afterId` up to `until`, from a connection of their own. */
  async function* range(subgraph: string, afterId: string, until: string, signal: AbortSignal): AsyncGenerator<ChangeEvent> {
    const response = await open(subgraph, `?after=${afterId}&until=${until}`, signal);
    if (response.status !== 200) throw await refusal(subgraph, afterId, response);
    for await (const frame of readEventStream(response.body!)) if (frame.kind === 'event') yield frame.event;
  }

  return {
    subscribe(subgraph, afterId, signal) {
      baseUrl(subgraph);
      const upstream = upstreamOf(subgraph);
      const queue = createFeedQueue();
      // Registered now: from here on every event the upstream receives is queued for this subscriber.
      const position = upstream.position;
      const first = upstream.listeners.size === 0;
      upstream.listeners.add(queue);
      if (first) void run(upstream);
      return subscriberEvents({
        queue,
        signal,
        position,
        started: upstream.started,
        afterId,
        backlog: (afterId, until) => range(subgraph, afterId, until, signal),
        leave: () => leave(upstream, queue),
        closed,
      });
    },
    connected: (subgraph) => upstreamOf(subgraph).started.then(() => undefined),
    async close() {
      closed = true;
      for (const upstream of upstreams.values()) {
        upstream.abort.abort();
        for (const listener of upstream.listeners) listener.end();
      }
      upstreams.clear();
    },
  };
}
