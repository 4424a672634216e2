import type { LeakCollection } from '@cmcc/test-support/leaks';

/**
 * humanitarian's marked collections, checked by test/leaks.test.ts for every principal of its matrix: each query lists
 * the whole collection through the gateway, so what it returns must be exactly what the markings release.
 *
 * Activities are listed twice: by the root connection, and through the `Area` entity (the gateway asks this subgraph
 * for `Area.activities` of the Gaza Strip, PS02, which holds every seeded activity). Truck consignments have no
 * marking of their own (their convoy's covers them); the sums of `Area.aidDeliveries` have no ids to list, so the
 * subgraph's own tests check them per principal (test/releasability.test.ts). Medical evacuations carry the caveat
 * MEDICAL: only readers cleared for it (or their originator) see any; `Crossing.medicalEvacuations` lists only the
 * evacuated ones, so test/medical-evacuation.test.ts checks it, and the counts by status, per principal.
 */
type Connection = { totalCount: number; edges: { node: { id: string } }[] };
const nodeIds = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

export const collections: LeakCollection[] = [
  {
    subgraph: 'humanitarian',
    table: 'convoy',
    list: '{ convoys(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.convoys),
    total: (d) => d.convoys.totalCount,
    byKey: { query: 'query($id: ID!) { convoy(id: $id) { id status } }', pick: (d) => d?.convoy, path: ['convoy'] },
  },
  {
    subgraph: 'humanitarian',
    table: 'crossing_daily_report',
    list: '{ crossings { dailyReports(first: 400) { id } } }',
    ids: (d) => d.crossings.flatMap((c: { dailyReports: { id: string }[] }) => c.dailyReports.map((r) => r.id)),
  },
  {
    subgraph: 'humanitarian',
    table: 'crossing_stream_report',
    list: '{ crossings { streamReports(first: 400) { id } } }',
    ids: (d) => d.crossings.flatMap((c: { streamReports: { id: string }[] }) => c.streamReports.map((s) => s.id)),
  },
  {
    subgraph: 'humanitarian',
    table: 'staging_area_observation',
    list: '{ stagingAreas { observations(first: 400) { id } } }',
    ids: (d) => d.stagingAreas.flatMap((a: { observations: { id: string }[] }) => a.observations.map((o) => o.id)),
  },
  {
    subgraph: 'humanitarian',
    table: 'activity',
    list: '{ activities(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.activities),
    total: (d) => d.activities.totalCount,
  },
  {
    subgraph: 'humanitarian',
    table: 'activity',
    list: '{ area(pcode: "PS02") { activities(first: 500) { id } } }',
    ids: (d) => d.area.activities.map((a: { id: string }) => a.id),
  },
  {
    subgraph: 'humanitarian',
    table: 'reported_aid_figure',
    list: '{ reportedAidFigures(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.reportedAidFigures),
    total: (d) => d.reportedAidFigures.totalCount,
  },
  {
    subgraph: 'humanitarian',
    table: 'medical_evacuation',
    list: '{ medicalEvacuations(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => nodeIds(d.medicalEvacuations),
    total: (d) => d.medicalEvacuations.totalCount,
    byKey: { query: 'query($id: ID!) { medicalEvacuation(id: $id) { id status } }', pick: (d) => d?.medicalEvacuation, path: ['medicalEvacuation'] },
  },
  {
    subgraph: 'humanitarian',
    table: 'medical_evacuation_waiting_figure',
    list: '{ medicalEvacuationWaitingFigures { id } }',
    ids: (d) => d.medicalEvacuationWaitingFigures.map((f: { id: string }) => f.id),
  },
];
