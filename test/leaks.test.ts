import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLAIM_MAPPING, principalFromClaims } from '@cmcc/gateway/auth/claims';
import { DEV_PRINCIPALS } from '@cmcc/gateway/auth/dev-keys';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { encodeCursor } from '@cmcc/subgraph-kit';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import type { LeakCollection } from '@cmcc/test-support/leaks';
import { released, type MarkedRow, type Reader } from '@cmcc/test-support/releasability-oracle';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { GraphQLResponse } from '@cmcc/test-support/subgraph';

/**
 * Zero leaks and zero over-withholding through the gateway: for principals of every kind, every marked collection
 * lists exactly the records the releasability rule releases to them (judged by the oracle written from the rule's
 * text, never by the kit), totals and pages agree, a withheld record asked for by key is null with FORBIDDEN and an
 * error that does not describe it, a released one is there, entity references (`_entities`, as another subgraph's
 * plan asks for them) follow the same rule, and the response cache never hands one principal's answer to another.
 */

// Each working group lists its marked collections in subgraphs/<group>/test/leak-collections.ts.
const COLLECTIONS: LeakCollection[] = [];
for (const { name } of loadSubgraphList()) {
  const file = path.join(PROJECT_ROOT, 'subgraphs', name, 'test', 'leak-collections.ts');
  if (fs.existsSync(file)) COLLECTIONS.push(...((await import(file)) as { collections: LeakCollection[] }).collections);
}

/** The development principals (one of each kind, with caveats), and more nations, clearances, caveats and claims. */
const PRINCIPALS: Reader[] = [
  ...Object.values(DEV_PRINCIPALS).map((claims) => claims as unknown as Reader),
  { sub: 'egy-unclassified', nation: 'EGY', org: 'CMCC', clearance: 'UNCLASSIFIED', cmcc: true },
  { sub: 'aus-confidential', nation: 'AUS', clearance: 'CONFIDENTIAL', cmcc: true, caveats: ['NOFORN', 'PROPIN'] },
  { sub: 'tur-restricted', nation: 'TUR', clearance: 'RESTRICTED', cmcc: true },
  { sub: 'qat-secret-no-claim', nation: 'QAT', clearance: 'SECRET' },
  { sub: 'unicef-officer', org: 'XM-DAC-41122', cmcc: true, caveats: ['PROPIN'] },
  { sub: 'iom-no-claim', org: 'XM-DAC-47066' },
  { sub: 'icrc-delegate', org: 'XI-CMCC-ICRC', cmcc: true },
];

/** Entity types owned by a subgraph and stored in a marked table: what another subgraph's plan may ask for by key. */
const ENTITIES: Record<string, { subgraph: string; typename: string }> = {
  displacement_site: { subgraph: 'civil-administration', typename: 'DisplacementSite' },
  facility: { subgraph: 'engineering', typename: 'Facility' },
  convoy: { subgraph: 'humanitarian', typename: 'Convoy' },
  intelligence_report: { subgraph: 'intelligence', typename: 'IntelligenceReport' },
  force_contribution: { subgraph: 'multinational-force', typename: 'ForceContribution' },
  security_incident: { subgraph: 'security', typename: 'SecurityIncident' },
  coordination_request: { subgraph: 'coordination', typename: 'CoordinationRequest' },
  humanitarian_notification: { subgraph: 'coordination', typename: 'HumanitarianNotification' },
  participant: { subgraph: 'coordination', typename: 'Participant' },
};

/** A root connection listing a whole table, e.g. `{ incidents(first: 500) { totalCount edges { node { id } } } }`. */
const ROOT_CONNECTION = /^\{ (\w+)\(first: \d+\) \{ totalCount edges \{ node \{ id \} \} \} \}$/;

type Row = MarkedRow & { id: string };
type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] };

let stack: TestStack;
const rowsByTable = new Map<string, Row[]>();
async function rowsOf(collection: { subgraph: string; table: string }): Promise<Row[]> {
  const key = `${collection.subgraph}:${collection.table}`;
  if (!rowsByTable.has(key)) rowsByTable.set(key, await stack.subgraphs[collection.subgraph].db.query<Row>(`SELECT * FROM ${collection.table}`));
  return rowsByTable.get(key)!;
}

const expectedIds = (reader: Reader, rows: Row[]) =>
  rows
    .filter((row) => released(reader, row))
    .map((row) => row.id)
    .sort();

/** A FORBIDDEN error says nothing of the record: none of its marking, beyond the key the caller sent. */
function expectSilentForbidden(error: { message: string; extensions?: Record<string, unknown> } | undefined, row: Row) {
  expect(error?.extensions?.code).toBe('FORBIDDEN');
  const told = `${error!.message} ${JSON.stringify(error!.extensions)}`;
  for (const detail of [row.classification, row.tlp, row.originator, ...row.releasable_to, ...row.recipients, ...row.caveats]) {
    expect(told).not.toContain(detail);
  }
}

// Every subgraph seeded in its own database: slow on a loaded machine.
beforeAll(async () => {
  stack = await startStack();
}, 600_000);
afterAll(() => stack?.close());

describe('seed markings', () => {
  it('fit their originators: organisations originate UNCLASSIFIED records under TLP, nations classified ones', async () => {
    const tables = new Map(COLLECTIONS.map((c) => [`${c.subgraph}:${c.table}`, c]));
    let nations = 0;
    let organizations = 0;
    for (const collection of tables.values()) {
      for (const row of await rowsOf(collection)) {
        if (/^[A-Z]{3}$/.test(row.originator)) {
          nations++;
          // A figure a nation published (TLP:CLEAR: public) is the one unclassified record a nation originates.
          if (row.tlp !== 'CLEAR') expect(row.classification, `${collection.table} ${row.id}`).not.toBe('UNCLASSIFIED');
        } else {
          organizations++;
          expect(row.classification, `${collection.table} ${row.id}`).toBe('UNCLASSIFIED');
        }
        // TLP:RED names people or organisations, never a nation or a group code.
        if (row.tlp === 'RED') for (const recipient of row.recipients) expect(recipient, `${collection.table} ${row.id}`).not.toMatch(/^([A-Z]{3}|FVEY|NATO|UN|CMCC)$/);
      }
    }
    expect(nations).toBeGreaterThan(50);
    expect(organizations).toBeGreaterThan(50);
  });

  it.each(Object.entries(DEV_PRINCIPALS).map(([name, claims]) => [name, claims as unknown as Reader] as const))(
    'let the development principal %s read every seeded record its own nation or organisation originated',
    async (_name, reader) => {
      let own = 0;
      for (const collection of COLLECTIONS) {
        const rows = await rowsOf(collection);
        const mine = rows.filter((row) => row.originator === reader.nation || row.originator === reader.org).map((row) => row.id);
        if (mine.length === 0) continue;
        const { data, errors } = await stack.query(collection.list, undefined, reader as unknown as Record<string, unknown>);
        expect(errors).toBeUndefined();
        expect(collection.ids(data)).toEqual(expect.arrayContaining(mine));
        own += mine.length;
      }
      if (reader.nation || !['XM-DAC-928', 'XI-CMCC-PRCS'].includes(reader.org ?? '')) expect(own).toBeGreaterThan(0);
    },
  );
});

describe.each(COLLECTIONS.map((c) => [`${c.subgraph} ${c.table}: ${c.list.slice(0, 60)}`, c] as const))('%s', (_name, collection) => {
  it.each(PRINCIPALS.map((p) => [p.sub, p] as const))(
    'lists exactly what is released to %s, totals agree, and by key a withheld record is FORBIDDEN and a released one is there',
    async (_sub, reader) => {
      const claims = reader as unknown as Record<string, unknown>;
      const rows = await rowsOf(collection);
      const expected = expectedIds(reader, rows);
      const { data, errors } = await stack.query(collection.list, undefined, claims);
      expect(errors).toBeUndefined();
      expect([...collection.ids(data)].sort()).toEqual(expected);
      if (collection.total) expect(collection.total(data)).toBe(expected.length);

      if (!collection.byKey) return;
      const withheld = rows.find((row) => !released(reader, row));
      if (withheld) {
        const hidden = await stack.query(collection.byKey.query, { id: withheld.id }, claims);
        expect(collection.byKey.pick(hidden.data)).toBeNull();
        expect(hidden.errors?.[0]?.path).toEqual(collection.byKey.path);
        expectSilentForbidden(hidden.errors?.[0], withheld);
      }
      const shown = rows.find((row) => released(reader, row));
      if (shown) {
        const visible = await stack.query(collection.byKey.query, { id: shown.id }, claims);
        expect(visible.errors).toBeUndefined();
        expect(collection.byKey.pick(visible.data)).toMatchObject({ id: shown.id });
      }
    },
  );
});

const pagedCollections = COLLECTIONS.filter((c) => ROOT_CONNECTION.test(c.list));

describe.each(pagedCollections.map((c) => [c.list.match(ROOT_CONNECTION)![1], c] as const))('paging %s', (field, collection) => {
  const pageQuery = `query($after: String) { ${field}(first: 40, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

  it.each(PRINCIPALS.filter((_, i) => i % 3 === 0).map((p) => [p.sub, p] as const))(
    'pages through exactly what is released to %s, and a withheld record is no paging position',
    async (_sub, reader) => {
      const claims = reader as unknown as Record<string, unknown>;
      const rows = await rowsOf(collection);
      const expected = expectedIds(reader, rows);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page++) {
        const response: GraphQLResponse<Record<string, Page>> = await stack.query(pageQuery, { after }, claims);
        expect(response.errors).toBeUndefined();
        const connection: Page = response.data![field];
        expect(connection.totalCount).toBe(expected.length);
        seen.push(...connection.edges.map((edge) => edge.node.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(expected);

      const withheld = rows.find((row) => !released(reader, row));
      if (withheld) {
        const { data, errors } = await stack.query(pageQuery, { after: encodeCursor(withheld.id) }, claims);
        expect(errors).toBeUndefined();
        expect(data[field].edges).toEqual([]);
      }
    },
  );
});

describe.each(Object.entries(ENTITIES))('entity references to %s', (table, { subgraph, typename }) => {
  it.each(PRINCIPALS.map((p) => [p.sub, p] as const))(`resolve ${typename} for %s only where released, FORBIDDEN and silent elsewhere`, async (_sub, reader) => {
    const rows = (await rowsOf({ subgraph, table })).slice(0, 150);
    const principal = principalFromClaims(reader as never, DEFAULT_CLAIM_MAPPING);
    const { data, errors } = await stack.subgraphs[subgraph].execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { id } } }`,
      { representations: rows.map((row) => ({ __typename: typename, id: row.id })) },
      principal,
    );
    const errorAt = new Map((errors ?? []).map((error) => [error.path?.[1], error]));
    rows.forEach((row, i) => {
      if (released(reader, row)) {
        expect(data._entities[i], `${row.id} is released to ${reader.sub}`).toEqual({ id: row.id });
      } else {
        expect(data._entities[i], `${row.id} is withheld from ${reader.sub}`).toBeNull();
        expectSilentForbidden(errorAt.get(i), row);
      }
    });
  });
});

describe('cached responses', () => {
  let cached: ExtraGateway;
  beforeAll(async () => {
    cached = await startGateway(stack, { GATEWAY_RESPONSE_CACHE: 'true' });
  });
  afterAll(() => cached?.close());

  it('never cross principals: each gets what is released to it, first ask and cache hit alike, even when only the caveats differ', async () => {
    const analyst = DEV_PRINCIPALS['us-j2-analyst'] as unknown as Reader;
    expect(analyst.caveats).toEqual(['ORCON']);
    // The widest reader first, so its answers are in the cache when narrower readers send the same operation; the
    // second is the same analyst (same subject) without the ORCON claim: only the caveats tell them apart.
    const readers: Reader[] = [
      analyst,
      { ...analyst, caveats: [] },
      ...['operations-dashboard', 'gbr-j2-lead', 'wfp-officer', 'us-visitor', 'who-medevac'].map((name) => DEV_PRINCIPALS[name] as unknown as Reader),
    ];
    const hits = () => cached.gateway.performance.stats().responseCache!.hits;
    for (const round of [1, 2]) {
      const hitsBefore = hits();
      for (const collection of COLLECTIONS) {
        const rows = await rowsOf(collection);
        for (const reader of readers) {
          const { data, errors } = await cached.query(collection.list, undefined, reader as unknown as Record<string, unknown>);
          expect(errors).toBeUndefined();
          expect([...collection.ids(data)].sort(), `${collection.list} as ${reader.sub} (caveats: ${reader.caveats ?? []}), round ${round}`).toEqual(expectedIds(reader, rows));
        }
      }
      // The second round is answered from the cache.
      if (round === 2) expect(hits() - hitsBefore).toBeGreaterThan(COLLECTIONS.length * readers.length * 0.5);
    }
  });
});
