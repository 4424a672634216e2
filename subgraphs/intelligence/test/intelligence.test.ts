import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, markingToRow, prepareDatabase, type AccessMarking, type MarkingRow, type Principal, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, type GraphQLResponse, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { REPORT_COLUMNS, SEED_COUNT } from '../src/data/seed.ts';
import { intelligence } from '../src/server.ts';

/**
 * The intelligence subgraph: reports reach only the principals their strict markings release them to (lists, totals,
 * lookups by key, references, an incident's or an area's reports), a withheld report leaves no trace, every batch is
 * one statement, and editors cannot write a report with an open marking.
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
const DEU_CONFIDENTIAL = principal({ subject: 'deu-confidential', nation: 'DEU', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const EDITOR = principal({ ...US_SECRET, subject: 'us-editor', roles: ['editor'], scopes: ['write:intelligence'] });
const DEU_EDITOR = principal({ ...DEU_CONFIDENTIAL, subject: 'deu-editor', roles: ['editor'], scopes: ['write:intelligence'] });

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string, recipients: string[] = []) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients, caveats: [] }));

// Fixtures lie in a governorate P-code the seed does not use and bear on incident ids the seed does not use.
const AREA = 'PS0299';
const FIXTURES = [
  // id, reliability, credibility, incidents, marking
  // Originated by a nation: an `org: CMCC` principal would read a CMCC-originated report as its originator (rule 1).
  ['IR-T-CMCC', 'B', 2, ['INC-T-1'], mark('CONFIDENTIAL', 'AMBER', ['CMCC'], 'USA')],
  ['IR-T-NATO', 'A', 1, ['INC-T-1', 'INC-T-2'], mark('RESTRICTED', 'AMBER', ['NATO'], 'GBR')],
  ['IR-T-FVEY', 'C', 3, ['INC-T-1'], mark('SECRET', 'AMBER', ['FVEY'], 'USA')],
  ['IR-T-RED', 'F', 6, ['INC-T-2'], mark('CONFIDENTIAL', 'RED', ['USA', 'GBR'], 'USA', ['us-secret'])],
] as const;

beforeAll(async () => {
  subgraph = await startTestSubgraph(intelligence);
  await insertRows(
    subgraph.db,
    'intelligence_report',
    REPORT_COLUMNS,
    FIXTURES.map(([id, reliability, credibility, incidents, marking], i) => [
      id,
      `Test report ${id}`,
      `Summary of ${id}`,
      `2025-11-0${i + 1}T08:00:00Z`,
      'HUMINT',
      reliability,
      credibility,
      'Test source',
      `${AREA}01`,
      incidents,
      'SYNTHETIC',
      ...marking,
    ]),
  );
});
afterAll(() => subgraph?.close());

const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();

async function seenInArea(who: Principal): Promise<string[]> {
  const { data, errors } = await subgraph.execute(
    `{ intelligenceReports(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id } } }
       _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { intelligenceReports { id } } } }`,
    undefined,
    who,
  );
  expect(errors).toBeUndefined();
  const listed = ids(data.intelligenceReports.edges.map((e: { node: { id: string } }) => e.node));
  expect(data.intelligenceReports.totalCount).toBe(listed.length);
  expect(ids(data._entities[0].intelligenceReports)).toEqual(listed);
  return listed;
}

describe('intelligence releasability: who must not see what', () => {
  it('a partner NGO sees no report at all: none is ever open, and the seed holds none for them', async () => {
    expect(await seenInArea(PARTNER_NGO)).toEqual([]);
    const { data } = await subgraph.execute('{ intelligenceReports(first: 500) { totalCount edges { node { id } } } }', undefined, PARTNER_NGO);
    expect(data.intelligenceReports).toEqual({ totalCount: 0, edges: [] });
  });

  it('a DEU member cleared CONFIDENTIAL sees the CMCC report and the NATO one, never the FVEY or TLP:RED ones', async () => {
    expect(await seenInArea(DEU_CONFIDENTIAL)).toEqual(['IR-T-CMCC', 'IR-T-NATO']);
  });

  it('a GBR member cleared RESTRICTED sees only the RESTRICTED NATO report', async () => {
    expect(await seenInArea(GBR_RESTRICTED)).toEqual(['IR-T-NATO']);
  });

  it('a US principal cleared SECRET and named as recipient sees all four', async () => {
    expect(await seenInArea(US_SECRET)).toEqual(['IR-T-CMCC', 'IR-T-FVEY', 'IR-T-NATO', 'IR-T-RED']);
  });

  it('every seeded list agrees with the releasability rule in code, for each principal', async () => {
    const rows = await subgraph.db.query<MarkingRow & { id: string }>('SELECT * FROM intelligence_report');
    for (const who of [US_SECRET, GBR_RESTRICTED, DEU_CONFIDENTIAL, PARTNER_NGO]) {
      const { data }: GraphQLResponse = await subgraph.execute('{ intelligenceReports(first: 500) { totalCount edges { node { id } } } }', undefined, who);
      const released = rows
        .filter((row) => releasedToPrincipal(who, row as unknown as MarkingRow))
        .map((row) => row.id)
        .sort();
      expect(ids(data.intelligenceReports.edges.map((e: { node: { id: string } }) => e.node))).toEqual(released);
      expect(data.intelligenceReports.totalCount).toBe(released.length);
    }
  });

  it("an incident's reports hold only released ones: no error, no count, nothing says a withheld report exists", async () => {
    const query = `{ _entities(representations: [{ __typename: "SecurityIncident", id: "INC-T-1" }, { __typename: "SecurityIncident", id: "INC-T-2" }]) {
      ... on SecurityIncident { id intelligenceReports { id } } } }`;
    const deu = await subgraph.execute(query, undefined, DEU_CONFIDENTIAL);
    expect(deu.errors).toBeUndefined();
    expect(deu.data._entities.map((i: { intelligenceReports: { id: string }[] }) => ids(i.intelligenceReports))).toEqual([['IR-T-CMCC', 'IR-T-NATO'], ['IR-T-NATO']]);
    const ngo = await subgraph.execute(query, undefined, PARTNER_NGO);
    expect(ngo.errors).toBeUndefined();
    expect(ngo.data._entities).toEqual([
      { id: 'INC-T-1', intelligenceReports: [] },
      { id: 'INC-T-2', intelligenceReports: [] },
    ]);
  });

  it('a withheld report asked for by id or by reference is null with FORBIDDEN; an unknown id is NOT_FOUND', async () => {
    const byId = await subgraph.execute('{ intelligenceReport(id: "IR-T-FVEY") { id title } }', undefined, DEU_CONFIDENTIAL);
    expect(byId.data?.intelligenceReport).toBeNull();
    expect(byId.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byReference = await subgraph.execute(
      '{ _entities(representations: [{ __typename: "IntelligenceReport", id: "IR-T-RED" }]) { ... on IntelligenceReport { id } } }',
      undefined,
      GBR_RESTRICTED,
    );
    expect(byReference.data?._entities).toEqual([null]);
    expect(byReference.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await subgraph.execute('{ intelligenceReport(id: "IR-NONE") { id } }', undefined, US_SECRET);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('intelligence grading and filters', () => {
  it('gives the Admiralty grading, and a minimum reliability keeps A-to-letter sources, F only with F', async () => {
    const { data, errors } = await subgraph.execute(
      `{ all: intelligenceReports(filter: { areaPcode: "${AREA}" }) { edges { node { id grading sourceReliability informationCredibility } } }
         b: intelligenceReports(filter: { areaPcode: "${AREA}", minimumReliability: B }) { totalCount edges { node { id } } }
         f: intelligenceReports(filter: { areaPcode: "${AREA}", minimumReliability: F }) { edges { node { id } } }
         since: intelligenceReports(filter: { areaPcode: "${AREA}", since: "2025-11-03T00:00:00Z" }) { edges { node { id } } } }`,
      undefined,
      US_SECRET,
    );
    expect(errors).toBeUndefined();
    expect(data.all.edges.find((e: { node: { id: string } }) => e.node.id === 'IR-T-CMCC').node).toMatchObject({
      grading: 'B2',
      sourceReliability: 'B',
      informationCredibility: 'PROBABLY_TRUE',
    });
    expect(ids(data.b.edges.map((e: { node: { id: string } }) => e.node))).toEqual(['IR-T-CMCC', 'IR-T-NATO']);
    expect(data.b.totalCount).toBe(2);
    expect(ids(data.f.edges.map((e: { node: { id: string } }) => e.node))).toEqual(['IR-T-RED']);
    expect(ids(data.since.edges.map((e: { node: { id: string } }) => e.node))).toEqual(['IR-T-FVEY', 'IR-T-RED']);
  });

  it('refuses a malformed area P-code and a page size out of range with BAD_USER_INPUT', async () => {
    const pcode = await subgraph.execute('{ intelligenceReports(filter: { areaPcode: "Khan Younis" }) { totalCount } }', undefined, US_SECRET);
    expect(pcode.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'areaPcode' });
    const page = await subgraph.execute(
      '{ _entities(representations: [{ __typename: "SecurityIncident", id: "INC-T-1" }]) { ... on SecurityIncident { intelligenceReports(first: 101) { id } } } }',
      undefined,
      US_SECRET,
    );
    expect(page.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('intelligence batching', () => {
  it('resolves many report references in one statement, in key order', async () => {
    const keys = ['IR-0003', 'IR-T-NATO', 'IR-0001', 'IR-T-CMCC'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on IntelligenceReport { id } } }',
        { reps: keys.map((id) => ({ __typename: 'IntelligenceReport', id })) },
        DEU_CONFIDENTIAL,
      ),
    );
    expect(statements.filter((sql) => sql.includes('intelligence_report'))).toHaveLength(1);
    const entities = result.data._entities as ({ id: string } | null)[];
    entities.forEach((entity, i) => entity && expect(entity.id).toBe(keys[i]));
    expect(entities[1]).toEqual({ id: 'IR-T-NATO' });
  });

  it('reads the reports of many incidents, and of many areas, in one statement each', async () => {
    const incidents = Array.from({ length: 30 }, (_, i) => `INC-${String(i + 1).padStart(4, '0')}`);
    const byIncident = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on SecurityIncident { id intelligenceReports { id grading } } } }',
        { reps: incidents.map((id) => ({ __typename: 'SecurityIncident', id })) },
        US_SECRET,
      ),
    );
    expect(byIncident.result.errors).toBeUndefined();
    expect(byIncident.result.data._entities.map((i: { id: string }) => i.id)).toEqual(incidents);
    expect(byIncident.statements.filter((sql) => sql.includes('intelligence_report'))).toHaveLength(1);
    const pcodes = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];
    const byArea = await subgraph.statementsDuring(() =>
      subgraph.execute(
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Area { pcode intelligenceReports(first: 5) { id } } } }',
        { reps: pcodes.map((pcode) => ({ __typename: 'Area', pcode })) },
        US_SECRET,
      ),
    );
    expect(byArea.result.errors).toBeUndefined();
    expect(byArea.statements.filter((sql) => sql.includes('intelligence_report'))).toHaveLength(1);
  });
});

describe('intelligence seed', () => {
  it('seeds SYNTHETIC reports once, every one at least RESTRICTED and TLP:AMBER or stricter', async () => {
    const seeded = async () => subgraph.db.query<MarkingRow & { source: string }>("SELECT * FROM intelligence_report WHERE id LIKE 'IR-0%'");
    expect(await seeded()).toHaveLength(SEED_COUNT);
    await prepareDatabase(intelligence as SubgraphDefinition<unknown>, subgraph.db);
    const rows = await seeded();
    expect(rows).toHaveLength(SEED_COUNT);
    for (const row of rows) {
      expect(row.source).toBe('SYNTHETIC');
      expect(row.classification).not.toBe('UNCLASSIFIED');
      expect(['AMBER', 'AMBER_STRICT', 'RED']).toContain(row.tlp);
    }
  });
});

describe('intelligence writes', () => {
  const WRITE = `mutation($input: RecordIntelligenceReportInput!, $key: String) {
    recordIntelligenceReport(input: $input, idempotencyKey: $key) {
      intelligenceReport { id grading relatedIncidentIds marking { classification releasableTo tlp originator } provenance { version recordedBy } }
      userErrors { field code message }
    }
  }`;
  const input = (over: Record<string, unknown> = {}) => ({
    title: 'Reported checkpoint (test)',
    summary: 'A test report.',
    reportedAt: '2025-11-05T10:00:00Z',
    discipline: 'HUMINT',
    sourceReliability: 'B',
    informationCredibility: 'POSSIBLY_TRUE',
    sourceDescription: 'Test liaison contact',
    areaPcode: 'PS0270',
    relatedIncidentIds: ['INC-0001', 'INC-0001', 'INC-0002'],
    source: 'SYNTHETIC',
    ...over,
  });

  it('refuses a principal without write:intelligence with FORBIDDEN', async () => {
    const { data, errors } = await subgraph.execute(WRITE, { input: input() }, US_SECRET);
    expect(data?.recordIntelligenceReport ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('marks a report written without a marking SECRET for FVEY, TLP:AMBER, from the editor’s nation, once per idempotency key', async () => {
    const first = await subgraph.execute(WRITE, { input: input(), key: 'ir-1' }, EDITOR);
    const report = first.data.recordIntelligenceReport.intelligenceReport;
    expect(report).toMatchObject({
      grading: 'B3',
      relatedIncidentIds: ['INC-0001', 'INC-0002'],
      marking: { classification: 'SECRET', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'USA' },
      provenance: { version: 1, recordedBy: 'us-editor' },
    });
    const retry = await subgraph.execute(WRITE, { input: input(), key: 'ir-1' }, EDITOR);
    expect(retry.data.recordIntelligenceReport.intelligenceReport.id).toBe(report.id);
    // The default marking is SECRET: a DEU editor cleared CONFIDENTIAL may not create a record above its clearance.
    const count = async () => (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM intelligence_report'))[0].n;
    const before = await count();
    const deu = await subgraph.execute(WRITE, { input: input() }, DEU_EDITOR);
    expect(deu.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'WITHIN_CLEARANCE' });
    expect(await count()).toBe(before);
    const seen = await subgraph.execute(`{ intelligenceReport(id: "${report.id}") { id } }`, undefined, DEU_CONFIDENTIAL);
    expect(seen.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an open marking (UNCLASSIFIED, TLP:GREEN) and names each bad field, writing nothing', async () => {
    const before = (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM intelligence_report'))[0].n;
    const { data } = await subgraph.execute(
      WRITE,
      {
        input: input({
          areaPcode: 'PS9999',
          relatedIncidentIds: ['not-an-incident'],
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'USA' },
        }),
      },
      EDITOR,
    );
    expect(data.recordIntelligenceReport.intelligenceReport).toBeNull();
    expect(data.recordIntelligenceReport.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual([
      'input.areaPcode',
      'input.marking.classification',
      'input.marking.tlp',
      'input.relatedIncidentIds',
    ]);
    expect((await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM intelligence_report'))[0].n).toBe(before);
  });
});
