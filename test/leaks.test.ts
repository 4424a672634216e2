import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, markingFromRow, viewerOf, type MarkingRow, type Principal } from '../subgraphs/kit/src/index.ts';
import { startStack, type TestStack } from './support/stack.ts';

/**
 * Zero leaks through the gateway: for a spread of principals, every marked collection lists exactly the records
 * released to them (no more, and totals agree), and asking for a withheld record by key gives null with FORBIDDEN.
 * Each working group adds its marked collections to COLLECTIONS.
 */
interface Collection {
  subgraph: string;
  table: string;
  /** A query listing the whole collection: returns ids and the total. */
  list: string;
  ids: (data: any) => string[];
  total?: (data: any) => number;
  /** A query asking for one record by `$id`, and where its value is in the data. */
  byKey?: { query: string; pick: (data: any) => unknown; path: string[] };
}

export const COLLECTIONS: Collection[] = [
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
];

const PRINCIPALS: Record<string, unknown>[] = [
  { sub: 'us-secret', nation: 'USA', org: 'CMCC', clearance: 'SECRET' },
  { sub: 'gbr-restricted', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED' },
  { sub: 'deu-confidential', nation: 'DEU', org: 'CMCC', clearance: 'CONFIDENTIAL' },
  { sub: 'egy-unclassified', nation: 'EGY', org: 'CMCC', clearance: 'UNCLASSIFIED' },
  { sub: 'wfp-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED' },
  { sub: 'iom-officer', org: 'XM-DAC-47066', clearance: 'UNCLASSIFIED' },
  { sub: 'prcs-volunteer', org: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED' },
  { sub: 'outsider', nation: 'USA', clearance: 'SECRET', cmcc: false },
];

function principalOf(claims: Record<string, unknown>): Principal {
  return {
    subject: String(claims.sub),
    nation: (claims.nation as string) ?? null,
    organization: (claims.org as string) ?? null,
    workingGroups: [],
    roles: [],
    scopes: [],
    clearance: claims.clearance as Principal['clearance'],
    participant: claims.cmcc !== false,
  };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe.each(COLLECTIONS.map((c) => [`${c.subgraph} ${c.table}`, c] as const))('%s', (_name, collection) => {
  it.each(PRINCIPALS.map((p) => [p.sub as string, p]))('lists exactly what is released to %s, and withholds the rest by key', async (_sub, claims) => {
    const rows = await stack.subgraphs[collection.subgraph].db.query<MarkingRow & { id: string }>(`SELECT * FROM ${collection.table}`);
    const viewer = viewerOf(principalOf(claims));
    const released = rows.filter((row) => canSee(viewer, markingFromRow(row))).map((row) => row.id).sort();
    const withheld = rows.filter((row) => !canSee(viewer, markingFromRow(row))).map((row) => row.id);

    const { data, errors } = await stack.query(collection.list, undefined, claims);
    expect(errors).toBeUndefined();
    expect([...collection.ids(data)].sort()).toEqual(released);
    if (collection.total) expect(collection.total(data)).toBe(released.length);

    if (collection.byKey && withheld.length > 0) {
      const hidden = await stack.query(collection.byKey.query, { id: withheld[0] }, claims);
      expect(collection.byKey.pick(hidden.data)).toBeNull();
      expect(hidden.errors?.[0]).toMatchObject({ path: collection.byKey.path, extensions: { code: 'FORBIDDEN' } });
    }
  });
});
