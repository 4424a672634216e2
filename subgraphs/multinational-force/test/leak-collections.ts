import type { LeakCollection } from '@cmcc/test-support/leaks';

/** multinational-force's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its matrix. */
export const collections: LeakCollection[] = [
  {
    subgraph: 'multinational-force',
    table: 'force_contribution',
    list: '{ forceContributions(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.forceContributions.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.forceContributions.totalCount,
    byKey: { query: 'query($id: ID!) { forceContribution(id: $id) { id unit nation } }', pick: (d) => d?.forceContribution, path: ['forceContribution'] },
  },
];
