import type { LeakCollection } from '@cmcc/test-support/leaks';

/**
 * coordination's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its
 * matrix. Requests are listed twice: by the root connection, and through the `Area` entity (the gateway asks this
 * subgraph for `Area.coordinationRequests` of the Gaza Strip, PS02, which holds every seeded request). Decisions have
 * no marking of their own (their request's covers them, and they are read only through it); this subgraph's own tests
 * check that a withheld request's decisions never appear.
 */
type Connection = { totalCount: number; edges: { node: { id: string } }[] };
const nodeIds = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

export const collections: LeakCollection[] = [
  {
    subgraph: 'coordination',
    table: 'coordination_request',
    list: '{ coordinationRequests(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.coordinationRequests),
    total: (d) => d.coordinationRequests.totalCount,
    byKey: { query: 'query($id: ID!) { coordinationRequest(id: $id) { id title } }', pick: (d) => d?.coordinationRequest, path: ['coordinationRequest'] },
  },
  {
    subgraph: 'coordination',
    table: 'coordination_request',
    list: '{ area(pcode: "PS02") { coordinationRequests(first: 500) { id } } }',
    ids: (d) => d.area.coordinationRequests.map((r: { id: string }) => r.id),
  },
  {
    subgraph: 'coordination',
    table: 'humanitarian_notification',
    list: '{ humanitarianNotifications(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.humanitarianNotifications),
    total: (d) => d.humanitarianNotifications.totalCount,
    byKey: {
      query: 'query($id: ID!) { humanitarianNotification(id: $id) { id title } }',
      pick: (d) => d?.humanitarianNotification,
      path: ['humanitarianNotification'],
    },
  },
  {
    subgraph: 'coordination',
    table: 'participant',
    list: '{ participants { id } }',
    ids: (d) => d.participants.map((p: { id: string }) => p.id),
    byKey: { query: 'query($id: ID!) { participant(id: $id) { id kind } }', pick: (d) => d?.participant, path: ['participant'] },
  },
];
