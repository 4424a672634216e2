import type { LeakCollection } from '@cmcc/test-support/leaks';

/** intelligence's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its matrix. */
export const collections: LeakCollection[] = [
  {
    subgraph: 'intelligence',
    table: 'intelligence_report',
    list: '{ intelligenceReports(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.intelligenceReports.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.intelligenceReports.totalCount,
    byKey: { query: 'query($id: ID!) { intelligenceReport(id: $id) { id title } }', pick: (d) => d?.intelligenceReport, path: ['intelligenceReport'] },
  },
];
