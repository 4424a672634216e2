import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, markingFromRow, viewerOf, type MarkingRow, type Principal } from '../subgraphs/kit/src/index.ts';
import { startStack, type TestStack } from './support/stack.ts';

import fs from 'node:fs';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '../schema/composition.ts';
import type { LeakCollection } from './support/leaks.ts';

/**
 * Zero leaks through the gateway: for a spread of principals, every marked collection lists exactly the records
 * released to them (no more, and totals agree), and asking for a withheld record by key gives null with FORBIDDEN.
 */

// Each working group lists its marked collections in subgraphs/<group>/test/leak-collections.ts.
const COLLECTIONS: LeakCollection[] = [];
for (const { name } of loadSubgraphList()) {
  const file = path.join(PROJECT_ROOT, 'subgraphs', name, 'test', 'leak-collections.ts');
  if (fs.existsSync(file)) COLLECTIONS.push(...((await import(file)) as { collections: LeakCollection[] }).collections);
}

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
