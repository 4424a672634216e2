import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@cmcc/test-support/eventually';
import { CLEARED, CONVOY_SUBSCRIPTION, SECRET_MARKING, startLiveGateway, UNCLEARED, type LiveGateway } from '@cmcc/test-support/live-gateway';
import { receivedAtLeast, subscribeWs, wsClient } from '@cmcc/test-support/live-clients';

let live: LiveGateway;

beforeAll(async () => {
  live = await startLiveGateway({ GATEWAY_SUBSCRIPTIONS_PER_CONNECTION: '3', GATEWAY_MAX_ALIASES: '3' });
});
afterAll(() => live?.close());

describe('federated subscriptions over graphql-ws', () => {
  it('delivers an event with fields from three subgraphs, fetched under the subscriber', async () => {
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const { received, dispose } = subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'PS0555' });
    await eventually(
      () => live.gateway.subscriptions!.open(),
      (open) => open === 1,
    );
    expect(await (await fetch(`${live.url}/metrics`)).text()).toMatch(/^cmcc_subscriptions_open(\{[^}]*\})? 1$/m);
    const event = live.change('c1', { status: 'AT_CROSSING', area: 'PS0555', crossingId: 'kerem-shalom' });
    const [first] = await receivedAtLeast(received, 1);
    expect(first).toEqual({
      data: { convoyUpdated: { id: 'c1', status: 'AT_CROSSING', crossing: { name: 'Kerem Shalom' }, incidents: [{ summary: 'Road damage near the crossing' }] } },
      extensions: { eventId: event.id },
    });
    expect(live.primaryPrincipals.at(-1)).toBe(CLEARED.sub);
    dispose();
    await client.dispose();
  });

  it('tries an event again while the working group fails to answer, and delivers it, in order, once it does', async () => {
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const { received, dispose } = subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'PS0777' });
    await eventually(
      () => live.gateway.subscriptions!.open(),
      (open) => open === 1,
    );
    const primaryBefore = live.fetches.primary;
    live.failNextPrimaryFetches(2);
    const failing = live.change('f1', { status: 'MOVING', area: 'PS0777' });
    const next = live.change('f2', { status: 'MOVING', area: 'PS0777' });
    await receivedAtLeast(received, 2);
    expect(received.map((r) => r.extensions?.eventId)).toEqual([failing.id, next.id]);
    // Two failed fetches of the first event, its third try, and the second event's one.
    expect(live.fetches.primary - primaryBefore).toBe(4);
    dispose();
    await client.dispose();
  });

  it('withholds a SECRET record from a subscriber cleared RESTRICTED (no event at all) while a SECRET-cleared one gets it', async () => {
    const cleared = wsClient(live.wsUrl, await live.token(CLEARED));
    const uncleared = wsClient(live.wsUrl, await live.token(UNCLEARED));
    const seenByCleared = subscribeWs(cleared, CONVOY_SUBSCRIPTION);
    const seenByUncleared = subscribeWs(uncleared, CONVOY_SUBSCRIPTION);
    await eventually(
      () => live.gateway.subscriptions!.open(),
      (open) => open === 2,
    );
    // The rule (docs/domain.md, rule v2, 2. clearance): a RESTRICTED clearance does not reach a SECRET record.
    const secret = live.change('s1', { status: 'MOVING', marking: SECRET_MARKING });
    const open = live.change('o1', { status: 'MOVING' });
    await receivedAtLeast(seenByCleared.received, 2);
    await receivedAtLeast(seenByUncleared.received, 1);
    expect(seenByCleared.received.map((r) => r.extensions?.eventId)).toEqual([secret.id, open.id]);
    // The open event came after the secret one; by then the uncleared subscriber has had every event it will get.
    expect(seenByUncleared.received.map((r) => r.extensions?.eventId)).toEqual([open.id]);
    expect(seenByUncleared.received.every((r) => r.data?.convoyUpdated?.id !== 's1')).toBe(true);
    seenByCleared.dispose();
    seenByUncleared.dispose();
    await Promise.all([cleared.dispose(), uncleared.dispose()]);
  });

  it('serves identical subscribers (principal, document, variables) with one fetch per event', async () => {
    const clients = await Promise.all([1, 2, 3].map(async () => wsClient(live.wsUrl, await live.token(CLEARED))));
    const subscriptions = clients.map((client) => subscribeWs(client, CONVOY_SUBSCRIPTION, { area: 'PS0999' }));
    await eventually(
      () => live.gateway.subscriptions!.open(),
      (open) => open === 3,
    );
    const before = { ...live.fetches };
    live.change('g1', { status: 'MOVING', area: 'PS0999' });
    for (const { received } of subscriptions) await receivedAtLeast(received, 1);
    expect(live.fetches.primary - before.primary).toBe(1);
    expect(live.fetches.crossings - before.crossings).toBe(1);
    expect(live.fetches.incidents - before.incidents).toBe(1);
    for (const { dispose } of subscriptions) dispose();
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('refuses a subscription field the principal lacks the scope for (@requiresScopes), and an unknown field', async () => {
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const forbidden = subscribeWs(client, 'subscription { administeredConvoyUpdated { id } }');
    const unknown = subscribeWs(client, 'subscription { noSuchField { id } }');
    await eventually(
      () => [forbidden.state.error, unknown.state.error],
      (errors) => errors.every(Boolean),
    );
    expect((forbidden.state.error as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect((unknown.state.error as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await client.dispose();
  });

  it('refuses a subscription beyond the operation limits (GATEWAY_MAX_ALIASES), as a query would be', async () => {
    const client = wsClient(live.wsUrl, await live.token(CLEARED));
    const tooWide = subscribeWs(client, 'subscription { convoyUpdated { a: id b: id c: id d: id } }');
    const error = await eventually(
      () => tooWide.state.error as { extensions?: { code?: string; limit?: string } }[] | undefined,
      (value) => value !== undefined,
    );
    expect(error?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases' });
    await client.dispose();
  });

  it('refuses a connection without a valid credential', async () => {
    const closed: { code: number }[] = [];
    const client = wsClient(live.wsUrl, 'not-a-token', { onClosed: (event) => closed.push(event) });
    const { state } = subscribeWs(client, CONVOY_SUBSCRIPTION);
    await eventually(
      () => state.error,
      (error) => error !== undefined,
    );
    expect(closed[0]?.code).toBe(4403);
    await client.dispose();
  });
});
