import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cmcc/platform';
import { createEventFeed } from '@cmcc/gateway/subscriptions/index';
import { startEventRelay, type EventRelay } from '@cmcc/test-support/change-events';
import { eventually } from '@cmcc/test-support/eventually';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { openSse, subscribeWs, wsClient } from '@cmcc/test-support/live-clients';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { convoyRequest, REQUEST_CONVOY } from '@cmcc/test-support/convoys';

/**
 * Live data end to end, with nothing injected: a real mutation in the humanitarian subgraph is written to its change
 * history, published on its own /events stream (the embedded default) or relayed to Redis Streams, read by the
 * gateway's feed, and delivered through graphql-ws or SSE with fields planned from three subgraphs, under rule v2 for
 * each subscriber.
 */

const US_EDITOR = { sub: 'us-editor', nation: 'USA', org: 'CMCC', wg: ['humanitarian'], clearance: 'SECRET', roles: ['editor'], scope: 'write:humanitarian read:*', cmcc: true };
/** Cleared SECRET, of a nation the secret convoy is released to (rule v2: GBR is in releasableTo). */
const GBR_OFFICER = { sub: 'gbr-officer', nation: 'GBR', clearance: 'SECRET', roles: ['member'], cmcc: true };
/** Cleared SECRET too, but FRA is neither in releasableTo [GBR] nor the originator (USA): the record is withheld. */
const FRA_OFFICER = { sub: 'fra-officer', nation: 'FRA', clearance: 'SECRET', roles: ['member'], cmcc: true };
const SECRET_REL_GBR = { classification: 'SECRET', releasableTo: ['GBR'], tlp: 'AMBER', originator: 'USA' };
const OPEN = { classification: 'UNCLASSIFIED', releasableTo: ['NATO', 'CMCC'], tlp: 'GREEN', originator: 'USA' };

// humanitarian's convoy, engineering's hazard status of its route, security's incidents on it.
const SUBSCRIPTION = `subscription {
  convoyUpdated { id status crossing { name } routeHazardStatus { level } incidents { id } marking { classification releasableTo } }
}`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

async function requestConvoy(marking: Record<string, unknown>): Promise<string> {
  const { data, errors } = await stack.query(REQUEST_CONVOY, { input: convoyRequest(marking) }, US_EDITOR);
  expect(errors).toBeUndefined();
  expect(data.requestConvoy.userErrors).toEqual([]);
  return data.requestConvoy.convoy.id as string;
}

describe("live subscriptions from a real mutation, through the subgraph's own event stream", () => {
  it('delivers a new convoy with fields from three subgraphs to the subscriber it is released to, and no event to one it is withheld from', async () => {
    const wsUrl = `${stack.gatewayUrl.replace(/^http/, 'ws')}/graphql`;
    const gbr = wsClient(wsUrl, await stack.token(GBR_OFFICER));
    const fra = wsClient(wsUrl, await stack.token(FRA_OFFICER));
    const seenByGbr = subscribeWs(gbr, SUBSCRIPTION);
    const seenByFra = subscribeWs(fra, SUBSCRIPTION);
    // The gateway opens humanitarian's event stream with the first subscription to it: a convoy written in the moment
    // before that stream is open is no event. Warm up with open convoys until both subscribers have had one.
    await eventually(
      () => stack.gateway.subscriptions.open(),
      (open) => open >= 2,
    );
    await eventually(
      async () => (seenByGbr.received.length > 0 && seenByFra.received.length > 0) || (await requestConvoy(OPEN), false),
      (ready) => ready,
    );
    const secret = await requestConvoy(SECRET_REL_GBR);
    const open = await requestConvoy(OPEN);

    const idsOf = (received: typeof seenByGbr.received) => received.map((event) => event.data?.convoyUpdated.id as string);
    await eventually(
      () => idsOf(seenByGbr.received),
      (ids) => ids.includes(open),
    );
    const gbrIds = idsOf(seenByGbr.received);
    expect(gbrIds.indexOf(secret)).toBeGreaterThanOrEqual(0);
    expect(gbrIds.indexOf(secret)).toBeLessThan(gbrIds.indexOf(open));
    for (const event of seenByGbr.received.filter((e) => [secret, open].includes(e.data?.convoyUpdated.id))) {
      expect(event.errors).toBeUndefined();
      expect(event.data?.convoyUpdated.crossing.name).toMatch(/Kerem Shalom/); // humanitarian
      expect(Array.isArray(event.data?.convoyUpdated.incidents)).toBe(true); // security
      expect(event.data?.convoyUpdated).toHaveProperty('routeHazardStatus'); // engineering
      expect(event.extensions?.eventId).toMatch(/^[1-9][0-9]*$/);
    }
    // FRA gets the open convoy's event (written after the secret one: events come in order) and none for the SECRET
    // REL GBR one: no empty event, no error.
    await eventually(
      () => idsOf(seenByFra.received),
      (ids) => ids.includes(open),
    );
    expect(idsOf(seenByFra.received)).not.toContain(secret);
    expect(seenByFra.received.every((event) => event.errors === undefined && event.data?.convoyUpdated)).toBe(true);
    seenByGbr.dispose();
    seenByFra.dispose();
    await gbr.dispose();
    await fra.dispose();
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('resume across two gateway processes sharing Redis', () => {
  const keyPrefix = `cmcc-test-${randomUUID()}`;
  let relay: EventRelay;
  let first: ExtraGateway;
  let second: ExtraGateway;
  const feedFor = () => createEventFeed({ subgraphUrls: {}, sharedSecret: TEST_SHARED_SECRET, redisUrl: TEST_REDIS_URL, logger: createLogger('feed', 'silent'), keyPrefix });

  beforeAll(async () => {
    relay = await startEventRelay({
      db: stack.subgraphs.humanitarian!.db,
      subgraph: 'humanitarian',
      redisUrl: TEST_REDIS_URL,
      logger: createLogger('relay', 'silent'),
      pollMs: 50,
      maxLength: 1000,
      keyPrefix,
    });
    first = await startGateway(stack, {}, { feed: feedFor() });
    second = await startGateway(stack, {}, { feed: feedFor() });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await relay?.stop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives a client reconnecting to the other gateway with its last event id exactly the events it missed, in order, once', async () => {
    const token = await stack.token(GBR_OFFICER);
    const open = (url: string, lastEventId?: string) =>
      openSse(`${url}/graphql/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        body: JSON.stringify({ query: SUBSCRIPTION }),
      });
    const nextEvents = (stream: Awaited<ReturnType<typeof open>>, count: number) =>
      eventually(
        () => stream.events.filter((event) => event.event === 'next'),
        (list) => list.length >= count,
      );

    const atFirst = await open(first.url);
    expect(atFirst.response.status).toBe(200);
    await eventually(
      () => first.gateway.subscriptions.open(),
      (n) => n >= 1,
    );
    // Its reader starts at the stream's end when it connects: write until an event written after that arrives.
    const seen: string[] = [];
    await eventually(
      async () => atFirst.events.some((event) => event.event === 'next') || (seen.push(await requestConvoy(OPEN)), false),
      (ready) => ready,
    );
    // The last convoy written was written after one that arrived, so after the reader connected: it arrives too.
    const lastSeen = await eventually(
      () => atFirst.events.find((event) => event.event === 'next' && JSON.parse(event.data!).data.convoyUpdated.id === seen.at(-1)),
      (event) => event !== undefined,
    ).then((event) => event!);
    atFirst.close(); // the connection drops

    const missed = [await requestConvoy(OPEN), await requestConvoy(SECRET_REL_GBR)];
    await relay.flush();
    const atSecond = await open(second.url, lastSeen.id);
    expect(atSecond.response.status).toBe(200);
    const resumed = await nextEvents(atSecond, 2);
    expect(resumed.map((event) => JSON.parse(event.data!).data.convoyUpdated.id)).toEqual(missed);
    expect(resumed.map((event) => BigInt(event.id!) > BigInt(lastSeen.id!))).toEqual([true, true]);
    // And it goes on live from there, with no repeat.
    const after = await requestConvoy(OPEN);
    const all = await nextEvents(atSecond, 3);
    expect(all.map((event) => JSON.parse(event.data!).data.convoyUpdated.id)).toEqual([...missed, after]);
    atSecond.close();
  });
});
