import type { LeakCollection } from '@cmcc/test-support/leaks';

type Ids = { id: string }[];

/**
 * security's marked collections, checked by test/leaks.test.ts through the gateway for every principal of its matrix.
 *
 * Not here, because the matrix needs one query listing a whole table: ISR observations (the matrix's principals hold
 * no `isr:read`, so the gateway removes `isrObservations` for all of them; test/releasability.test.ts and
 * test/authorization.test.ts in this folder cover them), threat assessments (only the latest one per area or crossing
 * is exposed; checked per principal in test/releasability.test.ts) and Convoy.incidents (only incidents on convoys).
 */
export const collections: LeakCollection[] = [
  {
    subgraph: 'security',
    table: 'security_incident',
    list: '{ incidents(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.incidents.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.incidents.totalCount,
    byKey: { query: 'query($id: ID!) { incident(id: $id) { id actor1 notes } }', pick: (d) => d?.incident, path: ['incident'] },
  },
  {
    // The same table through another subgraph's entity: Area (civil-administration) extended with its incidents.
    subgraph: 'security',
    table: 'security_incident',
    list: '{ areas(level: TERRITORY) { incidents(since: "2025-01-01T00:00:00Z", first: 500) { id } } }',
    ids: (d) => d.areas.flatMap((a: { incidents: Ids }) => a.incidents.map((i) => i.id)),
  },
  {
    subgraph: 'security',
    table: 'ceasefire_violation_report',
    list: '{ ceasefireViolationReports(first: 500) { totalCount edges { node { id } } } }',
    ids: (d) => d.ceasefireViolationReports.edges.map((e: { node: { id: string } }) => e.node.id),
    total: (d) => d.ceasefireViolationReports.totalCount,
    byKey: {
      query: 'query($id: ID!) { ceasefireViolationReport(id: $id) { id allegedParty } }',
      pick: (d) => d?.ceasefireViolationReport,
      path: ['ceasefireViolationReport'],
    },
  },
  {
    subgraph: 'security',
    table: 'ceasefire_phase',
    list: '{ ceasefirePhases { id } }',
    ids: (d) => d.ceasefirePhases.map((p: { id: string }) => p.id),
  },
  {
    subgraph: 'security',
    table: 'hostage_return',
    list: '{ hostageReturns { id } }',
    ids: (d) => d.hostageReturns.map((r: { id: string }) => r.id),
  },
  {
    subgraph: 'security',
    table: 'detainee_release',
    list: '{ detaineeReleases { id } }',
    ids: (d) => d.detaineeReleases.map((r: { id: string }) => r.id),
  },
  {
    // Crossings belong to humanitarian; security adds their closures.
    subgraph: 'security',
    table: 'crossing_closure',
    list: '{ crossings { closures(first: 200) { id } } }',
    ids: (d) => d.crossings.flatMap((c: { closures: Ids }) => c.closures.map((x) => x.id)),
  },
];
