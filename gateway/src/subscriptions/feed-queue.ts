// What one subscriber of a feed waits on: events pushed by the feed's shared reader, in order, until it ends or fails.
import { compareEventIds, type ChangeEvent } from '@cmcc/contracts';

export interface FeedQueue {
  push(event: ChangeEvent): void;
  fail(error: Error): void;
  end(): void;
  /** The next event; null once ended; throws what `fail` was given. */
  next(): Promise<ChangeEvent | null>;
}

export function createFeedQueue(): FeedQueue {
  const events: ChangeEvent[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
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
      notify();
    },
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
