import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, prepareDatabase, type AccessMarking, type Principal, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { startTestSubgraph, type GraphQLResponse, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { SEED_COUNT } from '../src/data/seed.ts';
import { coordination } from '../src/server.ts';

/**
 * The coordination subgraph as the scaffold made it: records reach only the principals their markings release them
 * to (lists, totals, lookups by key, references from other subgraphs), every batch is one statement, and writing
 * needs write:coordination.
 */

let subgraph: TestSubgraph;

const principal = (over: Partial<Principal> & { subject: string }): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  ...over,
});

const US_SECRET = principal({ subject: 'us-secret', nation: 'USA', organization: 'CMCC', clearance: 'SECRET' });
const GBR_RESTRICTED = principal({ subject: 'gbr-restricted', nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const EDITOR = principal({ ...US_SECRET, subject: 'us-editor', roles: ['editor'], scopes: ['write:coordination'] });

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string, recipients: string[] = []) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients, caveats: [] }));

// Fixtures lie in a governorate P-code the seed does not use, so what each principal sees there is known exactly.
const AREA = 'PS0299';
const FIXTURES = [
  ['CR-T-OPEN', mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC')],
  ['CR-T-SECRET', mark('SECRET', 'AMBER', ['FVEY'], 'USA')],
  ['CR-T-RED', mark('CONFIDENTIAL', 'RED', ['USA', 'GBR'], 'USA', ['us-secret'])],
] as const;

beforeAll(async () => {
  subgraph = await startTestSubgraph(coordination);
  await insertRows(
    subgraph.db,
    'coordination_request',
    ['id', 'title', 'area_pcode', 'reported_at', 'source', ...MARKING_COLUMNS],
    FIXTURES.map(([id, marking], i) => [id, `Test record ${id}`, `${AREA}01`, `2025-11-0${i + 1}T08:00:00Z`, 'SYNTHETIC', ...marking]),
  );
});
afterAll(() => subgraph?.close());

const areaIds = async (who: Principal) => {
  const { data, errors } = await subgraph.execute(
    `{ coordinationRequests(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id } } }
       _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { coordinationRequests { id } } } }`,
    undefined,
    who,
  );
  expect(errors).toBeUndefined();
  const listed = data.coordinationRequests.edges.map((e: { node: { id: string } }) => e.node.id).sort();
  expect(data.coordinationRequests.totalCount).toBe(listed.length);
  expect(data._entities[0].coordinationRequests.map((r: { id: string }) => r.id).sort()).toEqual(listed);
  return listed;
};

describe('coordination releasability: who must not see what', () => {
  it('a partner NGO sees only the open record: the SECRET and TLP:RED ones are absent and not counted', async () => {
    expect(await areaIds(PARTNER_NGO)).toEqual(['CR-T-OPEN']);
  });

  it('a GBR member cleared RESTRICTED sees neither the SECRET record nor the TLP:RED one not addressed to them', async () => {
    expect(await areaIds(GBR_RESTRICTED)).toEqual(['CR-T-OPEN']);
  });

  it('a US principal cleared SECRET and named as recipient sees all three', async () => {
    expect(await areaIds(US_SECRET)).toEqual(['CR-T-OPEN', 'CR-T-RED', 'CR-T-SECRET']);
  });

  it('a withheld record asked for by id or by reference is null with FORBIDDEN; an unknown id is NOT_FOUND', async () => {
    const byId = await subgraph.execute('{ coordinationRequest(id: "CR-T-SECRET") { id title } }', undefined, GBR_RESTRICTED);
    expect(byId.data?.coordinationRequest).toBeNull();
    expect(byId.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byReference = await subgraph.execute(
      '{ _entities(representations: [{ __typename: "CoordinationRequest", id: "CR-T-RED" }]) { ... on CoordinationRequest { id title } } }',
      undefined,
      PARTNER_NGO,
    );
    expect(byReference.data?._entities).toEqual([null]);
    expect(byReference.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await subgraph.execute('{ coordinationRequest(id: "CR-NONE") { id } }', undefined, US_SECRET);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('coordination batching', () => {
  it('resolves many references from the gateway in one statement, in key order', async () => {
    const ids = ['CR-0003', 'CR-0001', 'CR-0002', 'CR-T-OPEN'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on CoordinationRequest { id } } }`,
        { reps: ids.map((id) => ({ __typename: 'CoordinationRequest', id })) },
        principal({ subject: 'everyone', nation: 'USA', organization: 'CMCC', clearance: 'SECRET' }),
      ),
    );
    expect(statements.filter((sql) => sql.includes('coordination_request'))).toHaveLength(1);
    const entities = result.data._entities as ({ id: string } | null)[];
    entities.forEach((entity, i) => {
      if (entity) expect(entity.id).toBe(ids[i]);
    });
    expect(entities.at(-1)).toEqual({ id: 'CR-T-OPEN' });
  });

  it('lists the records of many areas in one statement', async () => {
    const pcodes = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Area { pcode coordinationRequests(first: 5) { id } } } }`, {
        reps: pcodes.map((pcode) => ({ __typename: 'Area', pcode })),
      }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.map((a: { pcode: string }) => a.pcode)).toEqual(pcodes);
    expect(statements.filter((sql) => sql.includes('coordination_request'))).toHaveLength(1);
  });
});

describe('coordination seed and pages', () => {
  it('seeds synthetic records once: a second run changes nothing', async () => {
    const count = async () => (await subgraph.db.query<{ n: number }>("SELECT count(*)::int AS n FROM coordination_request WHERE id LIKE 'CR-0%'"))[0].n;
    expect(await count()).toBe(SEED_COUNT);
    await prepareDatabase(coordination as SubgraphDefinition<unknown>, subgraph.db);
    expect(await count()).toBe(SEED_COUNT);
    const sources = await subgraph.db.query<{ source: string }>('SELECT DISTINCT source FROM coordination_request');
    expect(sources.map((s) => s.source)).toEqual(['SYNTHETIC']);
  });

  it('pages with cursors without repeating a record, and refuses a page size out of range', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { data, errors }: GraphQLResponse = await subgraph.execute(
        'query($after: String) { coordinationRequests(first: 10, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(errors).toBeUndefined();
      seen.push(...data.coordinationRequests.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.coordinationRequests.pageInfo.hasNextPage ? data.coordinationRequests.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    const { errors } = await subgraph.execute('{ coordinationRequests(first: 501) { totalCount } }');
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('coordination writes', () => {
  const WRITE = `mutation($input: RecordCoordinationRequestInput!, $key: String) {
    recordCoordinationRequest(input: $input, idempotencyKey: $key) { coordinationRequest { id title provenance { version recordedBy } } userErrors { field code } }
  }`;
  const input = (over: Record<string, unknown> = {}) => ({
    title: 'Written by an editor',
    areaPcode: 'PS0270',
    reportedAt: '2025-11-05T10:00:00Z',
    source: 'SYNTHETIC',
    marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'USA' },
    ...over,
  });

  it('refuses a principal without write:coordination with FORBIDDEN and writes nothing', async () => {
    const { data, errors } = await subgraph.execute(WRITE, { input: input() }, US_SECRET);
    expect(data?.recordCoordinationRequest ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('writes a record with provenance, once per idempotency key, and names each bad input field', async () => {
    const first = await subgraph.execute(WRITE, { input: input(), key: 'k-1' }, EDITOR);
    const record = first.data.recordCoordinationRequest.coordinationRequest;
    expect(record).toMatchObject({ title: 'Written by an editor', provenance: { version: 1, recordedBy: 'us-editor' } });
    const retry = await subgraph.execute(WRITE, { input: input(), key: 'k-1' }, EDITOR);
    expect(retry.data.recordCoordinationRequest.coordinationRequest.id).toBe(record.id);
    const bad = await subgraph.execute(
      WRITE,
      { input: input({ areaPcode: 'PS9999', marking: { classification: 'SECRET', releasableTo: ['FVEY'], tlp: 'CLEAR', originator: 'USA' } }) },
      EDITOR,
    );
    expect(bad.data.recordCoordinationRequest.coordinationRequest).toBeNull();
    expect(bad.data.recordCoordinationRequest.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.areaPcode', 'input.marking.tlp']);
  });
});
