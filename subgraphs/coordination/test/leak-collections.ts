import type { LeakCollection } from '@cmcc/test-support/leaks';

/** coordination's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its matrix. */
export const collections: LeakCollection[] = [
  {
    subgraph: 'coordination',
    table: 'coordination_request',
    list: '{ coordinationRequests(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.coordinationRequests.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.coordinationRequests.totalCount,
    byKey: { query: 'query($id: ID!) { coordinationRequest(id: $id) { id title } }', pick: (d) => d?.coordinationRequest, path: ['coordinationRequest'] },
  },
];
