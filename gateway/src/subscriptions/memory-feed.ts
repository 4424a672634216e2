// An EventFeed held in memory: what tests publish into, and the model the other feeds (a subgraph's own `/events`
// stream, Redis Streams) behave like. Keeps the last `retain` events of each subgraph for resumes.
import { compareEventIds, ResumeWindowExceededError, type ChangeEvent, type EventFeed } from '@cmcc/contracts';

export interface MemoryEventFeed extends EventFeed {
  /** Appends an event to its subgraph's feed and hands it to every current subscriber of that subgraph. */
  publish(event: ChangeEvent): void;
}

interface Listener {
  push(event: ChangeEvent): void;
  end(): void;
}

export function createMemoryEventFeed(options: { retain?: number } = {}): MemoryEventFeed {
  const retain = options.retain ?? 10_000;
  const logs = new Map<string, ChangeEvent[]>();
  const trimmed = new Map<string, boolean>();
  const listeners = new Map<string, Set<Listener>>();
  let closed = false;

  return {
    publish(event) {
      const log = logs.get(event.subgraph) ?? [];
      logs.set(event.subgraph, log);
      log.push(event);
      if (log.length > retain) {
        log.splice(0, log.length - retain);
        trimmed.set(event.subgraph, true);
      }
      for (const listener of listeners.get(event.subgraph) ?? []) listener.push(event);
    },
    subscribe(subgraph, afterId, signal) {
      const log = logs.get(subgraph) ?? [];
      // Registered now, so an event published before the first next() is not lost.
      const queue: ChangeEvent[] = [];
      let failure: Error | null = null;
      if (afterId !== null) {
        const oldest = log[0];
        if (trimmed.get(subgraph) && oldest !== undefined && compareEventIds(afterId, oldest.id) < 0) {
          failure = new ResumeWindowExceededError(subgraph, afterId, oldest.id);
        } else {
          queue.push(...log.filter((event) => compareEventIds(event.id, afterId) > 0));
        }
      }
      let wake: (() => void) | null = null;
      let ended = closed || signal.aborted;
      const listener: Listener = {
        push(event) {
          queue.push(event);
          wake?.();
        },
        end() {
          ended = true;
          wake?.();
        },
      };
      const set = listeners.get(subgraph) ?? new Set<Listener>();
      listeners.set(subgraph, set);
      set.add(listener);
      const stop = () => {
        set.delete(listener);
        listener.end();
      };
      signal.addEventListener('abort', stop, { once: true });
      return {
        async *[Symbol.asyncIterator]() {
          try {
            if (failure) throw failure;
            while (true) {
              const next = queue.shift();
              if (next) {
                yield next;
                continue;
              }
              if (ended) return;
              await new Promise<void>((resolve) => (wake = resolve));
              wake = null;
            }
          } finally {
            stop();
            signal.removeEventListener('abort', stop);
          }
        },
      };
    },
    async close() {
      closed = true;
      for (const set of listeners.values()) for (const listener of [...set]) listener.end();
      listeners.clear();
    },
  };
}
