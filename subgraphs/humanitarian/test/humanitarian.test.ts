import fs from 'node:fs';
import path from 'node:path';
import { parse, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVOY_COUNT, GOVERNORATE_PCODES, HOSPITAL_COUNT, ORGANIZATION_IDS, convoyId, hospitalId, sharedTypeNames, type MarkingRow } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type GraphQLResponse, type TestSubgraph } from '@cmcc/test-support/subgraph';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
});
afterAll(() => subgraph?.close());

/** Ids of the rows of a marked table (matching `where`) that the test principal may see, judged by the rule in code. */
async function releasedIds(table: string, where = 'true'): Promise<string[]> {
  const reader = TEST_PRINCIPAL;
  const rows = await subgraph.db.query<MarkingRow & { id: string }>(`SELECT * FROM ${table} WHERE ${where} ORDER BY id`);
  return rows.filter((row) => releasedToPrincipal(reader, row as unknown as MarkingRow)).map((row) => row.id);
}

const codesByPath = (errors: { path?: (string | number)[]; extensions?: Record<string, unknown> }[] = []) =>
  Object.fromEntries(errors.map((e) => [String(e.path?.[0]), e.extensions?.code]));

describe('humanitarian entities', () => {
  it('resolves Organization, Crossing and Convoy references, and null for unknown keys', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Organization", id: "XM-DAC-41140" },
        { __typename: "Crossing", id: "ZIKIM" },
        { __typename: "Convoy", id: "CONVOY-0001" },
        { __typename: "Organization", id: "XM-DAC-00000" },
        { __typename: "Crossing", id: "NOWHERE" },
        { __typename: "Convoy", id: "CONVOY-9999" }
      ]) {
        ... on Organization { id name acronym type }
        ... on Crossing { id name status statusSince area { pcode } }
        ... on Convoy { id convoyType: type convoyStatus: status destination { pcode } marking { classification tlp originator } }
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toEqual({ id: 'XM-DAC-41140', name: 'World Food Programme', acronym: 'WFP', type: 'UN_AGENCY' });
    expect(data._entities[1]).toEqual({ id: 'ZIKIM', name: 'Zikim', status: 'OPEN', statusSince: '2025-11-12', area: { pcode: 'PS0255' } });
    expect(data._entities[2].id).toBe('CONVOY-0001');
    expect(data._entities[2].destination.pcode).toMatch(/^PS02\d{2}/);
    expect(data._entities[2].marking.classification).toMatch(/UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET/);
    expect(data._entities.slice(3)).toEqual([null, null, null]);
  });

  it('resolves Area and Facility references for any key without a lookup, with empty figures where there are none', async () => {
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`{
        _entities(representations: [
          { __typename: "Area", pcode: "PS0270" },
          { __typename: "Facility", id: "${hospitalId(1)}" },
          { __typename: "Area", pcode: "PS9999" },
          { __typename: "Facility", id: "FAC-UNKNOWN" }
        ]) {
          ... on Area { pcode }
          ... on Facility { id }
        }
      }`),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([{ pcode: 'PS0270' }, { id: hospitalId(1) }, { pcode: 'PS9999' }, { id: 'FAC-UNKNOWN' }]);
    expect(statements).toHaveLength(0);

    const { data } = await subgraph.execute(`{
      _entities(representations: [{ __typename: "Area", pcode: "PS9999" }, { __typename: "Facility", id: "FAC-UNKNOWN" }]) {
        ... on Area { activities { id } aidDeliveries(since: "2025-10-10T00:00:00Z") { bySource { source } } }
        ... on Facility { activities { id } }
      }
    }`);
    expect(data._entities).toEqual([{ activities: [], aidDeliveries: { bySource: [] } }, { activities: [] }]);
  });

  it('lists activities at a hospital through the Facility extension', async () => {
    const { data, errors } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Facility", id: "${hospitalId(1)}" }]) {
      ... on Facility { activities { id sector facilityId organization { acronym } } } } }`);
    expect(errors).toBeUndefined();
    const activities = data._entities[0].activities;
    expect(activities.length).toBeGreaterThan(0);
    for (const activity of activities) expect(activity).toMatchObject({ sector: 'HEALTH', facilityId: hospitalId(1) });
  });
});

describe('humanitarian reference facts and real figures', () => {
  it('seeds the five crossings with the status in force now, Erez West being Zikim', async () => {
    const { data } = await subgraph.execute(`{ crossings { id status allowedTraffic statusSince statusNote statusSource } }`);
    const byId = Object.fromEntries(data.crossings.map((c: { id: string }) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', 'RAFAH']);
    // Rafah is closed, so medical evacuations leave through Kerem Shalom.
    expect(byId.KEREM_SHALOM).toMatchObject({ status: 'OPEN', allowedTraffic: ['CARGO', 'FUEL', 'MEDICAL_EVACUATION'] });
    expect(byId.KEREM_SHALOM.statusNote).toMatch(/main cargo and fuel/i);
    expect(byId.KISSUFIM).toMatchObject({ status: 'OPEN', statusSince: '2025-10-20' });
    expect(byId.ZIKIM).toMatchObject({ status: 'OPEN', statusSince: '2025-11-12' });
    expect(byId.ZIKIM.statusNote).toMatch(/only direct crossing into the north/i);
    expect(byId.EREZ).toMatchObject({ status: 'CLOSED', allowedTraffic: [] });
    expect(byId.EREZ.statusNote).toContain('22 October 2025');
    // Closed again on 28 February 2026, and nothing recorded since.
    expect(byId.RAFAH).toMatchObject({ status: 'CLOSED', allowedTraffic: [], statusSince: '2026-02-28' });
  });

  it('reports no day open before a crossing reopened, and no aid trucks at Rafah', async () => {
    const { data } = await subgraph.execute(`{ crossings { id dailyReports(first: 400) { date open trucksOffloaded fuelLitres source } } }`);
    const byId = Object.fromEntries(data.crossings.map((c: { id: string; dailyReports: unknown[] }) => [c.id, c.dailyReports]));
    const reopened = { KISSUFIM: '2025-10-20', ZIKIM: '2025-11-12' } as const;
    for (const [id, date] of Object.entries(reopened)) {
      for (const report of byId[id]) {
        expect(report.open).toBe(report.date >= date);
        if (!report.open) expect(report.trucksOffloaded).toBe(0);
      }
    }
    expect(byId.RAFAH).toEqual([]);
    expect(byId.KISSUFIM.every((r: { fuelLitres: number }) => r.fuelLitres === 0)).toBe(true);
    expect(byId.KEREM_SHALOM.some((r: { fuelLitres: number }) => r.fuelLitres > 0)).toBe(true);
  });

  it('keeps published figures with their own source and date, apart from synthetic records', async () => {
    const { data } = await subgraph.execute(`{ reportedAidFigures { totalCount edges { node {
      id metric qualifier value valueMax periodStart periodEnd source asOf area { pcode } marking { classification tlp } } } } }`);
    const figures = data.reportedAidFigures.edges.map((e: { node: unknown }) => e.node);
    expect(figures).toContainEqual(
      expect.objectContaining({ source: 'CENTCOM', metric: 'TRUCKS_ENTERED_PER_DAY', qualifier: 'MORE_THAN', value: 600, periodEnd: '2025-10-31', asOf: '2025-10-31' }),
    );
    expect(figures).toContainEqual(
      expect.objectContaining({ source: 'UN2720', metric: 'TRUCKS_COLLECTED', qualifier: 'EXACT', value: 2604, periodStart: '2025-05-19', periodEnd: '2025-08-05' }),
    );
    expect(figures).toContainEqual(expect.objectContaining({ source: 'UN2720', metric: 'TRUCKS_REACHED_DESTINATION', value: 295, asOf: '2025-08-05' }));
    for (const figure of figures) {
      expect(figure.source).not.toBe('SYNTHETIC');
      expect(figure.marking).toEqual({ classification: 'UNCLASSIFIED', tlp: 'CLEAR' });
    }
    // The UN 2720 dashboard's two figures, and the UN's count of trucks offloaded as AP reported it.
    const { data: filtered } = await subgraph.execute(`{ reportedAidFigures(source: UN2720) { totalCount } }`);
    expect(filtered.reportedAidFigures.totalCount).toBe(3);
  });
});

describe('humanitarian seed', () => {
  it('seeds the real organisations, the convoys by reference id, and enough synthetic records', async () => {
    const { data } = await subgraph.execute(`{ organizations { id } convoys(first: 0) { totalCount } activities(first: 0) { totalCount } }`);
    expect(data.organizations.map((o: { id: string }) => o.id).sort()).toEqual([...ORGANIZATION_IDS].sort());
    // Totals count what the test principal may see; the seed itself is counted in SQL below.
    expect(data.convoys.totalCount).toBe((await releasedIds('convoy')).length);
    expect(data.activities.totalCount).toBe((await releasedIds('activity')).length);
    expect(CONVOY_COUNT).toBeGreaterThanOrEqual(100);
    const [{ activities }] = await subgraph.db.query<{ activities: number }>('SELECT count(*)::int AS activities FROM activity');
    expect(activities).toBeGreaterThanOrEqual(50);

    const ids = await subgraph.db.query<{ id: string }>('SELECT id FROM convoy ORDER BY id');
    expect(ids.map((r) => r.id)).toEqual(Array.from({ length: CONVOY_COUNT }, (_, i) => convoyId(i + 1)));

    const reports = await subgraph.db.query<{ crossing_id: string; days: number }>(`SELECT crossing_id, count(*)::int AS days FROM crossing_daily_report GROUP BY crossing_id`);
    for (const id of ['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM']) expect(reports.find((r) => r.crossing_id === id)?.days).toBeGreaterThanOrEqual(60);

    const [consignments] = await subgraph.db.query<{ total: number; delivered: number; stages: number; cargo_convoys: number; fewest: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE stage = 'DELIVERED')::int AS delivered, count(DISTINCT stage)::int AS stages,
              count(DISTINCT convoy_id)::int AS cargo_convoys,
              (SELECT min(n) FROM (SELECT count(*)::int AS n FROM truck_consignment GROUP BY convoy_id) per_convoy) AS fewest
       FROM truck_consignment`,
    );
    expect(consignments.stages).toBe(5);
    expect(consignments.fewest).toBeGreaterThanOrEqual(3);
    expect(consignments.cargo_convoys).toBeGreaterThanOrEqual(CONVOY_COUNT / 2);
    expect(consignments.delivered / consignments.total).toBeGreaterThan(0.3);

    const destinations = await subgraph.db.query<{ pcode: string }>('SELECT DISTINCT destination_pcode AS pcode FROM convoy');
    for (const governorate of GOVERNORATE_PCODES) expect(destinations.some((d) => d.pcode.startsWith(governorate))).toBe(true);
    expect(destinations.some((d) => d.pcode.length === 8)).toBe(true);

    const [hospitals] = await subgraph.db.query<{ n: number }>(`SELECT count(DISTINCT facility_id)::int AS n FROM activity WHERE facility_id LIKE 'FAC-HOSPITAL-%'`);
    expect(hospitals.n).toBeGreaterThanOrEqual(10);
    expect(hospitals.n).toBeLessThanOrEqual(HOSPITAL_COUNT);

    const [synthetic] = await subgraph.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM convoy WHERE source <> 'SYNTHETIC') + (SELECT count(*) FROM truck_consignment WHERE source <> 'SYNTHETIC')
            + (SELECT count(*) FROM activity WHERE source <> 'SYNTHETIC') + (SELECT count(*) FROM crossing_daily_report WHERE source <> 'SYNTHETIC') AS n`,
    );
    expect(synthetic.n).toBe(0);
  });
});

describe('humanitarian aid deliveries', () => {
  const SINCE = '2025-10-10T00:00:00Z';

  it('counts consignments delivered to a governorate and its localities, per source, within [since, until)', async () => {
    const query = `query($since: DateTime!, $until: DateTime) { _entities(representations: [{ __typename: "Area", pcode: "PS0260" }]) {
      ... on Area { aidDeliveries(since: $since, until: $until) { area { pcode } since until bySource {
        source asOf trucks tonnes pallets byCategory { category trucks tonnes pallets } } } } } }`;
    const { data, errors } = await subgraph.execute(query, { since: SINCE });
    expect(errors).toBeUndefined();
    const summary = data._entities[0].aidDeliveries;
    expect(summary).toMatchObject({ area: { pcode: 'PS0260' }, since: '2025-10-10T00:00:00.000Z', until: null });

    // Only consignments of convoys released to the test principal count.
    const released = await releasedIds('convoy');
    const expected = await subgraph.db.query<{ source: string; trucks: number; tonnes: number }>(
      `SELECT c.source, count(*)::int AS trucks, sum(c.tonnes)::float8 AS tonnes FROM truck_consignment c JOIN convoy v ON v.id = c.convoy_id
       WHERE c.stage = 'DELIVERED' AND v.destination_pcode LIKE 'PS0260%' AND v.id = ANY($1::text[]) GROUP BY c.source`,
      [released],
    );
    expect(summary.bySource.map((s: { source: string }) => s.source)).toEqual(expected.map((e) => e.source));
    const [figures] = summary.bySource;
    expect(figures.trucks).toBe(expected[0].trucks);
    expect(figures.tonnes).toBeCloseTo(expected[0].tonnes, 2);
    // Within one source, categories add up to the source's figures.
    expect(figures.byCategory.reduce((sum: number, c: { trucks: number }) => sum + c.trucks, 0)).toBe(figures.trucks);
    expect(figures.byCategory.reduce((sum: number, c: { tonnes: number }) => sum + c.tonnes, 0)).toBeCloseTo(figures.tonnes, 1);
    const [localities] = await subgraph.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM truck_consignment c JOIN convoy v ON v.id = c.convoy_id WHERE c.stage = 'DELIVERED' AND v.destination_pcode LIKE 'PS0260_%'`,
    );
    expect(localities.n).toBeGreaterThan(0);

    const asOf = figures.asOf;
    const { data: before } = await subgraph.execute(query, { since: SINCE, until: asOf });
    expect(before._entities[0].aidDeliveries.bySource[0]?.trucks ?? 0).toBeLessThan(figures.trucks);
    const { data: empty } = await subgraph.execute(query, { since: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' });
    expect(empty._entities[0].aidDeliveries.bySource).toEqual([]);
  });

  it('rejects a period that ends before it starts', async () => {
    const { errors } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Area", pcode: "PS0260" }]) {
      ... on Area { aidDeliveries(since: "2025-11-01T00:00:00Z", until: "2025-10-01T00:00:00Z") { since } } } }`);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('humanitarian batching', () => {
  it('resolves 25 convoys with organisations, crossing and consignments in one statement per relation', async () => {
    const representations = (await releasedIds('convoy')).slice(0, 25).map((id) => ({ __typename: 'Convoy', id }));
    expect(representations).toHaveLength(25);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Convoy { id requestingOrganizations { acronym }
           crossing { id name } destination { pcode } consignments(first: 5) { id stage convoy { id } } } } }`,
        { r: representations },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(25);
    expect(result.data._entities.every((c: { id: string } | null) => c !== null)).toBe(true);
    // convoys by id (the consignments' convoys are then cached), organisations, crossings, consignments.
    expect(statements.filter((sql) => /FROM convoy t WHERE t\.id = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /convoy_requesting_organization/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM crossing WHERE id = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /truck_consignment/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(4);
  });

  it('resolves 23 areas with aid deliveries and activities (with their organisations) in one statement per relation', async () => {
    const pcodes = [
      'PS02',
      ...GOVERNORATE_PCODES,
      ...(await subgraph.db.query<{ p: string }>('SELECT DISTINCT area_pcode AS p FROM activity WHERE length(area_pcode) = 8')).map((r) => r.p),
    ];
    const representations = pcodes.slice(0, 23).map((pcode) => ({ __typename: 'Area', pcode }));
    expect(representations.length).toBeGreaterThanOrEqual(20);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode
           aidDeliveries(since: "2025-10-10T00:00:00Z") { bySource { source trucks } }
           activities(first: 3) { id organization { acronym } implementingOrganization { acronym } area { pcode } } } } }`,
        { r: representations },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(representations.length);
    expect(statements.filter((sql) => /truck_consignment/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /JOIN activity t/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM organization WHERE id = ANY/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(3);
  });

  it('resolves 36 facilities with their activities in one statement', async () => {
    const representations = Array.from({ length: HOSPITAL_COUNT }, (_, i) => ({ __typename: 'Facility', id: hospitalId(i + 1) }));
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Facility { id activities { id } } } }`, { r: representations }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.filter((f: { activities: unknown[] }) => f.activities.length > 0).length).toBeGreaterThanOrEqual(10);
    expect(statements).toHaveLength(1);
  });

  it('resolves every crossing and organisation with their reports and activities in one statement per relation', async () => {
    const representations = [
      ...['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', 'RAFAH'].map((id) => ({ __typename: 'Crossing', id })),
      ...ORGANIZATION_IDS.map((id) => ({ __typename: 'Organization', id })),
    ];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) {
           ... on Crossing { id dailyReports(first: 5) { date crossing { id } } }
           ... on Organization { id activities(first: 5) { id organization { id } } } } }`,
        { r: representations },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(15);
    // crossings by id, organisations by id, reports, activities; the reports' crossings and activities' organisations are cached.
    expect(statements).toHaveLength(4);
  });
});

describe('humanitarian input errors and paging', () => {
  it('answers unknown ids with NOT_FOUND', async () => {
    const { data, errors } = await subgraph.execute(
      `{ crossing(id: "NOWHERE") { id } convoy(id: "CONVOY-9999") { id } organization(id: "XM-DAC-0") { id } known: crossing(id: "RAFAH") { id } }`,
    );
    expect(data).toEqual({ crossing: null, convoy: null, organization: null, known: { id: 'RAFAH' } });
    expect(codesByPath(errors)).toEqual({ crossing: 'NOT_FOUND', convoy: 'NOT_FOUND', organization: 'NOT_FOUND' });
  });

  it('rejects a malformed DateTime and a malformed P-code with BAD_USER_INPUT', async () => {
    const { errors } = await subgraph.execute(`query($since: DateTime) { crossing(id: "ZIKIM") { dailyReports(since: $since) { id } } }`, {
      since: '12/11/2025',
    });
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toContain('ISO 8601');
    const { errors: pcodeErrors } = await subgraph.execute(`{ convoys(filter: { destinationPcode: "Gaza" }) { totalCount } }`);
    expect(pcodeErrors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('rejects first: -1 and a first above the maximum, on connections and on list fields', async () => {
    for (const first of [-1, 100000]) {
      const { errors } = await subgraph.execute(`query($first: Int) { convoys(first: $first) { totalCount } }`, { first });
      expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(errors![0].message).toContain('from 0 to 500');
      const { errors: listErrors } = await subgraph.execute(`query($first: Int) { convoy(id: "CONVOY-0001") { consignments(first: $first) { id } } }`, { first });
      expect(listErrors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(listErrors![0].message).toContain('from 0 to 200');
    }
  });

  it('rejects a cursor it did not issue', async () => {
    const { errors } = await subgraph.execute(`{ convoys(after: "not-a-cursor") { totalCount } }`);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('pages convoys with cursors without repeating or skipping a convoy', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { convoys(first: 7, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      total = data.convoys.totalCount;
      seen.push(...data.convoys.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.convoys.pageInfo.hasNextPage ? data.convoys.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe((await releasedIds('convoy')).length);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('pages a filtered connection and a list field by id without repeats or gaps', async () => {
    const filter = { destinationPcode: 'PS0270', status: 'FACILITATED' };
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String, $filter: ConvoyFilter) { convoys(first: 4, after: $after, filter: $filter) {
           totalCount edges { node { id status destination { pcode } } } pageInfo { hasNextPage endCursor } } }`,
        { after, filter },
      );
      total = data.convoys.totalCount;
      for (const { node } of data.convoys.edges) {
        expect(node.status).toBe('FACILITATED');
        expect(node.destination.pcode.startsWith('PS0270')).toBe(true);
        seen.push(node.id);
      }
      after = data.convoys.pageInfo.hasNextPage ? data.convoys.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(total);

    const dates: string[] = [];
    let afterId: string | null = null;
    for (;;) {
      const { data }: GraphQLResponse<{ crossing: { dailyReports: { id: string; date: string }[] } }> = await subgraph.execute(
        `query($after: ID) { crossing(id: "KISSUFIM") { dailyReports(first: 25, after: $after) { id date } } }`,
        { after: afterId },
      );
      const page: { id: string; date: string }[] = data!.crossing.dailyReports;
      if (page.length === 0) break;
      dates.push(...page.map((r) => r.date));
      afterId = page[page.length - 1].id;
    }
    const n = (await releasedIds('crossing_daily_report', `crossing_id = 'KISSUFIM'`)).length;
    expect(dates).toHaveLength(n);
    expect(new Set(dates).size).toBe(n);
    expect([...dates].sort().reverse()).toEqual(dates);
  });
});

describe('humanitarian schema', () => {
  const sdl = fs.readFileSync(path.join(humanitarian.root, 'schema.graphql'), 'utf8');

  it('leaves the shared vocabulary to the kit (defines none of its types)', () => {
    const own = parse(sdl).definitions.flatMap((definition) => ('name' in definition && definition.name ? [definition.name.value] : []));
    expect(own.filter((name) => sharedTypeNames().includes(name))).toEqual([]);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    const check = (node: { description?: { value: string } | undefined; name: { value: string } }, where: string) => {
      if (!node.description?.value.trim()) missing.push(where + node.name.value);
    };
    let parent = '';
    visit(parse(sdl), {
      ObjectTypeDefinition: (node) => void ((parent = node.name.value), check(node, '')),
      InputObjectTypeDefinition: (node) => void ((parent = node.name.value), check(node, '')),
      EnumTypeDefinition: (node) => void ((parent = node.name.value), check(node, '')),
      ScalarTypeDefinition: (node) => check(node, ''),
      FieldDefinition: (node) => check(node, `${parent}.`),
      // Arguments and input fields alike.
      InputValueDefinition: (node) => check(node, `${parent}.`),
      EnumValueDefinition: (node) => check(node, `${parent}.`),
    });
    expect(missing).toEqual([]);
  });
});
