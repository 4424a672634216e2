import type { LeakCollection } from '@cmcc/test-support/leaks';

/** sample-group's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its matrix. */
export const collections: LeakCollection[] = [
  {
    subgraph: 'sample-group',
    table: 'sample_group_record',
    list: '{ sampleGroupRecords(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.sampleGroupRecords.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.sampleGroupRecords.totalCount,
    byKey: { query: 'query($id: ID!) { sampleGroupRecord(id: $id) { id title } }', pick: (d) => d?.sampleGroupRecord, path: ['sampleGroupRecord'] },
  },
];
