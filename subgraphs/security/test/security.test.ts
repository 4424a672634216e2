import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSING_IDS, GOVERNORATE_PCODES, LOCALITY_PCODES, convoyId, incidentId, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { security } from '../src/server.ts';
import { REAL_INCIDENT_ID, REAL_ISR_OBSERVATION_ID } from '../src/data/seed.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
});
afterAll(() => subgraph?.close());

const SINCE = '2025-10-10T00:00:00Z';

/** The ids among `ids` (in `table`) that the releasability rule, in code, withholds from `principal`. */
async function withheldFrom(principal: Principal, table: string, ids: string[]): Promise<Set<string>> {
  const rows = await subgraph.db.query<MarkingRow & { id: string }>(`SELECT * FROM ${table} WHERE id = ANY($1::text[])`, [ids]);
  return new Set(rows.filter((row) => !releasedToPrincipal(principal, row)).map((row) => row.id));
}

describe('security entities', () => {
  it('resolves SecurityIncident references, and null for an unknown incident id', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "SecurityIncident", id: "${REAL_INCIDENT_ID}" },
        { __typename: "SecurityIncident", id: "${incidentId(1)}" },
        { __typename: "SecurityIncident", id: "INC-9999" }
      ]) { ... on SecurityIncident { id eventDate eventType subEventType source area { pcode } marking { classification } } }
    }`);
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toEqual({
      id: REAL_INCIDENT_ID,
      eventDate: '2025-10-31',
      eventType: 'STRATEGIC_DEVELOPMENTS',
      subEventType: 'LOOTING_PROPERTY_DESTRUCTION',
      source: 'CENTCOM',
      area: { pcode: 'PS0270' },
      marking: { classification: 'UNCLASSIFIED' },
    });
    expect(data._entities[1]).toMatchObject({ id: 'INC-0001', source: 'SYNTHETIC' });
    expect(data._entities[2]).toBeNull();
  });

  it('resolves extended Area, Crossing and Convoy references by key without a lookup, unknown keys included', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Area", pcode: "PS0270" },
        { __typename: "Crossing", id: "KEREM_SHALOM" },
        { __typename: "Convoy", id: "${convoyId(1)}" },
        { __typename: "Area", pcode: "PS9999" },
        { __typename: "Crossing", id: "NOWHERE" },
        { __typename: "Convoy", id: "CONVOY-9999" }
      ]) {
        ... on Area { pcode threatLevel threatAssessment { asOf source area { pcode } } incidents(since: "${SINCE}", first: 3) { id } }
        ... on Crossing { id threatLevel threatAssessment { crossing { id } } closures(first: 2) { id crossing { id } from } }
        ... on Convoy { id incidents { id convoyId } }
      }
    }`);
    expect(errors).toBeUndefined();
    const [area, crossing, convoy, unknownArea, unknownCrossing, unknownConvoy] = data._entities;
    expect(area.pcode).toBe('PS0270');
    expect(area.threatLevel).toMatch(/^(LOW|MODERATE|SUBSTANTIAL|SEVERE|CRITICAL)$/);
    expect(area.threatAssessment).toEqual({ asOf: '2025-12-26', source: 'SYNTHETIC', area: { pcode: 'PS0270' } });
    expect(area.incidents).toHaveLength(3);
    expect(crossing.threatLevel).toMatch(/^(LOW|MODERATE|SUBSTANTIAL|SEVERE|CRITICAL)$/);
    expect(crossing.threatAssessment).toEqual({ crossing: { id: 'KEREM_SHALOM' } });
    expect(crossing.closures).toHaveLength(2);
    expect(crossing.closures[0].crossing).toEqual({ id: 'KEREM_SHALOM' });
    expect(convoy.id).toBe(convoyId(1));
    for (const incident of convoy.incidents) expect(incident.convoyId).toBe(convoyId(1));
    expect(unknownArea).toEqual({ pcode: 'PS9999', threatLevel: null, threatAssessment: null, incidents: [] });
    expect(unknownCrossing).toEqual({ id: 'NOWHERE', threatLevel: null, threatAssessment: null, closures: [] });
    expect(unknownConvoy).toEqual({ id: 'CONVOY-9999', incidents: [] });
  });

  it("lets a locality without its own assessment take its governorate's, and one with its own keep it", async () => {
    const { data } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Area", pcode: "PS026001" },
        { __typename: "Area", pcode: "PS027004" }
      ]) { ... on Area { threatAssessment { area { pcode } } } }
    }`);
    expect(data._entities.map((a: { threatAssessment: { area: { pcode: string } } }) => a.threatAssessment.area.pcode)).toEqual(['PS0260', 'PS027004']);
  });
});

describe('security seed', () => {
  it('holds the real incident of 31 Oct 2025 (CENTCOM) and the SECRET MQ-9 observation linked to it', async () => {
    const { data, errors } = await subgraph.execute(`{
      incident(id: "${REAL_INCIDENT_ID}") { eventDate occurredAt locationName actor1 affectsAid source verification fatalities notes }
      isrObservation(id: "${REAL_ISR_OBSERVATION_ID}") { platform observedOn source area { pcode } incident { id } marking { classification originator } }
    }`);
    expect(errors).toBeUndefined();
    expect(data.incident).toMatchObject({ eventDate: '2025-10-31', occurredAt: null, locationName: 'Northern Khan Younis', affectsAid: true, source: 'CENTCOM', fatalities: null });
    expect(data.incident.actor1).toContain('Hamas');
    expect(data.incident.notes).toContain("driver's status is unknown");
    expect(data.isrObservation).toEqual({
      platform: 'MQ-9',
      observedOn: '2025-10-31',
      source: 'CENTCOM',
      area: { pcode: 'PS0270' },
      incident: { id: REAL_INCIDENT_ID },
      marking: { classification: 'SECRET', originator: 'USA' },
    });
  });

  it('seeds 200+ synthetic incidents across governorates, a marking mix, aid incidents on convoys, reports, ISR and closures', async () => {
    const { data, errors } = await subgraph.execute(`{
      all: incidents(first: 500) { totalCount edges { node { id source affectsAid convoyId area { pcode } marking { classification tlp } } } }
      reports: ceasefireViolationReports(first: 0) { totalCount }
      isr: isrObservations(first: 100) { totalCount edges { node { marking { classification } } } }
      _entities(representations: [${CROSSING_IDS.map((id) => `{ __typename: "Crossing", id: "${id}" }`).join(', ')}]) { ... on Crossing { id closures(first: 200) { id } } }
    }`);
    expect(errors).toBeUndefined();
    // What is seeded is counted in SQL; through GraphQL the test principal sees what is released to it.
    const seeded = await subgraph.db.query<{ id: string; source: string }>('SELECT id, source FROM security_incident');
    const synthetic = seeded.filter((row) => row.source === 'SYNTHETIC');
    expect(synthetic.length).toBeGreaterThanOrEqual(200);
    expect(synthetic.map((row) => row.id)).toContain(incidentId(200));
    const nodes = data.all.edges.map((e: { node: any }) => e.node);
    const withheld = await withheldFrom(
      TEST_PRINCIPAL,
      'security_incident',
      seeded.map((row) => row.id),
    );
    expect(data.all.totalCount).toBe(nodes.length);
    expect(nodes.length).toBe(seeded.length - withheld.size);
    for (const pcode of GOVERNORATE_PCODES) expect(nodes.some((n: any) => n.area.pcode.startsWith(pcode))).toBe(true);
    expect(new Set(nodes.map((n: any) => n.area.pcode)).size).toBeGreaterThan(LOCALITY_PCODES.length / 2);
    expect(new Set(nodes.map((n: any) => n.marking.classification))).toEqual(new Set(['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET']));
    expect(new Set(nodes.map((n: any) => n.marking.tlp)).size).toBeGreaterThanOrEqual(4);
    const onConvoys = nodes.filter((n: any) => n.convoyId);
    expect(onConvoys.length).toBeGreaterThanOrEqual(20);
    for (const n of onConvoys) expect(n.affectsAid).toBe(true);
    const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    expect(await count('ceasefire_violation_report')).toBeGreaterThanOrEqual(50);
    expect(data.reports.totalCount).toBeGreaterThan(0);
    expect(await count('isr_observation')).toBeGreaterThanOrEqual(6);
    expect(data.isr.totalCount).toBeGreaterThan(0);
    for (const edge of data.isr.edges) expect(edge.node.marking.classification).toBe('SECRET');
    for (const crossing of data._entities) expect(crossing.closures.length, crossing.id).toBeGreaterThan(0);
  });

  it('does not change anything when the seed runs again', async () => {
    const count = async () => (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM security_incident'))[0].n;
    const before = await count();
    await security.seed(subgraph.db);
    expect(await count()).toBe(before);
  });
});

describe('security batching', () => {
  const areas = [...GOVERNORATE_PCODES, ...LOCALITY_PCODES].map((pcode) => ({ __typename: 'Area', pcode }));

  it('resolves 22 areas with incidents, threat level and assessment in one statement per relation', async () => {
    expect(areas.length).toBeGreaterThanOrEqual(20);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode threatLevel threatAssessment { level asOf }
           incidents(since: "${SINCE}", first: 5) { id area { pcode } convoyId } } } }`,
        { r: areas },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(areas.length);
    expect(result.data._entities.every((a: { incidents: unknown[] }) => a.incidents.length > 0)).toBe(true);
    expect(statements.filter((sql) => /security_incident/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /threat_assessment/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(2);
  });

  it('resolves 30 convoys with their incidents in one statement', async () => {
    const convoys = Array.from({ length: 30 }, (_, i) => ({ __typename: 'Convoy', id: convoyId(i + 1) }));
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Convoy { id incidents { id eventDate } } } }`, { r: convoys }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.some((c: { incidents: unknown[] }) => c.incidents.length > 0)).toBe(true);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/convoy_id/);
  });

  it('resolves 25 incident references in one statement', async () => {
    const incidents = Array.from({ length: 25 }, (_, i) => ({ __typename: 'SecurityIncident', id: incidentId(i + 1) }));
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on SecurityIncident { id area { pcode } convoyId marking { tlp } } } }`, {
        r: incidents,
      }),
    );
    // The test principal (USA, SECRET) is not a recipient of every seeded incident: those come back null with FORBIDDEN.
    const withheld = await withheldFrom(
      TEST_PRINCIPAL,
      'security_incident',
      incidents.map((i) => i.id),
    );
    expect(withheld.size).toBeGreaterThan(0);
    expect(result.data._entities.map((i: { id: string } | null) => i?.id ?? null)).toEqual(incidents.map((i) => (withheld.has(i.id) ? null : i.id)));
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(incidents.flatMap((i, index) => (withheld.has(i.id) ? [[['_entities', index], 'FORBIDDEN']] : [])));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM security_incident t WHERE t\.id = ANY/);
  });

  it('resolves the five crossings (and 20 references in all) with closures and threat level in one statement per relation', async () => {
    const crossings = [...CROSSING_IDS, ...CROSSING_IDS, ...CROSSING_IDS, ...CROSSING_IDS].map((id) => ({ __typename: 'Crossing', id }));
    expect(crossings.length).toBeGreaterThanOrEqual(20);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Crossing { id threatLevel closures(first: 3) { id from until } } } }`, {
        r: crossings,
      }),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.filter((sql) => /crossing_closure/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /threat_assessment/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(2);
  });

  it('loads the incidents of 50 ceasefire violation reports in one statement', async () => {
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`{ ceasefireViolationReports(first: 50) { totalCount edges { node { id area { pcode } incident { id eventType } } } } }`),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.ceasefireViolationReports.edges.some((e: any) => e.node.incident)).toBe(true);
    // One page, one count, one batch of linked incidents.
    expect(statements.filter((sql) => /ceasefire_violation_report/.test(sql))).toHaveLength(2);
    expect(statements.filter((sql) => /FROM security_incident t WHERE t\.id = ANY/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(3);
  });
});

describe('security input errors', () => {
  it('answers an unknown incident, report or observation id with NOT_FOUND', async () => {
    const { data, errors } = await subgraph.execute(`{
      incident(id: "INC-9999") { id } ceasefireViolationReport(id: "CFV-9999") { id } isrObservation(id: "ISR-9999") { id }
    }`);
    expect(data).toEqual({ incident: null, ceasefireViolationReport: null, isrObservation: null });
    expect(errors!.map((e) => e.extensions!.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });

  it('rejects a malformed DateTime, a window that ends before it starts and a malformed P-code with BAD_USER_INPUT', async () => {
    const malformed = await subgraph.execute(
      `query($since: DateTime!) { _entities(representations: [{ __typename: "Area", pcode: "PS0255" }]) { ... on Area { incidents(since: $since) { id } } } }`,
      {
        since: '31/10/2025',
      },
    );
    expect(malformed.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors![0].message).toContain('ISO 8601');

    const backwards = await subgraph.execute(`{ incidents(filter: { since: "2025-11-01T00:00:00Z", until: "2025-10-01T00:00:00Z" }) { totalCount } }`);
    expect(backwards.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(backwards.errors![0].message).toContain('"until" must be later than "since"');

    const pcode = await subgraph.execute(`{ incidents(filter: { areaPcode: "Khan Younis" }) { totalCount } }`);
    expect(pcode.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('rejects first: -1 and a first above the maximum, on connections and on relation lists', async () => {
    for (const first of [-1, 100000]) {
      const connection = await subgraph.execute(`query($first: Int) { incidents(first: $first) { totalCount } }`, { first });
      expect(connection.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(connection.errors![0].message).toContain('from 0 to 500');
      const list = await subgraph.execute(
        `query($first: Int) { _entities(representations: [{ __typename: "Convoy", id: "${convoyId(1)}" }]) { ... on Convoy { incidents(first: $first) { id } } } }`,
        { first },
      );
      expect(list.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(list.errors![0].message).toContain('from 0 to 200');
    }
  });
});

describe('security filtering and paging', () => {
  it("counts a governorate's localities in its incidents, newest first", async () => {
    const { data } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Area", pcode: "PS0270" }]) {
      ... on Area { incidents(since: "${SINCE}", first: 500) { eventDate area { pcode } } } } }`);
    const incidents = data._entities[0].incidents as { eventDate: string; area: { pcode: string } }[];
    expect(incidents.every((i) => i.area.pcode.startsWith('PS0270'))).toBe(true);
    expect(incidents.some((i) => i.area.pcode.length > 'PS0270'.length)).toBe(true);
    const dates = incidents.map((i) => i.eventDate);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('includes an incident whose day overlaps the window, and only then', async () => {
    const query = `query($f: SecurityIncidentFilter) { incidents(filter: $f, first: 500) { edges { node { id eventDate } } } }`;
    const within = await subgraph.execute(query, { f: { areaPcode: 'PS0270', since: '2025-10-31T12:00:00Z', until: '2025-11-01T00:00:00Z' } });
    const ids = within.data.incidents.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toContain(REAL_INCIDENT_ID);
    expect(within.data.incidents.edges.every((e: { node: { eventDate: string } }) => e.node.eventDate === '2025-10-31')).toBe(true);
    const after = await subgraph.execute(query, { f: { areaPcode: 'PS0270', since: '2025-11-01T00:00:00Z' } });
    expect(after.data.incidents.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(REAL_INCIDENT_ID);
  });

  it('pages incidents with cursors without repeating or skipping one', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { incidents(filter: { affectsAid: true }, first: 13, after: $after) { totalCount edges { node { id affectsAid } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      total = data.incidents.totalCount;
      seen.push(...data.incidents.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.incidents.pageInfo.hasNextPage ? data.incidents.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThan(13 * 2);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("pages an area's incidents with the id of the last one received, matching one large page", async () => {
    const query = `query($after: ID, $first: Int) { _entities(representations: [{ __typename: "Area", pcode: "PS0260" }]) {
      ... on Area { incidents(since: "${SINCE}", first: $first, after: $after) { id } } } }`;
    const whole = (await subgraph.execute(query, { first: 500 })).data._entities[0].incidents.map((i: { id: string }) => i.id);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: string[] = (await subgraph.execute(query, { first: 9, after })).data._entities[0].incidents.map((i: { id: string }) => i.id);
      paged.push(...page);
      if (page.length < 9) break;
      after = page[page.length - 1];
    }
    expect(whole.length).toBeGreaterThan(9);
    expect(paged).toEqual(whole);
  });
});
