import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, prepareDatabase, type AccessMarking, type MarkingRow, type Principal, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, type GraphQLResponse, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { SEED_COUNT } from '../src/data/seed.ts';
import { multinationalForce } from '../src/server.ts';

/**
 * The multinational-force subgraph: each nation's contribution reaches only the nations and groups its marking
 * releases it to (lists, totals, filters by nation, lookups by key, an area's contributions, edits), every batch is
 * one statement, and readiness updates go through the kit's write path.
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

const US_SECRET = principal({ subject: 'us-planner', nation: 'USA', organization: 'CMCC', clearance: 'SECRET' });
const EGY_OFFICER = principal({ subject: 'egy-officer', nation: 'EGY', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const TUR_OFFICER = principal({ subject: 'tur-officer', nation: 'TUR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const JOR_OFFICER = principal({ subject: 'jor-officer', nation: 'JOR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const GBR_RESTRICTED = principal({ subject: 'gbr-restricted', nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const editor = (who: Principal) => principal({ ...who, subject: `${who.subject}-editor`, roles: ['editor'], scopes: ['write:multinational-force'] });

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients: [], caveats: [] }));

// Fixtures deploy to a governorate P-code the seed does not use, so what each principal sees there is known exactly.
const AREA = 'PS0299';
const FIXTURES = [
  ['FC-T-EGY', 'EGY', 'ENGINEERING', 'PREPARING', mark('CONFIDENTIAL', 'AMBER', ['EGY', 'USA'], 'EGY')],
  ['FC-T-TUR', 'TUR', 'MEDICAL', 'READY', mark('CONFIDENTIAL', 'AMBER', ['TUR', 'USA'], 'TUR')],
  ['FC-T-CMCC', 'GBR', 'LOGISTICS', 'READY', mark('RESTRICTED', 'AMBER', ['CMCC'], 'GBR')],
  ['FC-T-JOR', 'JOR', 'SECURITY', 'NOT_READY', mark('CONFIDENTIAL', 'AMBER_STRICT', [], 'JOR')],
] as const;

beforeAll(async () => {
  subgraph = await startTestSubgraph(multinationalForce);
  await insertRows(
    subgraph.db,
    'force_contribution',
    ['id', 'nation', 'unit', 'role', 'personnel', 'readiness', 'readiness_as_of', 'area_pcode', 'source', ...MARKING_COLUMNS],
    FIXTURES.map(([id, nation, role, readiness, marking], i) => [
      id,
      nation,
      `Test unit ${id}`,
      role,
      100 + i,
      readiness,
      `2025-11-0${i + 1}T08:00:00Z`,
      `${AREA}01`,
      'SYNTHETIC',
      ...marking,
    ]),
  );
});
afterAll(() => subgraph?.close());

const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();
const nodes = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node);

async function seenInArea(who: Principal): Promise<string[]> {
  const { data, errors } = await subgraph.execute(
    `{ forceContributions(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id } } }
       _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { forceContributions { id } } } }`,
    undefined,
    who,
  );
  expect(errors).toBeUndefined();
  const listed = ids(nodes(data.forceContributions));
  expect(data.forceContributions.totalCount).toBe(listed.length);
  expect(ids(data._entities[0].forceContributions)).toEqual(listed);
  return listed;
}

describe("multinational-force releasability: a nation's contribution stays with those it is released to", () => {
  it.each([
    ['an EGY officer sees the EGY contribution and the CMCC-wide one, not the TUR or JOR ones', EGY_OFFICER, ['FC-T-CMCC', 'FC-T-EGY']],
    ['a TUR officer sees the TUR contribution and the CMCC-wide one, not the EGY or JOR ones', TUR_OFFICER, ['FC-T-CMCC', 'FC-T-TUR']],
    ['a JOR officer sees its originator-only contribution and the CMCC-wide one', JOR_OFFICER, ['FC-T-CMCC', 'FC-T-JOR']],
    ['the US planners see what EGY and TUR released to them, never the JOR originator-only one', US_SECRET, ['FC-T-CMCC', 'FC-T-EGY', 'FC-T-TUR']],
    ['a GBR member cleared RESTRICTED sees only the RESTRICTED CMCC-wide one', GBR_RESTRICTED, ['FC-T-CMCC']],
    ['a partner NGO sees none', PARTNER_NGO, []],
  ])('%s', async (_case, who, expected) => {
    expect(await seenInArea(who)).toEqual(expected);
  });

  it("filtering by another nation tells nothing: a TUR officer asking for EGY's contributions gets none and a total of 0", async () => {
    const { data, errors } = await subgraph.execute(
      `{ forceContributions(filter: { nation: "EGY", areaPcode: "${AREA}" }) { totalCount edges { node { id } } } }`,
      undefined,
      TUR_OFFICER,
    );
    expect(errors).toBeUndefined();
    expect(data.forceContributions).toEqual({ totalCount: 0, edges: [] });
  });

  it('every seeded list agrees with the releasability rule in code, for each principal', async () => {
    const rows = await subgraph.db.query<MarkingRow & { id: string }>('SELECT * FROM force_contribution');
    for (const who of [US_SECRET, EGY_OFFICER, TUR_OFFICER, JOR_OFFICER, GBR_RESTRICTED, PARTNER_NGO]) {
      const { data }: GraphQLResponse = await subgraph.execute('{ forceContributions(first: 500) { totalCount edges { node { id } } } }', undefined, who);
      const released = rows
        .filter((row) => releasedToPrincipal(who, row as unknown as MarkingRow))
        .map((row) => row.id)
        .sort();
      expect(ids(nodes(data.forceContributions))).toEqual(released);
      expect(data.forceContributions.totalCount).toBe(released.length);
    }
  });

  it("another nation's contribution asked for by id or reference is null with FORBIDDEN; an unknown id is NOT_FOUND", async () => {
    const byId = await subgraph.execute('{ forceContribution(id: "FC-T-EGY") { id personnel } }', undefined, TUR_OFFICER);
    expect(byId.data?.forceContribution).toBeNull();
    expect(byId.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byReference = await subgraph.execute(
      '{ _entities(representations: [{ __typename: "ForceContribution", id: "FC-T-JOR" }]) { ... on ForceContribution { id } } }',
      undefined,
      US_SECRET,
    );
    expect(byReference.data?._entities).toEqual([null]);
    expect(byReference.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await subgraph.execute('{ forceContribution(id: "FC-NONE") { id } }', undefined, US_SECRET);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('multinational-force filters', () => {
  it('filters by nation, role and readiness, and an area by readiness', async () => {
    const { data, errors } = await subgraph.execute(
      `{ ready: forceContributions(filter: { areaPcode: "${AREA}", readiness: READY }) { totalCount edges { node { id readiness } } }
         medical: forceContributions(filter: { areaPcode: "${AREA}", role: MEDICAL }) { edges { node { id role nation personnel } } }
         egy: forceContributions(filter: { nation: "EGY", areaPcode: "${AREA}" }) { edges { node { id } } }
         _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { forceContributions(readiness: PREPARING) { id } } } }`,
      undefined,
      US_SECRET,
    );
    expect(errors).toBeUndefined();
    expect(ids(nodes(data.ready))).toEqual(['FC-T-CMCC', 'FC-T-TUR']);
    expect(data.ready.totalCount).toBe(2);
    expect(nodes(data.medical)).toEqual([{ id: 'FC-T-TUR', role: 'MEDICAL', nation: 'TUR', personnel: 101 }]);
    expect(ids(nodes(data.egy))).toEqual(['FC-T-EGY']);
    expect(ids(data._entities[0].forceContributions)).toEqual(['FC-T-EGY']);
  });

  it('refuses a nation that is not an ISO alpha-3 code with BAD_USER_INPUT', async () => {
    const { errors } = await subgraph.execute('{ forceContributions(filter: { nation: "Egypt" }) { totalCount } }', undefined, US_SECRET);
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'nation' });
  });
});

describe('multinational-force strength by area', () => {
  const strength = async (who: Principal) => {
    const { data, errors } = await subgraph.execute(
      `{ _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { forceStrength { readiness source contributions personnel } } } }`,
      undefined,
      who,
    );
    expect(errors).toBeUndefined();
    return data._entities[0].forceStrength;
  };

  it('adds up only released contributions: a TUR officer’s figures hold nothing of the EGY offer', async () => {
    expect(await strength(TUR_OFFICER)).toEqual([{ readiness: 'READY', source: 'SYNTHETIC', contributions: 2, personnel: 101 + 102 }]);
    expect(await strength(PARTNER_NGO)).toEqual([]);
  });

  it('gives the US planners every contribution released to them, by readiness, and never the JOR originator-only one', async () => {
    expect(await strength(US_SECRET)).toEqual([
      { readiness: 'PREPARING', source: 'SYNTHETIC', contributions: 1, personnel: 100 },
      { readiness: 'READY', source: 'SYNTHETIC', contributions: 2, personnel: 101 + 102 },
    ]);
  });

  it('reads the strength of many areas in one statement', async () => {
    const pcodes = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Area { forceStrength { readiness personnel } } } }',
        { reps: pcodes.map((pcode) => ({ __typename: 'Area', pcode })) },
        US_SECRET,
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.filter((sql) => sql.includes('force_contribution'))).toHaveLength(1);
  });
});

describe('multinational-force batching', () => {
  it('resolves many contribution references in one statement, in key order', async () => {
    const keys = ['FC-0004', 'FC-T-EGY', 'FC-0001', 'FC-T-CMCC'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ForceContribution { id } } }',
        { reps: keys.map((id) => ({ __typename: 'ForceContribution', id })) },
        US_SECRET,
      ),
    );
    expect(statements.filter((sql) => sql.includes('force_contribution'))).toHaveLength(1);
    const entities = result.data._entities as ({ id: string } | null)[];
    entities.forEach((entity, i) => entity && expect(entity.id).toBe(keys[i]));
    expect(entities[1]).toEqual({ id: 'FC-T-EGY' });
  });

  it('lists the contributions of many areas in one statement', async () => {
    const pcodes = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Area { pcode forceContributions { id } } } }',
        { reps: pcodes.map((pcode) => ({ __typename: 'Area', pcode })) },
        US_SECRET,
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.map((a: { pcode: string }) => a.pcode)).toEqual(pcodes);
    expect(statements.filter((sql) => sql.includes('force_contribution'))).toHaveLength(1);
  });
});

describe('multinational-force seed', () => {
  it('seeds SYNTHETIC contributions once, each marked by its own nation', async () => {
    const seeded = async () => subgraph.db.query<MarkingRow & { source: string; nation: string }>("SELECT * FROM force_contribution WHERE id LIKE 'FC-0%'");
    expect(await seeded()).toHaveLength(SEED_COUNT);
    await prepareDatabase(multinationalForce as SubgraphDefinition<unknown>, subgraph.db);
    const rows = await seeded();
    expect(rows).toHaveLength(SEED_COUNT);
    for (const row of rows) {
      expect(row.source).toBe('SYNTHETIC');
      expect(row.originator).toBe(row.nation);
    }
  });
});

describe('multinational-force writes', () => {
  const RECORD = `mutation($input: RecordForceContributionInput!) {
    recordForceContribution(input: $input) { forceContribution { id nation readiness provenance { version } } userErrors { field code } }
  }`;
  const UPDATE = `mutation($input: UpdateForceReadinessInput!, $key: String) {
    updateForceReadiness(input: $input, idempotencyKey: $key) {
      forceContribution { id readiness readinessAsOf provenance { version updatedBy } history { version fields { field previousValue newValue } } }
      userErrors { field code message }
    }
  }`;
  const contribution = (over: Record<string, unknown> = {}) => ({
    nation: 'EGY',
    unit: 'Test engineer company',
    role: 'ENGINEERING',
    personnel: 120,
    readiness: 'PREPARING',
    readinessAsOf: '2025-11-10T00:00:00Z',
    areaPcode: 'PS0275',
    source: 'SYNTHETIC',
    marking: { classification: 'CONFIDENTIAL', releasableTo: ['EGY', 'USA'], tlp: 'AMBER', originator: 'EGY' },
    ...over,
  });

  it('refuses a principal without write:multinational-force with FORBIDDEN', async () => {
    const { errors } = await subgraph.execute(RECORD, { input: contribution() }, EGY_OFFICER);
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('records a contribution, and names each bad field without writing', async () => {
    const { data } = await subgraph.execute(RECORD, { input: contribution() }, editor(EGY_OFFICER));
    expect(data.recordForceContribution).toMatchObject({ forceContribution: { nation: 'EGY', readiness: 'PREPARING', provenance: { version: 1 } }, userErrors: [] });
    const bad = await subgraph.execute(RECORD, { input: contribution({ nation: 'Egypt', personnel: 0, areaPcode: 'PS9999' }) }, editor(EGY_OFFICER));
    expect(bad.data.recordForceContribution.forceContribution).toBeNull();
    expect(bad.data.recordForceContribution.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.areaPcode', 'input.nation', 'input.personnel']);
  });

  it('updates readiness with a new version and history; a stale version is a CONFLICT and an older report INVALID', async () => {
    const egyEditor = editor(EGY_OFFICER);
    const update = (over: Record<string, unknown>, key?: string) =>
      subgraph.execute(UPDATE, { input: { id: 'FC-T-EGY', version: 1, readiness: 'READY', readinessAsOf: '2025-11-20T00:00:00Z', ...over }, key }, egyEditor);
    const first = await update({}, 'ready-1');
    expect(first.data.updateForceReadiness.userErrors).toEqual([]);
    expect(first.data.updateForceReadiness.forceContribution).toMatchObject({ readiness: 'READY', provenance: { version: 2, updatedBy: 'egy-officer-editor' } });
    expect(first.data.updateForceReadiness.forceContribution.history.at(-1).fields.find((f: { field: string }) => f.field === 'readiness')).toEqual({
      field: 'readiness',
      previousValue: '"PREPARING"',
      newValue: '"READY"',
    });
    const retry = await update({}, 'ready-1');
    expect(retry.data.updateForceReadiness.forceContribution.provenance.version).toBe(2);
    const stale = await update({ readiness: 'PREPARING', readinessAsOf: '2025-11-21T00:00:00Z' });
    expect(stale.data.updateForceReadiness.userErrors.map((e: { code: string }) => e.code)).toEqual(['CONFLICT']);
    const older = await update({ version: 2, readinessAsOf: '2025-11-01T00:00:00Z' });
    expect(older.data.updateForceReadiness.userErrors).toMatchObject([{ field: ['input', 'readinessAsOf'], code: 'INVALID' }]);
  });

  it("answers an edit of another nation's contribution like an unknown id, telling nothing of its version or editors", async () => {
    const { data } = await subgraph.execute(UPDATE, { input: { id: 'FC-T-TUR', version: 1, readiness: 'DEPLOYED', readinessAsOf: '2025-11-20T00:00:00Z' } }, editor(EGY_OFFICER));
    expect(data.updateForceReadiness).toEqual({
      forceContribution: null,
      userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND', message: 'No force contribution has the id "FC-T-TUR"' }],
    });
    const [row] = await subgraph.db.query<{ readiness: string; version: number }>("SELECT readiness, version FROM force_contribution WHERE id = 'FC-T-TUR'");
    expect(row).toEqual({ readiness: 'READY', version: 1 });
  });
});
