// What one subscriber of a feed waits on: events pushed by the feed's shared reader, in order, until it ends or fails.
import { compareEventIds, type ChangeEvent } from '@cmcc/contracts';

export interface FeedQueue {
  push(event: ChangeEvent): void;
  fail(error: Error): void;
  end(): void;
  /** The next event; null once ended; throws what `fail` was given. */
  next(): Promise<ChangeEvent | null>;
  /** Settles when `end` is called (the feed closed, or the subscriber left). */
  readonly ended: Promise<void>;
}

export function createFeedQueue(): FeedQueue {
  const events: ChangeEvent[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  let markEnded!: () => void;
  const endedPromise = new Promise<void>((resolve) => (markEnded = resolve));
  const notify = () => {
    wake?.();
    wake = null;
  };
  return {
    push(event) {
      events.push(event);
      notify();
    },
    fail(error) {
      failure ??= error;
      notify();
    },
    end() {
      ended = true;
      markEnded();
      notify();
    },
    ended: endedPromise,
    async next() {
      for (;;) {
        if (failure) throw failure;
        const event = events.shift();
        if (event) return event;
        if (ended) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Yields a feed queue's events after `floor` (a resume's backlog already gave those up to it), each once. */
export async function* eventsAfter(queue: FeedQueue, floor: string): AsyncGenerator<ChangeEvent> {
  let last = floor;
  for (;;) {
    const event = await queue.next();
    if (!event) return;
    if (compareEventIds(event.id, last) <= 0) continue;
    last = event.id;
    yield event;
  }
}

/** The later of two event ids. */
export const laterId = (a: string, b: string) => (compareEventIds(a, b) >= 0 ? a : b);

export interface SubscriberOptions {
  queue: FeedQueue;
  signal: AbortSignal;
  /** The shared reader's position when the subscriber joined; null while it has none yet. */
  position: string | null;
  /** Resolves with the shared reader's starting position. */
  started: Promise<string>;
  afterId: string | null;
  /** The events after a resume's id up to the reader's start, read on their own. */
  backlog(afterId: string, until: string): AsyncIterable<ChangeEvent>;
  /** Called once when the subscriber's iteration ends. */
  leave(): void;
  /** The feed is already closed: the subscriber gets nothing. */
  closed: boolean;
}

/** One subscriber's events: a resume's backlog, then the queue's live events after it, until aborted or ended. */
export function subscriberEvents(options: SubscriberOptions): AsyncIterable<ChangeEvent> {
  const { queue, signal, position, started, afterId } = options;
  if (options.closed || signal.aborted) queue.end();
  const stop = () => queue.end();
  signal.addEventListener('abort', stop, { once: true });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        // Until the shared reader has its starting position: a feed closed (or a subscriber leaving) meanwhile ends this.
        const start = position ?? (await Promise.race([started, queue.ended.then(() => null)]));
        if (start === null) return;
        let floor = start;
        if (afterId !== null) {
          if (compareEventIds(afterId, start) < 0) yield* options.backlog(afterId, start);
          floor = laterId(afterId, start);
        }
        yield* eventsAfter(queue, floor);
      } finally {
        signal.removeEventListener('abort', stop);
        options.leave();
      }
    },
  };
}
