// `npm run bench -- subscriptions`: events per second delivered to many concurrent graphql-ws subscribers through the
// gateway, and the publish→deliver latency (p50/p99), on loopback. Events are published into the gateway's in-memory
// feed; each is resolved per group of identical subscribers (principal, document, variables) by the in-test subgraphs
// of test/support/live-gateway.ts (a convoy from one, its crossing and incidents from two others).
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { CLEARED, CONVOY_SUBSCRIPTION, startLiveGateway } from '@cmcc/test-support/live-gateway';

export interface SubscriptionBenchOptions {
  /** Concurrent subscribers, each on its own WebSocket connection. */
  readonly subscribers: number;
  /** Distinct principals among them: each is one group, so one execution (three subgraph fetches) per event. */
  readonly principals: number;
  /** Events published. */
  readonly events: number;
}

/** Events sent one at a time for the latency figures. */
const LATENCY_EVENTS = 30;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function benchSubscriptions(options: SubscriptionBenchOptions): Promise<void> {
  console.log(`## Subscriptions: ${options.subscribers} graphql-ws subscribers (${options.principals} principals), ${options.events} events\n`);
  const live = await startLiveGateway({ GATEWAY_SUBSCRIPTIONS_PER_PRINCIPAL: String(options.subscribers), LOG_LEVEL: 'warn' });
  const tokens = await Promise.all(Array.from({ length: options.principals }, (_, n) => live.token({ ...CLEARED, sub: `bench-${n}` })));
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let lastDeliveryAt = 0;
  const clients: Client[] = [];
  try {
    for (let n = 0; n < options.subscribers; n++) {
      const client = createClient({
        url: live.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${tokens[n % tokens.length]}` },
        retryAttempts: 0,
      });
      clients.push(client);
      client.subscribe(
        { query: CONVOY_SUBSCRIPTION },
        {
          next: (result) => {
            const at = performance.now();
            const sent = publishedAt.get(String((result.extensions as { eventId?: string } | undefined)?.eventId));
            if (sent !== undefined) latencies.push(at - sent);
            delivered++;
            lastDeliveryAt = at;
          },
          error: (error) => console.error('subscriber failed:', error),
          complete: () => undefined,
        },
      );
      // In batches: a thousand connections at once would overflow the listen backlog (ECONNRESET).
      if ((n + 1) % 100 === 0 || n + 1 === options.subscribers) {
        await waitUntil(() => live.gateway.subscriptions!.open() === n + 1, 60_000, `${n + 1} subscribers to be subscribed`);
      }
    }

    // Throughput: every event published at once, delivered as fast as the gateway can.
    const started = performance.now();
    for (let n = 0; n < options.events; n++) {
      const event = live.change(`bench-${n % 50}`, { status: `S${n}` });
      publishedAt.set(event.id, performance.now());
    }
    const expected = options.events * options.subscribers;
    await waitUntil(() => delivered >= expected, 300_000, `${expected} deliveries`);
    const seconds = (lastDeliveryAt - started) / 1000;
    const fetchesPerEvent = (live.fetches.convoys + live.fetches.crossings + live.fetches.incidents) / options.events;
    // Latency: one event at a time, the next once every subscriber has the previous one (no queueing behind a burst).
    latencies.length = 0;
    for (let n = 0; n < LATENCY_EVENTS; n++) {
      const target = delivered + options.subscribers;
      const event = live.change(`latency-${n}`, { status: `L${n}` });
      publishedAt.set(event.id, performance.now());
      await waitUntil(() => delivered >= target, 60_000, `event ${event.id} to reach every subscriber`);
    }
    latencies.sort((a, b) => a - b);
    console.log('| subscribers | principals | events | deliveries | seconds | deliveries/s | subgraph fetches per event | p50 publish→deliver | p99 publish→deliver |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${options.subscribers} | ${options.principals} | ${options.events} | ${expected} | ${seconds.toFixed(2)} | ${Math.round(expected / seconds)} | ${fetchesPerEvent.toFixed(1)} | ${percentile(latencies, 50).toFixed(1)} ms | ${percentile(latencies, 99).toFixed(1)} ms |`,
    );
    console.log(
      `\nThroughput: ${options.events} events published at once. Latency: ${LATENCY_EVENTS} events one at a time, each to all ${options.subscribers} subscribers ` +
        '(the gateway, the three subgraphs and every client share this process and machine).',
    );
    console.log();
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await live.close();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`The subscriptions benchmark gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
