import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '@cmcc/test-support/eventually';
import { CLEARED, startLiveGateway, type LiveGateway } from '@cmcc/test-support/live-gateway';
import { openSse, subscribeWs, wsClient } from '@cmcc/test-support/live-clients';

const WITH_NOTES = 'subscription { convoyUpdated { id status notes } }';

let live: LiveGateway | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

/** A graphql-transport-ws client written by hand, so the test can stop reading its socket. */
async function rawSubscriber(url: string, token: string, query: string): Promise<WebSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.once('error', reject);
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      resolve();
    });
  });
  return socket;
}

describe('backpressure and shutdown', () => {
  it('drops a consumer that stops reading once its buffered bytes pass the limit, while another keeps receiving', async () => {
    live = await startLiveGateway({ GATEWAY_SUBSCRIPTIONS_MAX_BUFFERED_BYTES: '300000' });
    const gateway = live;
    const slow = await rawSubscriber(gateway.wsUrl, await gateway.token({ ...CLEARED, sub: 'slow-reader' }), WITH_NOTES);
    const client = wsClient(gateway.wsUrl, await gateway.token(CLEARED));
    const fast = subscribeWs(client, WITH_NOTES);
    await eventually(
      () => gateway.gateway.subscriptions!.open(),
      (open) => open === 2,
    );
    // The slow consumer stops reading: what the gateway sends it piles up in the kernel, then in the gateway. Each event
    // is bigger than half the limit, so a consumer that keeps up never has more than the limit waiting.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const notes = 'n'.repeat(200_000);
    let published = 0;
    const dropped = await eventually(
      async () => {
        gateway.change(`p${published++}`, { status: 'MOVING', notes });
        return (await gateway.subscriptionAudit()).find((event) => event.principal?.subject === 'slow-reader' && event.subscription?.phase === 'end');
      },
      (event) => event !== undefined,
      30_000,
      50,
    );
    expect(dropped?.subscription?.reason).toBe('slow consumer');
    expect(dropped?.outcome.errorCodes).toEqual(['SLOW_CONSUMER']);
    // The other subscriber is unaffected: it has every event, and gets the next one too.
    const after = gateway.change('after-drop', { status: 'ARRIVED', notes: 'short' });
    const received = await eventually(
      () => fast.received,
      (list) => list.some((result) => result.extensions?.eventId === after.id),
    );
    expect(received.map((result) => result.extensions?.eventId)).toEqual(Array.from({ length: published + 1 }, (_, n) => String(n + 1)));
    expect(gateway.gateway.subscriptions!.open()).toBe(1);
    fast.dispose();
    slow.terminate();
    await client.dispose();
  });

  it('completes every subscription on shutdown with a reconnect hint: close code 1012 (WebSocket), a last event with retry: (SSE)', async () => {
    live = await startLiveGateway({ GATEWAY_SUBSCRIPTIONS_RETRY_MS: '1500' });
    const gateway = live;
    const closed: { code: number; reason: string }[] = [];
    const client = wsClient(gateway.wsUrl, await gateway.token(CLEARED), { onClosed: (event) => closed.push(event) });
    subscribeWs(client, WITH_NOTES);
    const stream = await openSse(`${gateway.url}/graphql/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await gateway.token(CLEARED)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: WITH_NOTES }),
    });
    await eventually(
      () => gateway.gateway.subscriptions!.open(),
      (open) => open === 2,
    );
    await gateway.gateway.subscriptions!.stop();
    await eventually(
      () => closed.length + (stream.state.ended ? 1 : 0),
      (count) => count === 2,
    );
    expect(closed[0].code).toBe(1012);
    const last = stream.events.at(-1);
    expect(last?.retry).toBe('1500');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_RESTARTING' } }] });
    expect(gateway.gateway.subscriptions!.open()).toBe(0);
    await client.dispose();
  });
});
