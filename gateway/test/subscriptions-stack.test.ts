// Live subscriptions through the real working groups: the humanitarian subgraph's convoyUpdated (resolved per change
// event under rule v2), with fields from engineering (routeHazardStatus) and security (incidents) planned in the same
// subscription. Events come from an in-memory feed, as the subgraphs' own feeds would hand them over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '@cmcc/contracts';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { createMemoryEventFeed } from '@cmcc/gateway/subscriptions/index';
import { receivedAtLeast, subscribeWs, wsClient } from '@cmcc/test-support/live-clients';
import { eventually } from '@cmcc/test-support/eventually';
import { convoyRequest, REQUEST_CONVOY } from '@cmcc/test-support/convoys';

const US_EDITOR = { sub: 'us-editor', nation: 'USA', org: 'CMCC', wg: ['humanitarian'], clearance: 'SECRET', roles: ['editor'], scope: 'write:humanitarian read:*', cmcc: true };
/** Cleared SECRET, of a nation the secret convoy is released to (rule v2, 3: GBR is in releasableTo). */
const GBR_OFFICER = { sub: 'gbr-officer', nation: 'GBR', clearance: 'SECRET', roles: ['member'], cmcc: true };
/** Cleared SECRET too, but FRA is neither in releasableTo [GBR] nor the originator (USA): withheld (rule v2, 3). */
const FRA_OFFICER = { sub: 'fra-officer', nation: 'FRA', clearance: 'SECRET', roles: ['member'], cmcc: true };

const SUBSCRIPTION = `subscription {
  convoyUpdated { id status crossing { name } routeHazardStatus { level } incidents { id } marking { classification releasableTo } }
}`;

let stack: TestStack;
let gateway: ExtraGateway;
const feed = createMemoryEventFeed();
let nextId = 1;

async function requestConvoy(marking: Record<string, unknown>): Promise<string> {
  const { data, errors } = await stack.query(REQUEST_CONVOY, { input: convoyRequest(marking) }, US_EDITOR);
  expect(errors).toBeUndefined();
  expect(data.requestConvoy.userErrors).toEqual([]);
  return data.requestConvoy.convoy.id as string;
}

function publish(entityId: string): ChangeEvent {
  const event: ChangeEvent = {
    id: String(nextId++),
    subgraph: 'humanitarian',
    entityType: 'Convoy',
    entityId,
    version: 2,
    operation: 'UPDATE',
    changedAt: new Date().toISOString(),
  };
  feed.publish(event);
  return event;
}

beforeAll(async () => {
  stack = await startStack();
  gateway = await startGateway(stack, {}, { feed });
});
afterAll(async () => {
  await gateway?.close();
  await stack?.close();
});

describe('subscriptions over the working groups', () => {
  it('delivers a convoy with fields from humanitarian, engineering and security to a subscriber it is released to, and nothing to one it is withheld from', async () => {
    const secretConvoy = await requestConvoy({ classification: 'SECRET', releasableTo: ['GBR'], tlp: 'AMBER', originator: 'USA' });
    const openConvoy = await requestConvoy({ classification: 'UNCLASSIFIED', releasableTo: ['NATO', 'CMCC'], tlp: 'GREEN', originator: 'USA' });
    const wsUrl = `${gateway.url.replace(/^http/, 'ws')}/graphql`;
    const gbr = wsClient(wsUrl, await stack.token(GBR_OFFICER));
    const fra = wsClient(wsUrl, await stack.token(FRA_OFFICER));
    const seenByGbr = subscribeWs(gbr, SUBSCRIPTION);
    const seenByFra = subscribeWs(fra, SUBSCRIPTION);
    await eventually(
      () => gateway.gateway.subscriptions!.open(),
      (open) => open === 2,
    );
    const secret = publish(secretConvoy);
    const open = publish(openConvoy);
    await receivedAtLeast(seenByGbr.received, 2);
    await receivedAtLeast(seenByFra.received, 1);
    expect(seenByGbr.received.map((r) => r.extensions?.eventId)).toEqual([secret.id, open.id]);
    const first = seenByGbr.received[0];
    expect(first.errors).toBeUndefined();
    expect(first.data?.convoyUpdated).toMatchObject({
      id: secretConvoy,
      status: expect.any(String),
      crossing: { name: expect.any(String) },
      incidents: expect.any(Array),
      marking: { classification: 'SECRET', releasableTo: ['GBR'] },
    });
    expect(first.data?.convoyUpdated).toHaveProperty('routeHazardStatus');
    // The open event came after the secret one: by the time it arrived, FRA had every event it will get.
    expect(seenByFra.received.map((r) => r.extensions?.eventId)).toEqual([open.id]);
    seenByGbr.dispose();
    seenByFra.dispose();
    await Promise.all([gbr.dispose(), fra.dispose()]);
  });
});
