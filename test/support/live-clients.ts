// The test's clients of live subscriptions: the real graphql-ws client over `ws`, and a raw SSE reader over fetch.
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { eventually } from './eventually.ts';

export interface Received {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { eventId?: string };
}

/** A graphql-ws client authenticating with connection_init's payload (or, with `headers`, the upgrade request). */
export function wsClient(
  url: string,
  token: string | null,
  options: { headers?: Record<string, string>; onClosed?: (event: { code: number; reason: string }) => void } = {},
): Client {
  return createClient({
    url,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: options.headers });
      }
    },
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => options.onClosed?.(event as { code: number; reason: string }) },
  });
}

/** One subscription of a graphql-ws client: what it received, and how it ended. */
export function subscribeWs(client: Client, query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>) {
  const received: Received[] = [];
  const state: { completed: boolean; error: unknown } = { completed: false, error: undefined };
  const dispose = client.subscribe(
    { query, variables, extensions },
    {
      next: (value) => void received.push(value as Received),
      error: (error) => void (state.error = error),
      complete: () => void (state.completed = true),
    },
  );
  return { received, state, dispose };
}

/** Waits until `count` results arrived. */
export async function receivedAtLeast(received: Received[], count: number): Promise<Received[]> {
  return eventually(
    () => received,
    (list) => list.length >= count,
  );
}

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** Reads an event stream with fetch, event by event (as EventSource would, with `id:` and `retry:`). */
export async function openSse(url: string, init: RequestInit = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal, headers: { accept: 'text/event-stream', ...(init.headers as Record<string, string>) } });
  const events: SseEvent[] = [];
  const state = { ended: false };
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event: SseEvent = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':') || line === '') continue;
              const at = line.indexOf(':');
              const field = line.slice(0, at) as keyof SseEvent;
              event[field] = line.slice(at + 1).replace(/^ /, '');
            }
            if (Object.keys(event).length > 0) events.push(event);
          }
        }
      } catch {
        // aborted
      }
      state.ended = true;
    })();
  }
  return { response, events, state, close: () => controller.abort() };
}

/** The `next` events' payloads of a stream. */
export const nexts = (events: SseEvent[]): Received[] => events.filter((event) => event.event === 'next').map((event) => JSON.parse(event.data ?? '{}') as Received);
