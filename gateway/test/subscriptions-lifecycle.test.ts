import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '@cmcc/test-support/eventually';
import { CLEARED, CONVOY_SUBSCRIPTION, startLiveGateway, type LiveGateway } from '@cmcc/test-support/live-gateway';
import { nexts, openSse, receivedAtLeast, subscribeWs, wsClient } from '@cmcc/test-support/live-clients';

let live: LiveGateway;

beforeAll(async () => {
  live = await startLiveGateway(
    { GATEWAY_SUBSCRIPTIONS_PER_CONNECTION: '2', GATEWAY_SUBSCRIPTIONS_PER_PRINCIPAL: '3', GATEWAY_CORS_ORIGINS: 'https://floor.cmcc.example' },
    { retain: 5 },
  );
});
afterAll(() => live?.close());

const openCount = (count: number) =>
  eventually(
    () => live.gateway.subscriptions!.open(),
    (open) => open === count,
  );

describe('subscription lifecycle', () => {
  it('ends the subscription with UNAUTHENTICATED when the token expires', async () => {
    const client = wsClient(live.wsUrl, await live.token({ ...CLEARED, sub: 'short-lived' }, '2s'));
    const { received, state } = subscribeWs(client, CONVOY_SUBSCRIPTION);
    const last = await eventually(
      () => received.at(-1),
      (result) => result?.errors !== undefined,
    );
    expect(last?.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(last?.errors?.[0].message).toMatch(/token expired/);
    await eventually(() => state.completed || state.error !== undefined, Boolean);
    const audit = await live.subscriptionAudit();
    const ended = audit.find((event) => event.principal?.subject === 'short-lived' && event.subscription?.phase === 'end');
    expect(ended?.subscription?.reason).toBe('token expired or revoked');
    expect(ended?.outcome.errorCodes).toEqual(['UNAUTHENTICATED']);
    await client.dispose();
  });

  it('resumes after the last event id with exactly the events missed, in order (WebSocket and SSE)', async () => {
    await openCount(0);
    const seen = live.change('r1', { status: 'A' });
    const missed = [live.change('r2', { status: 'B' }), live.change('r1', { status: 'C' })];
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const { received, dispose } = subscribeWs(client, CONVOY_SUBSCRIPTION, {}, { lastEventId: seen.id });
    await receivedAtLeast(received, 2);
    const after = live.change('r3', { status: 'D' });
    await receivedAtLeast(received, 3);
    expect(received.map((r) => r.extensions?.eventId)).toEqual([...missed.map((e) => e.id), after.id]);
    expect(received.map((r) => r.data?.convoyUpdated.status)).toEqual(['B', 'C', 'D']);
    dispose();
    await client.dispose();

    const stream = await openSse(`${live.url}/graphql/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await live.token(CLEARED)}`, 'content-type': 'application/json', 'last-event-id': missed[0].id },
      body: JSON.stringify({ query: CONVOY_SUBSCRIPTION }),
    });
    expect(stream.response.status).toBe(200);
    const events = await eventually(
      () => stream.events.filter((event) => event.event === 'next'),
      (list) => list.length >= 2,
    );
    expect(events.map((event) => event.id)).toEqual([missed[1].id, after.id]);
    stream.close();
  });

  it('answers a resume older than the feed keeps with RESUME_WINDOW_EXCEEDED', async () => {
    for (let n = 0; n < 6; n++) live.change('w1', { status: `S${n}` });
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const { received } = subscribeWs(client, CONVOY_SUBSCRIPTION, {}, { lastEventId: '1' });
    const [result] = await receivedAtLeast(received, 1);
    expect(result.errors?.[0].extensions?.code).toBe('RESUME_WINDOW_EXCEEDED');
    await client.dispose();
  });

  it('limits subscriptions per connection', async () => {
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const first = subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'A1' });
    const second = subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'A2' });
    const third = subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'A3' });
    const error = await eventually(
      () => third.state.error as { extensions?: { code?: string } }[] | undefined,
      (value) => value !== undefined,
    );
    expect(error?.[0].extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(first.state.error ?? second.state.error).toBeUndefined();
    await client.dispose();
  });

  it('limits subscriptions per principal across connections', async () => {
    const token = await live.token({ ...CLEARED, sub: 'capped-analyst' });
    const [one, two] = [wsClient(live.wsUrl, token), wsClient(live.wsUrl, token)];
    const held = [
      subscribeWs(one, CONVOY_SUBSCRIPTION, { area: 'B1' }),
      subscribeWs(one, CONVOY_SUBSCRIPTION, { area: 'B2' }),
      subscribeWs(two, CONVOY_SUBSCRIPTION, { area: 'B3' }),
    ];
    await openCount(3);
    const refused = subscribeWs(two, CONVOY_SUBSCRIPTION, { area: 'B4' });
    const error = await eventually(
      () => refused.state.error as { extensions?: { code?: string } }[] | undefined,
      (value) => value !== undefined,
    );
    expect(error?.[0].extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(held.map(({ state }) => state.error)).toEqual([undefined, undefined, undefined]);
    await Promise.all([one.dispose(), two.dispose()]);
    await openCount(0);
  });

  it('audits the start and the end of a subscription with the events delivered', async () => {
    const client = wsClient(live.wsUrl, await live.token({ ...CLEARED, sub: 'audited-analyst' }));
    const { received, dispose } = subscribeWs(client, CONVOY_SUBSCRIPTION);
    await openCount(1);
    live.change('a1', { status: 'X' });
    live.change('a2', { status: 'Y' });
    await receivedAtLeast(received, 2);
    dispose();
    const events = await eventually(
      async () => (await live.subscriptionAudit()).filter((event) => event.principal?.subject === 'audited-analyst').sort((a, b) => a.seq - b.seq),
      (list) => list.length >= 2,
    );
    expect(events.map((event) => event.subscription?.phase)).toEqual(['start', 'end']);
    expect(events[1].subscription).toMatchObject({ transport: 'ws', subgraph: 'convoys', delivered: 2, reason: 'completed by the client' });
    expect(events[0].operation).toMatchObject({ type: 'subscription', name: 'Convoys' });
    await client.dispose();
  });

  it('refuses a WebSocket from an origin GATEWAY_CORS_ORIGINS does not list, and takes one it lists', async () => {
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(live.wsUrl, 'graphql-transport-ws', { origin });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
      });
    expect(await status('https://evil.example')).toBe(403);
    expect(await status('https://floor.cmcc.example')).toBe(101);
  });

  it('serves EventSource with a single-use stream ticket (no bearer token in the URL)', async () => {
    const token = await live.token(CLEARED);
    const issued = await fetch(`${live.url}/graphql/stream/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(issued.status).toBe(201);
    const { ticket } = (await issued.json()) as { ticket: string };
    const url = `${live.url}/graphql/stream?query=${encodeURIComponent(CONVOY_SUBSCRIPTION)}&ticket=${ticket}`;
    const stream = await openSse(url);
    expect(stream.response.status).toBe(200);
    await openCount(1);
    const event = live.change('t1', { status: 'ARRIVED' });
    const [result] = await eventually(
      () => nexts(stream.events),
      (list) => list.length >= 1,
    );
    expect(result.data?.convoyUpdated.status).toBe('ARRIVED');
    expect(stream.events.find((e) => e.event === 'next')?.id).toBe(event.id);
    stream.close();
    const again = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(again.status).toBe(401);
    await openCount(0);
  });
});
