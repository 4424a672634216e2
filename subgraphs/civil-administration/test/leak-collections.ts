import type { LeakCollection } from '@cmcc/test-support/leaks';

/** civil-administration's marked collections, checked by test/leaks.test.ts for every principal of its matrix. */
export const collections: LeakCollection[] = [
  {
    subgraph: 'civil-administration',
    table: 'displacement_site',
    list: '{ displacementSites(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.displacementSites.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.displacementSites.totalCount,
    byKey: { query: 'query($id: ID!) { displacementSite(id: $id) { id name } }', pick: (d) => d?.displacementSite, path: ['displacementSite'] },
  },
  {
    subgraph: 'civil-administration',
    table: 'population_movement',
    list: '{ areas(level: TERRITORY) { populationMovements(first: 1000) { id } } }',
    ids: (d) => d.areas.flatMap((a: { populationMovements: { id: string }[] }) => a.populationMovements.map((m) => m.id)),
  },
  {
    subgraph: 'civil-administration',
    table: 'governing_body',
    list: '{ governingBodies { id } }',
    ids: (d) => d.governingBodies.map((b: { id: string }) => b.id),
    byKey: { query: 'query($id: ID!) { governingBody(id: $id) { id name } }', pick: (d) => d?.governingBody, path: ['governingBody'] },
  },
  {
    subgraph: 'civil-administration',
    table: 'governing_body_member',
    list: '{ governingBodyMembers { id } }',
    ids: (d) => d.governingBodyMembers.map((m: { id: string }) => m.id),
  },
];
