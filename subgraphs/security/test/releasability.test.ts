import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSING_IDS, encodeCursor, GOVERNORATE_PCODES, LOCALITY_PCODES, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { security } from '../src/server.ts';
import { REAL_INCIDENT_ID, REAL_ISR_OBSERVATION_ID } from '../src/data/seed.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Record-level releasability in the security subgraph: who must NOT see which incident, report, ISR observation,
 * threat assessment or closure, through every route this subgraph serves (lists, totals, relations of other
 * subgraphs' entities, lookups by key, links between records, mutations). Asked directly, without the gateway, so
 * the subgraph's own SQL is what is tested.
 */

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
});
afterAll(() => subgraph?.close());

const member = (claims: Partial<Principal> & Pick<Principal, 'subject' | 'clearance'>): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  participant: true,
  ...claims,
});

const GBR_MEMBER = member({ subject: 'gbr-member', nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED', workingGroups: ['security'] });
const GBR_EDITOR = { ...GBR_MEMBER, subject: 'gbr-editor', roles: ['editor'], scopes: ['write:security'] };
const DEU_ANALYST = member({ subject: 'deu-analyst', nation: 'DEU', organization: 'CMCC', clearance: 'SECRET', scopes: ['isr:read'] });
const EGY_LIAISON = member({ subject: 'egy-liaison', nation: 'EGY', organization: 'CMCC', clearance: 'UNCLASSIFIED' });
/** A partner NGO (Palestine Red Crescent): an organisation, no nation, no clearance. */
const PARTNER_NGO = member({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', workingGroups: ['humanitarian'] });
/** A humanitarian-only principal of a UN agency (WFP), even were it to hold isr:read by mistake. */
const WFP_OFFICER = member({ subject: 'wfp-officer', organization: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', workingGroups: ['humanitarian'], scopes: ['isr:read'] });
const OUTSIDER = member({ subject: 'outsider', nation: 'USA', clearance: 'SECRET', participant: false });
/** An organisation outside the CMCC with no nation and no clearance: nothing seeded is released to it. */
const STRANGER = member({ subject: 'stranger', organization: 'XI-STRANGER', clearance: 'UNCLASSIFIED', participant: false });

const PRINCIPALS = [TEST_PRINCIPAL, GBR_MEMBER, DEU_ANALYST, EGY_LIAISON, PARTNER_NGO, WFP_OFFICER, OUTSIDER, STRANGER];
const byName = (principals: Principal[]) => principals.map((p) => [p.subject, p] as const);

type Row = MarkingRow & Record<string, any> & { id: string };

async function rowsOf(table: string, where = 'TRUE', values: unknown[] = []): Promise<Row[]> {
  return subgraph.db.query<Row>(`SELECT * FROM ${table} WHERE ${where}`, values);
}

/** The ids of `rows` the rule, in code, releases to `principal`, sorted. */
function releasedTo(principal: Principal, rows: Row[]): string[] {
  return rows
    .filter((row) => releasedToPrincipal(principal, row as unknown as MarkingRow))
    .map((row) => row.id)
    .sort();
}

function withheldFrom(principal: Principal, rows: Row[]): Row[] {
  return rows.filter((row) => !releasedToPrincipal(principal, row as unknown as MarkingRow));
}

const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();
const nodeIds = (connection: { edges: { node: { id: string } }[] }) => ids(connection.edges.map((edge) => edge.node));

const LISTS = `{
  incidents(first: 500) { totalCount edges { node { id } } }
  ceasefireViolationReports(first: 500) { totalCount edges { node { id } } }
  isrObservations(first: 500) { totalCount edges { node { id } } }
}`;

describe('security lists and totals hold only released records', () => {
  it.each(byName(PRINCIPALS))('totals count only released records, for %s', async (_name, principal) => {
    const { data, errors } = await subgraph.execute(LISTS, undefined, principal);
    expect(errors).toBeUndefined();
    for (const [field, table] of [
      ['incidents', 'security_incident'],
      ['ceasefireViolationReports', 'ceasefire_violation_report'],
      ['isrObservations', 'isr_observation'],
    ] as const) {
      const released = releasedTo(principal, await rowsOf(table));
      expect(nodeIds(data[field]), field).toEqual(released);
      expect(data[field].totalCount, field).toBe(released.length);
    }
  });

  it('hides a TLP:RED incident from a GBR member who is not among its recipients, in lists, totals and by key', async () => {
    // Not one the GBR member's nation or org (CMCC) originated: an originator reads its own records (rule 1).
    const red =
      (await rowsOf('security_incident', "tlp = 'RED' AND NOT ('gbr-member' = ANY(recipients)) AND originator NOT IN ('GBR', 'CMCC') AND classification = 'UNCLASSIFIED'"))[0] ??
      (await rowsOf('security_incident', "tlp = 'RED' AND NOT ('gbr-member' = ANY(recipients)) AND originator NOT IN ('GBR', 'CMCC')"))[0];
    expect(red).toBeDefined();
    const { data } = await subgraph.execute(
      `query($area: ID) { incidents(filter: { areaPcode: $area }, first: 500) { totalCount edges { node { id } } } }`,
      { area: red.area_pcode },
      GBR_MEMBER,
    );
    expect(nodeIds(data.incidents)).not.toContain(red.id);
    expect(data.incidents.totalCount).toBe(releasedTo(GBR_MEMBER, await rowsOf('security_incident', 'starts_with(area_pcode, $1)', [red.area_pcode])).length);

    const byKey = await subgraph.execute(`query($id: ID!) { incident(id: $id) { id actor1 notes latitude } }`, { id: red.id }, GBR_MEMBER);
    expect(byKey.data).toEqual({ incident: null });
    expect(byKey.errors).toMatchObject([{ path: ['incident'], extensions: { code: 'FORBIDDEN' } }]);
    expect(JSON.stringify(byKey)).not.toContain(red.actor1);
  });

  it('a partner NGO sees no RESTRICTED (or higher), AMBER_STRICT or RED record of any kind', async () => {
    const { data } = await subgraph.execute(
      `{
        incidents(first: 500) { edges { node { marking { classification tlp } } } }
        ceasefireViolationReports(first: 500) { edges { node { marking { classification tlp } } } }
        isrObservations(first: 500) { totalCount }
        _entities(representations: [${CROSSING_IDS.map((id) => `{ __typename: "Crossing", id: "${id}" }`).join(', ')}]) {
          ... on Crossing { closures(first: 200) { marking { classification tlp } } threatAssessment { marking { classification tlp } } }
        }
      }`,
      undefined,
      PARTNER_NGO,
    );
    const markings = [
      ...data.incidents.edges.map((e: any) => e.node.marking),
      ...data.ceasefireViolationReports.edges.map((e: any) => e.node.marking),
      ...data._entities.flatMap((c: any) => [...c.closures.map((x: any) => x.marking), ...(c.threatAssessment ? [c.threatAssessment.marking] : [])]),
    ];
    expect(markings.length).toBeGreaterThan(100);
    // AMBER only as far as released to a group the partner belongs to (CMCC); never beyond UNCLASSIFIED.
    for (const marking of markings) expect(marking).toEqual({ classification: 'UNCLASSIFIED', tlp: expect.stringMatching(/^(CLEAR|GREEN|AMBER)$/) });
    expect(data.isrObservations.totalCount).toBe(0);
  });

  it('pages only released incidents, so no page is short and none repeats, with the total matching', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { incidents(first: 17, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        GBR_MEMBER,
      );
      total = data.incidents.totalCount;
      const page = data.incidents.edges.map((e: { node: { id: string } }) => e.node.id);
      if (data.incidents.pageInfo.hasNextPage) expect(page).toHaveLength(17);
      seen.push(...page);
      after = data.incidents.pageInfo.hasNextPage ? data.incidents.pageInfo.endCursor : null;
    } while (after);
    expect([...seen].sort()).toEqual(releasedTo(GBR_MEMBER, await rowsOf('security_incident')));
    expect(seen).toHaveLength(total);
  });
});

describe('security paging positions', () => {
  it('a withheld record cannot serve as a paging position: after it, a page is empty, as after an unknown id', async () => {
    const rows = await rowsOf('security_incident');
    const withheld = withheldFrom(GBR_MEMBER, rows).find((row) => row.area_pcode.startsWith('PS02'))!;
    const areaQuery = `query($after: ID) { _entities(representations: [{ __typename: "Area", pcode: "PS02" }]) {
      ... on Area { incidents(since: "2025-01-01T00:00:00Z", first: 500, after: $after) { id } } } }`;
    const afterWithheld = await subgraph.execute(areaQuery, { after: withheld.id }, GBR_MEMBER);
    const afterUnknown = await subgraph.execute(areaQuery, { after: 'INC-NOPE' }, GBR_MEMBER);
    expect(afterWithheld.data._entities[0].incidents).toEqual([]);
    expect(afterUnknown.data._entities[0].incidents).toEqual([]);
    // The same record is a position for a principal it is released to.
    const us = await subgraph.execute(areaQuery, { after: withheldFrom(GBR_MEMBER, rows).find((row) => releasedToPrincipal(TEST_PRINCIPAL, row as unknown as MarkingRow))!.id });
    expect(us.data._entities[0].incidents.length).toBeGreaterThan(0);

    const connection = await subgraph.execute(
      `query($after: String) { incidents(first: 500, after: $after) { totalCount edges { node { id } } } }`,
      { after: encodeCursor(withheld.id) },
      GBR_MEMBER,
    );
    expect(connection.data.incidents.edges).toEqual([]);
    expect(connection.data.incidents.totalCount).toBe(releasedTo(GBR_MEMBER, rows).length);
  });
});

describe("security relations of other subgraphs' entities hold only released records", () => {
  it.each(byName([GBR_MEMBER, PARTNER_NGO, EGY_LIAISON]))('Area.incidents of every area lists only what is released to %s', async (_name, principal) => {
    const pcodes = ['PS02', ...GOVERNORATE_PCODES, ...LOCALITY_PCODES];
    const { data, errors } = await subgraph.execute(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode incidents(since: "2025-01-01T00:00:00Z", first: 500) { id } } } }`,
      { r: pcodes.map((pcode) => ({ __typename: 'Area', pcode })) },
      principal,
    );
    expect(errors).toBeUndefined();
    const rows = await rowsOf('security_incident');
    for (const area of data._entities) {
      expect(ids(area.incidents), area.pcode).toEqual(
        releasedTo(
          principal,
          rows.filter((row) => row.area_pcode.startsWith(area.pcode)),
        ),
      );
    }
  });

  it.each(byName([GBR_MEMBER, PARTNER_NGO]))('Convoy.incidents lists only the convoy incidents released to %s', async (_name, principal) => {
    const rows = await rowsOf('security_incident', 'convoy_id IS NOT NULL');
    const convoys = [...new Set(rows.map((row) => row.convoy_id as string))];
    expect(convoys.length).toBeGreaterThan(10);
    const { data, errors } = await subgraph.execute(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Convoy { id incidents(first: 200) { id } } } }`,
      { r: convoys.map((id) => ({ __typename: 'Convoy', id })) },
      principal,
    );
    expect(errors).toBeUndefined();
    let hidden = 0;
    for (const convoy of data._entities) {
      const mine = rows.filter((row) => row.convoy_id === convoy.id);
      expect(ids(convoy.incidents), convoy.id).toEqual(releasedTo(principal, mine));
      hidden += mine.length - convoy.incidents.length;
    }
    expect(hidden).toBeGreaterThan(0);
  });

  it.each(byName([GBR_MEMBER, PARTNER_NGO]))('Crossing.closures lists only the closures released to %s', async (_name, principal) => {
    const { data, errors } = await subgraph.execute(
      `{ _entities(representations: [${CROSSING_IDS.map((id) => `{ __typename: "Crossing", id: "${id}" }`).join(', ')}]) { ... on Crossing { id closures(first: 200) { id } } } }`,
      undefined,
      principal,
    );
    expect(errors).toBeUndefined();
    const rows = await rowsOf('crossing_closure');
    for (const crossing of data._entities) {
      expect(ids(crossing.closures), crossing.id).toEqual(
        releasedTo(
          principal,
          rows.filter((row) => row.crossing_id === crossing.id),
        ),
      );
    }
    // The closures are the CMCC's own: a CMCC member reads them all as their originator, a partner NGO not all.
    if (principal.organization !== 'CMCC') expect(data._entities.flatMap((c: { closures: unknown[] }) => c.closures).length).toBeLessThan(rows.length);
  });

  /** The assessment the rule and DOMAIN's "most recent, most specific" choose for `principal`, in code. */
  function expectedAssessment(principal: Principal, rows: Row[], covers: (row: Row) => boolean, specificity: (row: Row) => number): string | null {
    const candidates = rows.filter((row) => covers(row) && releasedToPrincipal(principal, row as unknown as MarkingRow));
    candidates.sort((a, b) => (b.as_of > a.as_of ? 1 : b.as_of < a.as_of ? -1 : specificity(b) - specificity(a) || (b.id > a.id ? 1 : -1)));
    return candidates[0]?.id ?? null;
  }

  it.each(byName([TEST_PRINCIPAL, GBR_MEMBER, PARTNER_NGO, OUTSIDER]))(
    'threatLevel and threatAssessment come from the latest assessment released to %s, passing over withheld ones',
    async (_name, principal) => {
      const pcodes = ['PS02', ...GOVERNORATE_PCODES, ...LOCALITY_PCODES];
      const { data, errors } = await subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Area { pcode threatLevel threatAssessment { id level } }
          ... on Crossing { id threatLevel threatAssessment { id level } } } }`,
        { r: [...pcodes.map((pcode) => ({ __typename: 'Area', pcode })), ...CROSSING_IDS.map((id) => ({ __typename: 'Crossing', id }))] },
        principal,
      );
      expect(errors).toBeUndefined();
      const rows = (await rowsOf('threat_assessment')).map((row) => ({ ...row, as_of: String(row.as_of instanceof Date ? row.as_of.toISOString().slice(0, 10) : row.as_of) }));
      for (const entity of data._entities) {
        const expected = entity.pcode
          ? expectedAssessment(
              principal,
              rows,
              (row) => row.area_pcode !== null && entity.pcode.startsWith(row.area_pcode),
              (row) => row.area_pcode.length,
            )
          : expectedAssessment(
              principal,
              rows,
              (row) => row.crossing_id === entity.id,
              () => 0,
            );
        expect(entity.threatAssessment?.id ?? null, entity.pcode ?? entity.id).toBe(expected);
        expect(entity.threatLevel).toBe(entity.threatAssessment?.level ?? null);
      }
    },
  );

  it('a principal who may see no assessment gets a null threat level, not a level derived from withheld ones', async () => {
    const { data, errors } = await subgraph.execute(
      `{ _entities(representations: [{ __typename: "Area", pcode: "PS0270" }, { __typename: "Crossing", id: "KEREM_SHALOM" }]) {
        ... on Area { threatLevel threatAssessment { id } } ... on Crossing { threatLevel threatAssessment { id } } } }`,
      undefined,
      STRANGER,
    );
    expect(errors).toBeUndefined();
    expect(releasedTo(STRANGER, await rowsOf('threat_assessment'))).toEqual([]);
    expect(data._entities).toEqual([
      { threatLevel: null, threatAssessment: null },
      { threatLevel: null, threatAssessment: null },
    ]);
  });
});

describe('security lookups by key of withheld records', () => {
  it('asking by key for a withheld record gives FORBIDDEN: incident, ceasefire violation report and ISR observation', async () => {
    const incident = withheldFrom(GBR_MEMBER, await rowsOf('security_incident'))[0];
    const report = withheldFrom(GBR_MEMBER, await rowsOf('ceasefire_violation_report'))[0];
    const { data, errors } = await subgraph.execute(
      `query($i: ID!, $r: ID!, $o: ID!) {
        incident(id: $i) { id } ceasefireViolationReport(id: $r) { id } isrObservation(id: $o) { id summary }
      }`,
      { i: incident.id, r: report.id, o: REAL_ISR_OBSERVATION_ID },
      GBR_MEMBER,
    );
    expect(data).toEqual({ incident: null, ceasefireViolationReport: null, isrObservation: null });
    expect(errors!.map((e) => [e.path, e.extensions!.code]).sort()).toEqual([
      [['ceasefireViolationReport'], 'FORBIDDEN'],
      [['incident'], 'FORBIDDEN'],
      [['isrObservation'], 'FORBIDDEN'],
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/looted|Khan Younis/);
  });

  it('a withheld incident referenced through _entities (from another subgraph) is null with FORBIDDEN', async () => {
    const withheld = withheldFrom(PARTNER_NGO, await rowsOf('security_incident')).slice(0, 3);
    const { data, errors } = await subgraph.execute(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SecurityIncident { id actor1 } } }`,
      { r: [{ __typename: 'SecurityIncident', id: REAL_INCIDENT_ID }, ...withheld.map((row) => ({ __typename: 'SecurityIncident', id: row.id }))] },
      PARTNER_NGO,
    );
    expect(data._entities[0]).toMatchObject({ id: REAL_INCIDENT_ID });
    expect(data._entities.slice(1)).toEqual([null, null, null]);
    expect(errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['_entities', 1], 'FORBIDDEN'],
      [['_entities', 2], 'FORBIDDEN'],
      [['_entities', 3], 'FORBIDDEN'],
    ]);
  });

  it('a released record whose linked incident is withheld shows the link as null with a FORBIDDEN error that names no id', async () => {
    // The US reads its own TLP:RED incident as its originator; a GBR member, not named in it, does not.
    const red = (await rowsOf('security_incident', "tlp = 'RED' AND originator = 'USA'"))[0];
    expect(red).toBeDefined();
    await subgraph.db.query(
      `INSERT INTO ceasefire_violation_report (id, reported_by, alleged_party, violation_type, occurred_at, area_pcode, yellow_line_side, verification,
         incident_id, source, classification, releasable_to, tlp, originator)
       VALUES ('CFV-TEST-LINK', 'CMCC liaison cell', 'Unidentified Armed Group (Palestine)', 'ARMED_APPROACH', '2025-11-21T03:10:00Z', $1,
         'UNKNOWN', 'UNVERIFIED', $2, 'SYNTHETIC', 'UNCLASSIFIED', '{CMCC}', 'GREEN', 'CMCC')`,
      [red.area_pcode, red.id],
    );
    const query = `{ ceasefireViolationReport(id: "CFV-TEST-LINK") { id incident { id actor1 } } }`;
    const gbr = await subgraph.execute(query, undefined, GBR_MEMBER);
    expect(gbr.data.ceasefireViolationReport).toEqual({ id: 'CFV-TEST-LINK', incident: null });
    expect(gbr.errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([['ceasefireViolationReport.incident', 'FORBIDDEN']]);
    expect(JSON.stringify(gbr)).not.toContain(red.id);
    const us = await subgraph.execute(query, undefined, TEST_PRINCIPAL);
    expect(us.data.ceasefireViolationReport.incident).toMatchObject({ id: red.id });
  });
});

describe('security ISR observations', () => {
  it('never shows an ISR observation to a humanitarian-only principal, even asked directly and holding isr:read', async () => {
    const { data, errors } = await subgraph.execute(
      `{ isrObservations(first: 500) { totalCount edges { node { id } } } isrObservation(id: "${REAL_ISR_OBSERVATION_ID}") { id } }`,
      undefined,
      WFP_OFFICER,
    );
    expect(data.isrObservations).toEqual({ totalCount: 0, edges: [] });
    expect(data.isrObservation).toBeNull();
    expect(errors).toMatchObject([{ path: ['isrObservation'], extensions: { code: 'FORBIDDEN' } }]);
  });

  it('hides the FVEY MQ-9 observation from a DEU analyst cleared SECRET, and shows it to a US analyst', async () => {
    const query = `{ isrObservations(filter: { areaPcode: "PS0270" }, first: 500) { totalCount edges { node { id } } } }`;
    const deu = await subgraph.execute(query, undefined, DEU_ANALYST);
    expect(nodeIds(deu.data.isrObservations)).not.toContain(REAL_ISR_OBSERVATION_ID);
    const us = await subgraph.execute(query, undefined, TEST_PRINCIPAL);
    expect(nodeIds(us.data.isrObservations)).toContain(REAL_ISR_OBSERVATION_ID);
  });

  it('an ISR observation is released only to principals cleared SECRET (and to the nation that flew it, its originator)', async () => {
    const rows = await rowsOf('isr_observation');
    for (const principal of PRINCIPALS.filter((p) => p.clearance !== 'SECRET')) {
      expect(
        releasedTo(
          principal,
          rows.filter((row) => row.originator !== principal.nation),
        ),
        principal.subject,
      ).toEqual([]);
    }
    expect(releasedTo(TEST_PRINCIPAL, rows).length).toBeGreaterThan(0);
  });
});

describe('security writes respect releasability', () => {
  const UPDATE = `mutation($input: UpdateIncidentVerificationInput!) { updateIncidentVerification(input: $input) { incident { id } userErrors { field code message } } }`;

  it('an editor cannot change the verification of an incident not released to them: refused as an unknown id', async () => {
    const target = withheldFrom(GBR_EDITOR, await rowsOf('security_incident', "tlp = 'RED'"))[0];
    const before = (await rowsOf('security_incident', 'id = $1', [target.id]))[0];
    const { data } = await subgraph.execute(UPDATE, { input: { id: target.id, version: 1, verification: 'REFUTED', note: 'Probing.' } }, GBR_EDITOR);
    const unknown = await subgraph.execute(UPDATE, { input: { id: 'INC-NOPE', version: 1, verification: 'REFUTED', note: 'Probing.' } }, GBR_EDITOR);
    expect(data.updateIncidentVerification.incident).toBeNull();
    expect(data.updateIncidentVerification.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND', message: `No SecurityIncident has the id "${target.id}"` }]);
    expect(unknown.data.updateIncidentVerification.userErrors[0].code).toBe('NOT_FOUND');
    expect((await rowsOf('security_incident', 'id = $1', [target.id]))[0]).toEqual(before);
  });

  it('an editor cannot link a ceasefire report to an incident not released to them', async () => {
    const target = withheldFrom(GBR_EDITOR, await rowsOf('security_incident'))[0];
    const { data } = await subgraph.execute(
      `mutation($input: ReportCeasefireViolationInput!) { reportCeasefireViolation(input: $input) { ceasefireViolationReport { id } userErrors { field code message } } }`,
      {
        input: {
          reportedBy: 'CMCC liaison cell',
          allegedParty: 'Unidentified Armed Group (Palestine)',
          violationType: 'ARMED_APPROACH',
          occurredAt: '2025-11-21T03:10:00Z',
          areaPcode: 'PS027003',
          yellowLineSide: 'UNKNOWN',
          incidentId: target.id,
          source: 'SYNTHETIC',
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'GBR' },
        },
      },
      GBR_EDITOR,
    );
    expect(data.reportCeasefireViolation.ceasefireViolationReport).toBeNull();
    expect(data.reportCeasefireViolation.userErrors).toMatchObject([{ field: ['input', 'incidentId'], code: 'UNKNOWN_REFERENCE' }]);
  });

  it('a duplicate source event id of a withheld incident is refused without naming that incident', async () => {
    const target = withheldFrom(GBR_EDITOR, await rowsOf('security_incident'))[0];
    await subgraph.db.query(`UPDATE security_incident SET source_event_id = 'PSE-WITHHELD-1' WHERE id = $1`, [target.id]);
    const { data } = await subgraph.execute(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { id } userErrors { field code message } } }`,
      {
        input: {
          eventDate: '2025-11-20',
          eventType: 'RIOTS',
          subEventType: 'MOB_VIOLENCE',
          actor1: 'Rioters (Palestine)',
          areaPcode: 'PS027001',
          locationName: 'Khan Younis',
          affectsAid: false,
          source: 'SYNTHETIC',
          sourceEventId: 'PSE-WITHHELD-1',
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'GBR' },
        },
      },
      GBR_EDITOR,
    );
    expect(data.reportIncident.userErrors).toEqual([
      { field: ['input', 'sourceEventId'], code: 'DUPLICATE', message: "Another incident already records the source's event PSE-WITHHELD-1" },
    ]);
    expect(JSON.stringify(data)).not.toContain(target.id);
  });

  it('an incident a GBR editor writes with the USA as originator is refused by the writing rule, and nothing is stored', async () => {
    const { data, errors } = await subgraph.execute(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { id } userErrors { code } } }`,
      {
        input: {
          eventDate: '2025-11-20',
          eventType: 'RIOTS',
          subEventType: 'MOB_VIOLENCE',
          actor1: 'Rioters (Palestine)',
          areaPcode: 'PS027001',
          locationName: 'Khan Younis – written for the USA only',
          affectsAid: false,
          source: 'SYNTHETIC',
          marking: { classification: 'RESTRICTED', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA' },
        },
      },
      GBR_EDITOR,
    );
    expect(data).toBeNull();
    expect(errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'OWN_ORIGINATOR' });
    expect(await rowsOf('security_incident', "location_name = 'Khan Younis – written for the USA only'")).toHaveLength(0);
  });
});

describe('security SQL applies the rule in every statement on a marked table', () => {
  const MARKED = /\b(security_incident|ceasefire_violation_report|isr_observation|threat_assessment|crossing_closure)\b/;

  it('every statement reading a marked table carries the releasability condition', async () => {
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `{
          incidents(first: 5) { totalCount edges { node { id } } }
          incident(id: "${REAL_INCIDENT_ID}") { id }
          ceasefireViolationReports(first: 5) { totalCount edges { node { id incident { id } } } }
          isrObservations(first: 5) { totalCount edges { node { id incident { id } } } }
          _entities(representations: [
            { __typename: "Area", pcode: "PS0270" }, { __typename: "Crossing", id: "KEREM_SHALOM" },
            { __typename: "Convoy", id: "CONVOY-0001" }, { __typename: "SecurityIncident", id: "INC-0001" }
          ]) {
            ... on Area { incidents(since: "2025-10-10T00:00:00Z", first: 3) { id } threatLevel }
            ... on Crossing { closures(first: 3) { id } threatAssessment { id } }
            ... on Convoy { incidents { id } }
            ... on SecurityIncident { id }
          }
        }`,
        undefined,
        GBR_MEMBER,
      ),
    );
    expect(result.data).toBeDefined();
    const marked = statements.filter((sql) => MARKED.test(sql));
    expect(marked.length).toBeGreaterThanOrEqual(10);
    for (const sql of marked) expect(sql).toMatch(/releasable_to && \$\d+::text\[\]/);
  });
});
