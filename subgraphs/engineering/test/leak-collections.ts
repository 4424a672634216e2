import type { LeakCollection } from '@cmcc/test-support/leaks';

/**
 * engineering's marked collections, checked by test/leaks.test.ts for every principal of its matrix: each query lists
 * the whole collection through the gateway, so what it returns must be exactly what the markings release.
 *
 * Damage assessments are listed governorate by governorate (every seeded one lies in one of the five; together there
 * are more than one page of 500). Convoy route hazards are not here: the gateway reaches them only through convoys,
 * which humanitarian marks in turn, so a listing cannot hold every released one; the subgraph's own tests cover them
 * (test/releasability.test.ts).
 */
const GOVERNORATES = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];

type Connection = { totalCount: number; edges: { node: { id: string } }[] };
const nodeIds = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

export const collections: LeakCollection[] = [
  {
    subgraph: 'engineering',
    table: 'facility',
    list: '{ facilities(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.facilities),
    total: (d) => d.facilities.totalCount,
    byKey: { query: 'query($id: ID!) { facility(id: $id) { id name } }', pick: (d) => d?.facility, path: ['facility'] },
  },
  {
    subgraph: 'engineering',
    table: 'damage_assessment',
    list: `{ ${GOVERNORATES.map((pcode) => `${pcode}: damageAssessments(filter: { areaPcode: "${pcode}" }, first: 500) { totalCount edges { node { id } } }`).join(' ')} }`,
    ids: (d) => GOVERNORATES.flatMap((pcode) => nodeIds(d[pcode])),
    total: (d) => GOVERNORATES.reduce((sum, pcode) => sum + (d[pcode] as Connection).totalCount, 0),
  },
  {
    subgraph: 'engineering',
    table: 'explosive_hazard_task',
    list: '{ explosiveHazardTasks(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.explosiveHazardTasks),
    total: (d) => d.explosiveHazardTasks.totalCount,
    byKey: {
      query: 'query($id: ID!) { explosiveHazardTask(id: $id) { id status } }',
      pick: (d) => d?.explosiveHazardTask,
      path: ['explosiveHazardTask'],
    },
  },
  {
    subgraph: 'engineering',
    table: 'debris_estimate',
    list: '{ debrisEstimates(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.debrisEstimates),
    total: (d) => d.debrisEstimates.totalCount,
  },
  {
    subgraph: 'engineering',
    table: 'utility_service',
    list: '{ utilityServices(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.utilityServices),
    total: (d) => d.utilityServices.totalCount,
  },
  {
    subgraph: 'engineering',
    table: 'fuel_allocation',
    list: '{ fuelAllocations(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.fuelAllocations),
    total: (d) => d.fuelAllocations.totalCount,
  },
  {
    // Keyed by crossing (no id column of its own): the crossing id stands for the record's id. Crossings are unmarked
    // reference data, so every principal lists all of them and sees the access roads released to them.
    subgraph: 'engineering',
    table: '(SELECT crossing_id AS id, * FROM crossing_access_road) AS access_road',
    list: '{ crossings { id accessRoadStatus { passability } } }',
    ids: (d) => d.crossings.filter((c: { accessRoadStatus: unknown }) => c.accessRoadStatus !== null).map((c: { id: string }) => c.id),
  },
];
