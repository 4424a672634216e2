import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { CONVOY_COUNT, GOVERNORATE_PCODES, HOSPITAL_COUNT, convoyId, hospitalId, type MarkingRow } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
});
afterAll(() => subgraph?.close());

/** Ids of the rows of `table` (matching `where`) whose marking releases them to the test principal. */
async function releasedIds(table: string, where = 'true', params: unknown[] = [], idColumn = 'id'): Promise<string[]> {
  const rows = await subgraph.db.query<MarkingRow & Record<string, string>>(`SELECT * FROM ${table} WHERE ${where}`, params);
  const reader = TEST_PRINCIPAL;
  return rows.filter((row) => releasedToPrincipal(reader, row as unknown as MarkingRow)).map((row) => row[idColumn]);
}

const FACILITY_TYPES = [
  'WATER_WELL',
  'DESALINATION_PLANT',
  'WASTEWATER_PLANT',
  'PUMPING_STATION',
  'POWER_FEEDER',
  'POWER_PLANT',
  'ROAD_SEGMENT',
  'HOSPITAL',
  'PRIMARY_HEALTH_CENTRE',
  'BAKERY',
  'SCHOOL',
  'WAREHOUSE',
];

describe('engineering entities', () => {
  it('resolves Facility references, and an unknown facility id to null', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Facility", id: "FAC-HOSPITAL-001" },
        { __typename: "Facility", id: "FAC-NO-SUCH-FACILITY" }
      ]) {
        ... on Facility { id type status statusAsOf area { pcode } capacity { value unit } source marking { classification tlp } }
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toMatchObject({ id: 'FAC-HOSPITAL-001', type: 'HOSPITAL', status: 'PARTIAL', statusAsOf: '2025-10-08', source: 'SYNTHETIC' });
    expect(data._entities[0].capacity.unit).toBe('BEDS');
    expect(data._entities[1]).toBeNull();
  });

  it('extends Area, Crossing and Convoy references without owning them; unknown keys get no engineering data', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Area", pcode: "PS0270" },
        { __typename: "Area", pcode: "PS9999" },
        { __typename: "Crossing", id: "KEREM_SHALOM" },
        { __typename: "Crossing", id: "NO_SUCH_CROSSING" },
        { __typename: "Convoy", id: "${convoyId(2)}" },
        { __typename: "Convoy", id: "CONVOY-9999" }
      ]) {
        ... on Area { pcode facilities(first: 3) { id area { pcode } } debrisEstimate { source } }
        ... on Crossing { id accessRoadStatus { passability roadSegment { id type } source } }
        ... on Convoy { id routeHazardStatus { level } }
      }
    }`);
    expect(errors).toBeUndefined();
    const [khanYounis, unknownArea, keremShalom, unknownCrossing, , unknownConvoy] = data._entities;
    expect(khanYounis.facilities).toHaveLength(3);
    for (const facility of khanYounis.facilities) expect(facility.area.pcode.startsWith('PS0270')).toBe(true);
    expect(khanYounis.debrisEstimate.source).toBe('SYNTHETIC');
    expect(unknownArea).toEqual({ pcode: 'PS9999', facilities: [], debrisEstimate: null });
    expect(keremShalom.accessRoadStatus.roadSegment).toEqual({ id: 'FAC-ROAD-SEGMENT-001', type: 'ROAD_SEGMENT' });
    expect(unknownCrossing).toEqual({ id: 'NO_SUCH_CROSSING', accessRoadStatus: null });
    expect(unknownConvoy).toEqual({ id: 'CONVOY-9999', routeHazardStatus: null });
  });

  it('keeps a convoy route hazard level consistent with the tasks along the route', async () => {
    // Over every task along the route (in SQL): a principal sees only the tasks released to them.
    const routes = await subgraph.db.query<{ level: string; statuses: string[] }>(
      `SELECT r.level, array(SELECT t.status FROM explosive_hazard_task t WHERE t.id = ANY(r.hazard_task_ids)) AS statuses FROM convoy_route_hazard r`,
    );
    expect(routes.length).toBeGreaterThan(CONVOY_COUNT / 2);
    for (const { level, statuses } of routes) {
      const open = statuses.some((status) => status === 'REQUESTED' || status === 'ASSESSED');
      expect(level).toBe(open ? 'UNMARKED_HAZARDS' : statuses.includes('MARKED') ? 'MARKED_HAZARDS' : 'NO_KNOWN_HAZARD');
    }

    const representations = Array.from({ length: CONVOY_COUNT }, (_, i) => ({ __typename: 'Convoy', id: convoyId(i + 1) }));
    const { data, errors } = await subgraph.execute(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Convoy { id routeHazardStatus { level hazardTasks { id } } } } }`,
      { r: representations },
    );
    expect(errors).toBeUndefined();
    const listed = data._entities.filter((c: any) => c.routeHazardStatus);
    expect(listed.map((c: any) => c.id).sort()).toEqual((await releasedIds('convoy_route_hazard', 'true', [], 'convoy_id')).sort());
    const released = new Set(await releasedIds('explosive_hazard_task'));
    for (const convoy of listed) for (const task of convoy.routeHazardStatus.hazardTasks) expect(released.has(task.id)).toBe(true);
  });
});

describe('engineering real figures', () => {
  it('gives the Gaza Strip the UNOSAT/UNEP debris figure and the UNOSAT structure count of 8 Jul 2025 imagery, each with source and date', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [{ __typename: "Area", pcode: "PS02" }]) {
        ... on Area { debrisEstimate { tonnes asbestosTonnes source asOf description } structureDamage { damageClass structures source asOf publishedOn } }
      }
    }`);
    expect(errors).toBeUndefined();
    const [gaza] = data._entities;
    // DOMAIN.md: ~61.5 Mt, UNOSAT/UNEP estimate of damage to July 2025, cited by UNRWA on 23 Oct 2025.
    expect(gaza.debrisEstimate).toMatchObject({ tonnes: 61_500_000, asbestosTonnes: null, source: 'UNEP', asOf: '2025-07-08' });
    expect(gaza.debrisEstimate.description).toMatch(/UNOSAT\/UNEP.*July 2025.*UNRWA on 23 October 2025/);
    // DOMAIN.md: UNOSAT imagery of 8 Jul 2025 (published 8 Aug 2025; asOf = the imagery date).
    expect(gaza.structureDamage).toEqual([
      { damageClass: 'DESTROYED', structures: 102_067, source: 'UNOSAT', asOf: '2025-07-08', publishedOn: '2025-08-08' },
      { damageClass: 'SEVERE', structures: 17_421, source: 'UNOSAT', asOf: '2025-07-08', publishedOn: '2025-08-08' },
      { damageClass: 'MODERATE', structures: 41_895, source: 'UNOSAT', asOf: '2025-07-08', publishedOn: '2025-08-08' },
      { damageClass: 'POSSIBLE', structures: 31_429, source: 'UNOSAT', asOf: '2025-07-08', publishedOn: '2025-08-08' },
    ]);
  });

  it('has exactly one power plant: the Gaza Power Plant in Deir Al-Balah (PS0265), shut since 11 Oct 2023, and says what is real', async () => {
    const seeded = await subgraph.db.query<{ id: string; area_pcode: string }>("SELECT id, area_pcode FROM facility WHERE type = 'POWER_PLANT'");
    expect(seeded).toEqual([{ id: 'FAC-POWER-PLANT-001', area_pcode: 'PS0265' }]);
    const { data, errors } = await subgraph.execute(`{
      facilities(filter: { type: POWER_PLANT }) { totalCount edges { node { name status statusAsOf area { pcode } source capacity { value } description damageAssessments { id } } } }
    }`);
    expect(errors).toBeUndefined();
    expect(data.facilities.totalCount).toBe(1);
    const [plant] = data.facilities.edges.map((e: any) => e.node);
    expect(plant).toMatchObject({ name: 'Gaza Power Plant', status: 'SHUT_DOWN', statusAsOf: '2023-10-11', area: { pcode: 'PS0265' }, capacity: null, damageAssessments: [] });
    expect(plant.source).not.toBe('SYNTHETIC');
    expect(plant.description).toMatch(/only power plant.*shut since 11 October 2023.*Israeli feeder lines/);
    // No power plant anywhere else, Rafah included.
    const rafah = await subgraph.execute('{ facilities(filter: { type: POWER_PLANT, areaPcode: "PS0275" }) { totalCount } }');
    expect(rafah.data.facilities.totalCount).toBe(0);
  });

  it('keeps the WHO count of 8 Oct 2025: 14 of the 36 hospitals partially functioning', async () => {
    const rows = await subgraph.db.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM facility WHERE type = 'HOSPITAL' AND status_as_of = '2025-10-08' GROUP BY status",
    );
    const partial = rows.find((r) => r.status === 'PARTIAL')?.n;
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(36);
    expect(partial).toBe(14);
  });

  it('records the southern Gaza desalination plant with its published capacity range and says what is real', async () => {
    const { data } = await subgraph.execute(`{ facility(id: "FAC-DESALINATION-PLANT-001") { name type capacity { value maxValue unit } area { pcode } source description } }`);
    expect(data.facility).toMatchObject({
      type: 'DESALINATION_PLANT',
      capacity: { value: 16000, maxValue: 20000, unit: 'CUBIC_METRES_PER_DAY' },
      area: { pcode: 'PS026504' },
      source: 'PARTNER',
    });
    expect(data.facility.description).toContain('Illustrative');
  });

  it('never presents synthetic debris estimates as the real figure', async () => {
    const { data } = await subgraph.execute(`{ debrisEstimates(first: 100) { totalCount edges { node { area { pcode } source description } } } }`);
    const nodes = data.debrisEstimates.edges.map((e: any) => e.node);
    expect(nodes.filter((n: any) => n.source !== 'SYNTHETIC')).toEqual([expect.objectContaining({ area: { pcode: 'PS02' }, source: 'UNEP' })]);
    for (const node of nodes.filter((n: any) => n.source === 'SYNTHETIC')) expect(node.description).toContain('Illustrative');
  });
});

describe('engineering seed', () => {
  it('seeds 300+ facilities of every type in every governorate, and the 36 hospitals with 1-14 partially working', async () => {
    // What is seeded is counted in SQL; through GraphQL the test principal sees only what is released to it.
    const seeded = await subgraph.db.query<{ id: string; type: string; status: string }>('SELECT id, type, status FROM facility');
    expect(seeded.length).toBeGreaterThanOrEqual(300);
    const hospitals = seeded.filter((f) => f.type === 'HOSPITAL');
    expect(hospitals).toHaveLength(HOSPITAL_COUNT);
    const status = new Map(hospitals.map((f) => [f.id, f.status]));
    for (let n = 1; n <= HOSPITAL_COUNT; n++) expect(status.get(hospitalId(n))).toMatch(n <= 14 ? /^PARTIAL$/ : /^(DAMAGED|DESTROYED)$/);
    for (const type of FACILITY_TYPES) expect(seeded.filter((f) => f.type === type).length, type).toBeGreaterThan(0);

    const { data } = await subgraph.execute(
      `{ all: facilities { totalCount } hospitals: facilities(filter: { type: HOSPITAL }, first: 100) { totalCount edges { node { id status } } } }`,
    );
    expect(data.all.totalCount).toBe((await releasedIds('facility')).length);
    expect(data.all.totalCount).toBeGreaterThan(seeded.length / 2);
    const releasedHospitals = await releasedIds('facility', "type = 'HOSPITAL'");
    expect(data.hospitals.totalCount).toBe(releasedHospitals.length);
    expect(data.hospitals.edges.map((e: any) => e.node.id).sort()).toEqual(releasedHospitals.sort());
    for (const { node } of data.hospitals.edges) expect(node.status).toBe(status.get(node.id));

    const byArea = await subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode facilities(first: 500) { id } } } }`, {
      r: GOVERNORATE_PCODES.map((pcode) => ({ __typename: 'Area', pcode })),
    });
    const perGovernorate = byArea.data._entities.map((a: any) => a.facilities.length);
    for (const count of perGovernorate) expect(count).toBeGreaterThan(20);
    // Prefix match: the five governorates between them hold every facility.
    expect(perGovernorate.reduce((a: number, b: number) => a + b, 0)).toBe(data.all.totalCount);
  });

  it('seeds damage assessments, explosive hazard tasks with items found, and access roads for every crossing', async () => {
    const { data } = await subgraph.execute(`{
      tasks: explosiveHazardTasks(first: 500) { totalCount edges { node { status itemsFound { type count } requestedBy { id } } } }
      facility(id: "FAC-HOSPITAL-020") { damageAssessments { method damageClass imageryDate source } }
    }`);
    expect(data.tasks.totalCount).toBeGreaterThanOrEqual(100);
    for (const { node } of data.tasks.edges) if (node.status === 'REQUESTED') expect(node.itemsFound).toEqual([]);
    expect(data.tasks.edges.some((e: any) => e.node.itemsFound.length > 0)).toBe(true);
    const dates = data.facility.damageAssessments.map((a: { imageryDate: string }) => a.imageryDate);
    expect(dates.length).toBeGreaterThan(0);
    expect([...dates].sort().reverse()).toEqual(dates);
  });
});

describe('engineering batching', () => {
  it('resolves 22 area references with all their relations in one statement per relation', async () => {
    const pcodes = [
      'PS02',
      ...GOVERNORATE_PCODES,
      'PS025501',
      'PS025502',
      'PS025503',
      'PS026001',
      'PS026002',
      'PS026501',
      'PS026502',
      'PS026503',
      'PS026504',
      'PS026505',
      'PS027001',
      'PS027002',
      'PS027003',
      'PS027004',
      'PS027501',
      'PS027502',
    ];
    expect(pcodes.length).toBeGreaterThanOrEqual(20);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode
           facilities(first: 3) { id operator { id } damageAssessments(first: 2) { damageClass facility { id } } }
           debrisEstimate { tonnes } structureDamage { structures }
           explosiveHazardTasks(first: 2) { id requestedBy { id } } } } }`,
        { r: pcodes.map((pcode) => ({ __typename: 'Area', pcode })) },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(pcodes.length);
    // facilities, their assessments, debris, structure damage, tasks; the assessments' facilities come from the loaded pages.
    expect(statements.filter((sql) => /JOIN facility t/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /damage_assessment/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /debris_estimate/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /structure_damage_summary/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /explosive_hazard_task/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(5);
  });

  it('resolves 25 facility references with their assessments in two statements', async () => {
    const representations = Array.from({ length: 25 }, (_, i) => ({ __typename: 'Facility', id: hospitalId(i + 1) }));
    const released = new Set(await releasedIds('facility', "type = 'HOSPITAL'"));
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Facility { id area { pcode } damageAssessments(first: 5) { id } } } }`, {
        r: representations,
      }),
    );
    // Hospitals not released to the test principal are null with FORBIDDEN; the others resolve.
    expect(result.data._entities.map((f: { id: string } | null) => f?.id ?? null)).toEqual(representations.map((r) => (released.has(r.id) ? r.id : null)));
    expect((result.errors ?? []).map((e) => [e.path, e.extensions?.code])).toEqual(
      representations.flatMap((r, i) => (released.has(r.id) ? [] : [[['_entities', i], 'FORBIDDEN']])),
    );
    expect(statements.filter((sql) => /FROM facility t WHERE t.id = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /damage_assessment/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(2);
  });

  it('resolves 20 convoys and 5 crossings with their hazard tasks and road segments in one statement per relation', async () => {
    const representations = [
      ...Array.from({ length: 20 }, (_, i) => ({ __typename: 'Convoy', id: convoyId(i + 1) })),
      ...['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', 'RAFAH'].map((id) => ({ __typename: 'Crossing', id })),
    ];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) {
           ... on Convoy { routeHazardStatus { level hazardTasks { id status } } }
           ... on Crossing { accessRoadStatus { passability roadSegment { id status } } } } }`,
        { r: representations },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.filter((sql) => /convoy_route_hazard/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /crossing_access_road/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM explosive_hazard_task t WHERE t.id = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM facility t WHERE t.id = ANY/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(4);
  });
});

describe('engineering input errors', () => {
  it('answers unknown ids with NOT_FOUND and a malformed area P-code with BAD_USER_INPUT', async () => {
    const unknown = await subgraph.execute(`{ facility(id: "FAC-NONE") { id } explosiveHazardTask(id: "EHT-9999") { id } }`);
    expect(unknown.data).toEqual({ facility: null, explosiveHazardTask: null });
    const codes = Object.fromEntries(unknown.errors!.map((e) => [e.path![0], e.extensions!.code]));
    expect(codes).toEqual({ facility: 'NOT_FOUND', explosiveHazardTask: 'NOT_FOUND' });
    const malformed = await subgraph.execute(`{ facilities(filter: { areaPcode: "Gaza" }) { totalCount } }`);
    expect(malformed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'areaPcode' });
  });

  it('returns the other fields when one top-level lookup is NOT_FOUND', async () => {
    const { data, errors } = await subgraph.execute(`{ facility(id: "FAC-NONE") { id } known: facility(id: "FAC-HOSPITAL-002") { id } }`);
    expect(data).toEqual({ facility: null, known: { id: 'FAC-HOSPITAL-002' } });
    expect(errors!.map((e) => e.extensions!.code)).toEqual(['NOT_FOUND']);
  });

  it('rejects first: -1 and a first above the maximum, naming the limit, on connections and on lists', async () => {
    for (const first of [-1, 100000]) {
      const connection = await subgraph.execute(`query($first: Int) { facilities(first: $first) { totalCount } }`, { first });
      expect(connection.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(connection.errors![0].message).toContain('from 0 to 500');
      const list = await subgraph.execute(`query($first: Int) { facility(id: "FAC-HOSPITAL-001") { damageAssessments(first: $first) { id } } }`, { first });
      expect(list.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(list.errors![0].message).toContain('from 0 to 200');
    }
  });

  it('rejects a malformed DateTime with BAD_USER_INPUT', async () => {
    const { errors } = await subgraph.execute(`query($since: DateTime) { explosiveHazardTasks(filter: { requestedSince: $since }) { totalCount } }`, {
      since: '10/10/2025',
    });
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toContain('ISO 8601');
  });

  it('filters explosive hazard tasks by request date', async () => {
    const since = '2025-11-01T00:00:00Z';
    const { data } = await subgraph.execute(
      `query($since: DateTime) {
      all: explosiveHazardTasks { totalCount }
      recent: explosiveHazardTasks(filter: { requestedSince: $since }, first: 500) { totalCount edges { node { requestedAt } } }
    }`,
      { since },
    );
    expect(data.recent.totalCount).toBeGreaterThan(0);
    expect(data.recent.totalCount).toBeLessThan(data.all.totalCount);
    for (const { node } of data.recent.edges) expect(node.requestedAt >= since).toBe(true);
  });

  it('pages facilities with cursors without repeating or skipping a facility', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { facilities(first: 40, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      total = data.facilities.totalCount;
      seen.push(...data.facilities.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.facilities.pageInfo.hasNextPage ? data.facilities.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThanOrEqual(300);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('pages an area list field by the id of the last item without repeating one', async () => {
    const query = `query($after: ID) { _entities(representations: [{ __typename: "Area", pcode: "PS0260" }]) {
      ... on Area { explosiveHazardTasks(first: 5, after: $after) { id } all: explosiveHazardTasks(first: 500) { id } } } }`;
    const first = await subgraph.execute(query, { after: null });
    const [{ explosiveHazardTasks: page1, all }] = first.data._entities;
    const second = await subgraph.execute(query, { after: page1.at(-1).id });
    const page2 = second.data._entities[0].explosiveHazardTasks;
    expect([...page1, ...page2].map((t: { id: string }) => t.id)).toEqual(all.slice(0, page1.length + page2.length).map((t: { id: string }) => t.id));
  });

  it('lists damage assessments by area, method and damage class, latest first, paging without repeating one', async () => {
    const query = `query($after: String) { damageAssessments(filter: { areaPcode: "PS0270", method: UNOSAT_SATELLITE }, first: 25, after: $after) {
      totalCount edges { node { id method imageryDate area { pcode } } } pageInfo { hasNextPage endCursor } } }`;
    const seen: { id: string; method: string; imageryDate: string; area: { pcode: string } }[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data, errors }: { data?: any; errors?: unknown } = await subgraph.execute(query, { after });
      expect(errors).toBeUndefined();
      total = data.damageAssessments.totalCount;
      seen.push(...data.damageAssessments.edges.map((e: any) => e.node));
      after = data.damageAssessments.pageInfo.hasNextPage ? data.damageAssessments.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThan(25);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((a) => a.id)).size).toBe(total);
    for (const assessment of seen) {
      expect(assessment.method).toBe('UNOSAT_SATELLITE');
      expect(assessment.area.pcode.startsWith('PS0270')).toBe(true);
    }
    const dates = seen.map((a) => a.imageryDate);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(total).toBe((await releasedIds('damage_assessment', "starts_with(area_pcode, 'PS0270') AND method = 'UNOSAT_SATELLITE'")).length);
    const destroyed = await subgraph.execute(`{ damageAssessments(filter: { damageClass: DESTROYED }, first: 500) { edges { node { damageClass } } } }`);
    expect(destroyed.data.damageAssessments.edges.length).toBeGreaterThan(0);
    for (const { node } of destroyed.data.damageAssessments.edges) expect(node.damageClass).toBe('DESTROYED');
  });

  it('rejects a cursor it did not issue', async () => {
    const { errors } = await subgraph.execute(`{ facilities(after: "not-a-cursor") { totalCount } }`);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
