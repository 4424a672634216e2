import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { insertRows, MARKING_COLUMNS, markingToRow, type AccessMarking, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Who must NOT see what: engineering's marked records (facilities, damage assessments, explosive hazard tasks, debris
 * estimates, access roads, route hazards) reach only the principals their markings release them to, in lists, totals,
 * lookups by key, references from other records and the write path.
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

const US_SECRET = TEST_PRINCIPAL;
const GBR_MEMBER = principal({ subject: 'gbr-member', nation: 'GBR', organization: 'CMCC', clearance: 'SECRET', workingGroups: ['engineering'] });
const GBR_EDITOR = principal({ ...GBR_MEMBER, subject: 'gbr-editor', roles: ['editor'], scopes: ['write:engineering'] });
const DEU_RESTRICTED = principal({ subject: 'deu-restricted', nation: 'DEU', organization: 'CMCC', clearance: 'RESTRICTED' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const WFP_OFFICER = principal({ subject: 'wfp-officer', organization: 'XM-DAC-41140' });
const OUTSIDER = principal({ subject: 'outsider', nation: 'USA', clearance: 'SECRET', participant: false });
const PRINCIPALS = [US_SECRET, GBR_MEMBER, DEU_RESTRICTED, PARTNER_NGO, WFP_OFFICER, OUTSIDER];

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string, recipients: string[] = []) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients, caveats: [] }));
const OPEN = mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC');
const RESTRICTED_NATO = mark('RESTRICTED', 'AMBER', ['NATO'], 'GBR');
const RED_FOR_USA = mark('CONFIDENTIAL', 'RED', ['USA', 'GBR'], 'USA', ['USA']);
const SECRET_FVEY = mark('SECRET', 'AMBER', ['FVEY'], 'USA');
const AMBER_FOR_WFP = mark('UNCLASSIFIED', 'AMBER', ['XM-DAC-41140'], 'CMCC');

// Fixtures lie in a governorate P-code the seed does not use, so what each principal sees there is known exactly.
const AREA = 'PS0299';
const LOCALITY = 'PS029901';

beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
  const db = subgraph.db;
  const facility = (id: string, marking: unknown[]) => [id, `Test facility ${id}`, 'SCHOOL', 'PARTIAL', '2025-11-01', LOCALITY, 31.5, 34.45, 'SYNTHETIC', ...marking];
  await insertRows(
    db,
    'facility',
    ['id', 'name', 'type', 'status', 'status_as_of', 'area_pcode', 'latitude', 'longitude', 'source', ...MARKING_COLUMNS],
    [
      facility('FAC-T-OPEN', OPEN),
      facility('FAC-T-RESTRICTED', RESTRICTED_NATO),
      facility('FAC-T-RED', RED_FOR_USA),
      facility('FAC-T-SECRET', SECRET_FVEY),
      facility('FAC-T-WFP', AMBER_FOR_WFP),
    ],
  );
  await insertRows(
    db,
    'damage_assessment',
    ['id', 'facility_id', 'area_pcode', 'method', 'damage_class', 'imagery_date', 'source', ...MARKING_COLUMNS],
    [
      ['DA-T-OPEN', 'FAC-T-OPEN', LOCALITY, 'FIELD', 'MODERATE', '2025-11-01', 'SYNTHETIC', ...OPEN],
      ['DA-T-RED', 'FAC-T-OPEN', LOCALITY, 'FIELD', 'SEVERE', '2025-11-02', 'SYNTHETIC', ...RED_FOR_USA],
      ['DA-T-SECRET', 'FAC-T-OPEN', LOCALITY, 'UNOSAT_SATELLITE', 'DESTROYED', '2025-11-03', 'SYNTHETIC', ...SECRET_FVEY],
      // An assessment anyone may read, of a facility not everyone may.
      ['DA-T-OF-RESTRICTED', 'FAC-T-RESTRICTED', LOCALITY, 'FIELD', 'NONE', '2025-11-01', 'SYNTHETIC', ...OPEN],
    ],
  );
  const task = (id: string, facilityId: string | null, marking: unknown[]) => [
    id,
    LOCALITY,
    facilityId,
    'XM-DAC-41140',
    '2025-11-01T08:00:00Z',
    '2025-11-02T08:00:00Z',
    'MARKED',
    ['MORTAR'],
    [2],
    31.51,
    34.46,
    'SYNTHETIC',
    ...marking,
  ];
  await insertRows(
    db,
    'explosive_hazard_task',
    [
      'id',
      'area_pcode',
      'facility_id',
      'requested_by_org_id',
      'requested_at',
      'status_changed_at',
      'status',
      'item_types',
      'item_counts',
      'latitude',
      'longitude',
      'source',
      ...MARKING_COLUMNS,
    ],
    [task('EHT-T-OPEN', 'FAC-T-RESTRICTED', OPEN), task('EHT-T-RED', null, RED_FOR_USA), task('EHT-T-RESTRICTED', 'FAC-T-OPEN', RESTRICTED_NATO)],
  );
  await insertRows(
    db,
    'debris_estimate',
    ['id', 'area_pcode', 'tonnes', 'asbestos_tonnes', 'source', 'as_of', 'description', ...MARKING_COLUMNS],
    [
      ['DEBRIS-T-OPEN', AREA, 1000, null, 'SYNTHETIC', '2025-11-01', 'Illustrative test estimate.', ...OPEN],
      // Published, so preferred to the illustrative one, but only for those it is released to.
      ['DEBRIS-T-SECRET', AREA, 2000, null, 'UNEP', '2025-11-02', 'Test estimate, secret.', ...SECRET_FVEY],
    ],
  );
  await insertRows(
    db,
    'crossing_access_road',
    ['crossing_id', 'road_segment_facility_id', 'passability', 'constraints', 'as_of', 'source', ...MARKING_COLUMNS],
    [
      ['TEST_CROSSING_OPEN', 'FAC-T-RESTRICTED', 'RESTRICTED', ['UXO'], '2025-11-01', 'SYNTHETIC', ...OPEN],
      ['TEST_CROSSING_RED', 'FAC-T-OPEN', 'BLOCKED', [], '2025-11-01', 'SYNTHETIC', ...RED_FOR_USA],
    ],
  );
  await insertRows(
    db,
    'convoy_route_hazard',
    ['convoy_id', 'level', 'hazard_task_ids', 'assessed_at', 'source', ...MARKING_COLUMNS],
    [
      ['CONVOY-T-OPEN', 'MARKED_HAZARDS', ['EHT-T-OPEN', 'EHT-T-RED', 'EHT-T-RESTRICTED'], '2025-11-03T00:00:00Z', 'SYNTHETIC', ...OPEN],
      ['CONVOY-T-RED', 'MARKED_HAZARDS', ['EHT-T-OPEN'], '2025-11-03T00:00:00Z', 'SYNTHETIC', ...RED_FOR_USA],
    ],
  );
});
afterAll(() => subgraph?.close());

/** Ids of the rows of `table` whose marking releases them to `who` (the rule in code, to compare with the SQL). */
async function releasedIds(table: string, who: Principal, where = 'true', idColumn = 'id'): Promise<string[]> {
  const rows = await subgraph.db.query<MarkingRow & Record<string, string>>(`SELECT * FROM ${table} WHERE ${where}`);
  const reader = who;
  return rows
    .filter((row) => releasedToPrincipal(reader, row as unknown as MarkingRow))
    .map((row) => row[idColumn])
    .sort();
}

const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node.id).sort();

describe('engineering releasability: lists and totals', () => {
  it('a partner NGO sees no RESTRICTED facility: absent from lists and area lists, and left out of totals', async () => {
    const { data, errors } = await subgraph.execute(
      `{ facilities(first: 500) { totalCount edges { node { id marking { classification } } } }
         _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { facilities(first: 500) { id } } } }`,
      undefined,
      PARTNER_NGO,
    );
    expect(errors).toBeUndefined();
    for (const { node } of data.facilities.edges) expect(node.marking.classification).toBe('UNCLASSIFIED');
    expect(ids(data.facilities)).toEqual(await releasedIds('facility', PARTNER_NGO));
    expect(data.facilities.totalCount).toBe(data.facilities.edges.length);
    expect(data._entities[0].facilities.map((f: { id: string }) => f.id)).toEqual(['FAC-T-OPEN']);
  });

  it('totals count only released records, for every principal: facilities, assessments, tasks and debris estimates', async () => {
    for (const who of PRINCIPALS) {
      const { data, errors } = await subgraph.execute(
        `{ facilities(first: 500) { totalCount edges { node { id } } }
           explosiveHazardTasks(first: 500) { totalCount edges { node { id } } }
           debrisEstimates(first: 500) { totalCount edges { node { id } } }
           assessments: damageAssessments(filter: { areaPcode: "${AREA}" }, first: 500) { totalCount edges { node { id } } }
           allAssessments: damageAssessments(first: 0) { totalCount }
           area: facilities(filter: { areaPcode: "${AREA}" }, first: 0) { totalCount }
           schools: facilities(filter: { type: SCHOOL, areaPcode: "${AREA}" }) { totalCount } }`,
        undefined,
        who,
      );
      expect(errors, who.subject).toBeUndefined();
      for (const [field, table] of [
        ['facilities', 'facility'],
        ['explosiveHazardTasks', 'explosive_hazard_task'],
        ['debrisEstimates', 'debris_estimate'],
      ]) {
        const released = await releasedIds(table, who);
        expect(ids(data[field]), `${who.subject} ${field}`).toEqual(released);
        expect(data[field].totalCount, `${who.subject} ${field}`).toBe(released.length);
      }
      const assessments = await releasedIds('damage_assessment', who, `area_pcode LIKE '${AREA}%'`);
      expect(ids(data.assessments), `${who.subject} damageAssessments`).toEqual(assessments);
      expect(data.assessments.totalCount, `${who.subject} damageAssessments`).toBe(assessments.length);
      expect(data.allAssessments.totalCount, `${who.subject} damageAssessments`).toBe((await releasedIds('damage_assessment', who)).length);
      const inArea = await releasedIds('facility', who, `area_pcode LIKE '${AREA}%'`);
      expect(data.area.totalCount, who.subject).toBe(inArea.length);
      expect(data.schools.totalCount, who.subject).toBe(inArea.length);
    }
  });

  it('hides a TLP:RED explosive hazard task from a GBR member not named in its recipients, though cleared and released to GBR', async () => {
    const query = `{ explosiveHazardTasks(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id } } }
      _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { explosiveHazardTasks { id } } } }`;
    const gbr = await subgraph.execute(query, undefined, GBR_MEMBER);
    expect(ids(gbr.data.explosiveHazardTasks)).toEqual(['EHT-T-OPEN', 'EHT-T-RESTRICTED']);
    expect(gbr.data.explosiveHazardTasks.totalCount).toBe(2);
    expect(gbr.data._entities[0].explosiveHazardTasks.map((t: { id: string }) => t.id).sort()).toEqual(['EHT-T-OPEN', 'EHT-T-RESTRICTED']);
    const usa = await subgraph.execute(query, undefined, US_SECRET);
    expect(ids(usa.data.explosiveHazardTasks)).toEqual(['EHT-T-OPEN', 'EHT-T-RED', 'EHT-T-RESTRICTED']);
  });

  it('an outsider (not a CMCC participant) sees no TLP:GREEN record, whatever their clearance', async () => {
    const { data } = await subgraph.execute(
      `{ facilities(first: 500) { edges { node { marking { tlp } } } } explosiveHazardTasks(first: 500) { edges { node { marking { tlp } } } } }`,
      undefined,
      OUTSIDER,
    );
    for (const connection of [data.facilities, data.explosiveHazardTasks]) {
      for (const { node } of connection.edges) expect(node.marking.tlp).not.toBe('GREEN');
    }
  });

  it('a UN agency sees a TLP:AMBER facility released to its organisation, and a partner NGO does not', async () => {
    const query = `{ facilities(filter: { areaPcode: "${AREA}" }) { edges { node { id } } } }`;
    expect(ids((await subgraph.execute(query, undefined, WFP_OFFICER)).data.facilities)).toEqual(['FAC-T-OPEN', 'FAC-T-WFP']);
    expect(ids((await subgraph.execute(query, undefined, PARTNER_NGO)).data.facilities)).toEqual(['FAC-T-OPEN']);
  });
});

describe('engineering releasability: by key and through references', () => {
  it('asking by key for a withheld record gives FORBIDDEN: facility, task, and Facility references from other subgraphs', async () => {
    const { data, errors } = await subgraph.execute(
      `{ facility(id: "FAC-T-RESTRICTED") { id } explosiveHazardTask(id: "EHT-T-RED") { id } open: facility(id: "FAC-T-OPEN") { id }
         _entities(representations: [{ __typename: "Facility", id: "FAC-T-SECRET" }, { __typename: "Facility", id: "FAC-T-OPEN" }]) { ... on Facility { id name } } }`,
      undefined,
      PARTNER_NGO,
    );
    expect(data).toEqual({ facility: null, explosiveHazardTask: null, open: { id: 'FAC-T-OPEN' }, _entities: [null, { id: 'FAC-T-OPEN', name: 'Test facility FAC-T-OPEN' }] });
    const codes = Object.fromEntries(errors!.map((e) => [e.path!.join('.'), e.extensions!.code]));
    expect(codes).toEqual({ facility: 'FORBIDDEN', explosiveHazardTask: 'FORBIDDEN', '_entities.0': 'FORBIDDEN' });
    // Nothing of the withheld record is in the error but its id.
    for (const error of errors!) expect(error.message).not.toMatch(/Test facility|SCHOOL|PS0299/);
  });

  it('Facility.damageAssessments lists only the released assessments of a visible facility', async () => {
    const query = `{ facility(id: "FAC-T-OPEN") { damageAssessments { id } } }`;
    const list = async (who: Principal) => (await subgraph.execute(query, undefined, who)).data.facility.damageAssessments.map((a: { id: string }) => a.id);
    expect(await list(US_SECRET)).toEqual(['DA-T-SECRET', 'DA-T-RED', 'DA-T-OPEN']);
    expect(await list(GBR_MEMBER)).toEqual(['DA-T-SECRET', 'DA-T-OPEN']);
    expect(await list(DEU_RESTRICTED)).toEqual(['DA-T-OPEN']);
    expect(await list(PARTNER_NGO)).toEqual(['DA-T-OPEN']);
  });

  it('a facility withheld from the caller is null with a FORBIDDEN error naming no id, where a visible task, assessment or access road refers to it', async () => {
    const { data, errors } = await subgraph.execute(
      `{ explosiveHazardTask(id: "EHT-T-OPEN") { id facility { id } }
         facility(id: "FAC-T-RESTRICTED") { id }
         _entities(representations: [{ __typename: "Crossing", id: "TEST_CROSSING_OPEN" }]) { ... on Crossing { accessRoadStatus { passability roadSegment { id } } } } }`,
      undefined,
      PARTNER_NGO,
    );
    expect(data.explosiveHazardTask).toEqual({ id: 'EHT-T-OPEN', facility: null });
    expect(data._entities[0].accessRoadStatus).toEqual({ passability: 'RESTRICTED', roadSegment: null });
    expect(errors!.map((e) => [e.path!.join('.'), e.extensions!.code]).sort()).toEqual([
      ['_entities.0.accessRoadStatus.roadSegment', 'FORBIDDEN'],
      ['explosiveHazardTask.facility', 'FORBIDDEN'],
      ['facility', 'FORBIDDEN'],
    ]);
    expect(JSON.stringify(errors)).not.toContain('FAC-T-RESTRICTED');
    const deu = await subgraph.execute(`{ explosiveHazardTask(id: "EHT-T-OPEN") { facility { id } } }`, undefined, DEU_RESTRICTED);
    expect(deu.data.explosiveHazardTask.facility).toEqual({ id: 'FAC-T-RESTRICTED' });
  });

  it('an access road or route hazard status not released to the caller is null, and a route lists only released tasks', async () => {
    const query = `{ _entities(representations: [
        { __typename: "Crossing", id: "TEST_CROSSING_RED" }, { __typename: "Convoy", id: "CONVOY-T-OPEN" }, { __typename: "Convoy", id: "CONVOY-T-RED" }
      ]) { ... on Crossing { accessRoadStatus { passability } } ... on Convoy { routeHazardStatus { hazardTasks { id } } } } }`;
    const gbr = await subgraph.execute(query, undefined, GBR_MEMBER);
    expect(gbr.errors).toBeUndefined();
    expect(gbr.data._entities).toEqual([
      { accessRoadStatus: null },
      { routeHazardStatus: { hazardTasks: [{ id: 'EHT-T-OPEN' }, { id: 'EHT-T-RESTRICTED' }] } },
      { routeHazardStatus: null },
    ]);
    const partner = await subgraph.execute(query, undefined, PARTNER_NGO);
    expect(partner.data._entities[1]).toEqual({ routeHazardStatus: { hazardTasks: [{ id: 'EHT-T-OPEN' }] } });
    const usa = await subgraph.execute(query, undefined, US_SECRET);
    expect(usa.data._entities[0]).toEqual({ accessRoadStatus: { passability: 'BLOCKED' } });
    expect(usa.data._entities[2]).toEqual({ routeHazardStatus: { hazardTasks: [{ id: 'EHT-T-OPEN' }] } });
  });

  it('Area.debrisEstimate chooses among released estimates only: a SECRET published figure is not shown to a partner', async () => {
    const query = `{ _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { debrisEstimate { tonnes source } } } }`;
    expect((await subgraph.execute(query, undefined, US_SECRET)).data._entities[0].debrisEstimate).toEqual({ tonnes: 2000, source: 'UNEP' });
    expect((await subgraph.execute(query, undefined, PARTNER_NGO)).data._entities[0].debrisEstimate).toEqual({ tonnes: 1000, source: 'SYNTHETIC' });
    expect((await subgraph.execute(query, undefined, WFP_OFFICER)).data._entities[0].debrisEstimate).toEqual({ tonnes: 1000, source: 'SYNTHETIC' });
    // Released to no one here below RESTRICTED with a nation: a German member sees only the illustrative one.
    expect((await subgraph.execute(query, undefined, DEU_RESTRICTED)).data._entities[0].debrisEstimate).toEqual({ tonnes: 1000, source: 'SYNTHETIC' });
  });

  it('structure damage summaries are published aggregates: every principal reads the same UNOSAT figures', async () => {
    const query = `{ _entities(representations: [{ __typename: "Area", pcode: "PS02" }]) { ... on Area { structureDamage { damageClass structures } } } }`;
    const expected = (await subgraph.execute(query, undefined, US_SECRET)).data._entities[0].structureDamage;
    expect(expected).toHaveLength(4);
    for (const who of [PARTNER_NGO, OUTSIDER]) expect((await subgraph.execute(query, undefined, who)).data._entities[0].structureDamage).toEqual(expected);
  });
});

describe('engineering releasability: writes and history', () => {
  const MARKING = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' };

  it('an editor cannot change a facility, task or assessment not released to them: answered exactly like a missing id, and nothing written', async () => {
    const before = await subgraph.db.query('SELECT id, version FROM facility UNION ALL SELECT id, version FROM explosive_hazard_task ORDER BY id');
    const changes = (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_change'))[0].n;
    const status = (facilityId: string) =>
      subgraph.execute(
        `mutation($input: RecordFacilityStatusInput!) { recordFacilityStatus(input: $input) { facility { id } userErrors { field code message } } }`,
        { input: { facilityId, version: 1, status: 'DAMAGED', statusAsOf: '2025-11-05', source: 'CMCC', marking: MARKING } },
        GBR_EDITOR,
      );
    const task = (id: string) =>
      subgraph.execute(
        `mutation($input: UpdateExplosiveHazardTaskInput!) { updateExplosiveHazardTask(input: $input) { explosiveHazardTask { id } userErrors { field code message } } }`,
        { input: { id, version: 1, status: 'CLEARED', marking: MARKING } },
        GBR_EDITOR,
      );
    const assessment = (facilityId: string) =>
      subgraph.execute(
        `mutation($input: RecordDamageAssessmentInput!) { recordDamageAssessment(input: $input) { damageAssessment { id } userErrors { field code message } } }`,
        { input: { facilityId, method: 'FIELD', damageClass: 'SEVERE', imageryDate: '2025-11-05', source: 'CMCC', marking: MARKING } },
        GBR_EDITOR,
      );
    // The same answer as for an id that does not exist, but for the id itself.
    const asMissing = (response: unknown, id: string, missing: string) => JSON.stringify(response).replaceAll(id, missing);
    expect(asMissing(await status('FAC-T-RED'), 'FAC-T-RED', 'FAC-T-NONE')).toBe(JSON.stringify(await status('FAC-T-NONE')));
    expect(asMissing(await task('EHT-T-RED'), 'EHT-T-RED', 'EHT-T-NONE')).toBe(JSON.stringify(await task('EHT-T-NONE')));
    expect(asMissing(await assessment('FAC-T-RED'), 'FAC-T-RED', 'FAC-T-NONE')).toBe(JSON.stringify(await assessment('FAC-T-NONE')));
    expect((await status('FAC-T-NONE')).data.recordFacilityStatus.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    // The assessment exists (DA-T-RED) but is withheld from GBR: its id and version are not told, and it is not overwritten.
    const duplicate = await subgraph.execute(
      `mutation($input: RecordDamageAssessmentInput!) { recordDamageAssessment(input: $input) { damageAssessment { id } userErrors { code message } } }`,
      { input: { facilityId: 'FAC-T-OPEN', method: 'FIELD', damageClass: 'NONE', imageryDate: '2025-11-02', source: 'CMCC', marking: MARKING } },
      GBR_EDITOR,
    );
    expect(duplicate.data.recordDamageAssessment).toMatchObject({ damageAssessment: null, userErrors: [{ code: 'DUPLICATE' }] });
    expect(JSON.stringify(duplicate)).not.toMatch(/DA-T-RED|version \d|test-editor|seed/);
    expect(await subgraph.db.query('SELECT id, version FROM facility UNION ALL SELECT id, version FROM explosive_hazard_task ORDER BY id')).toEqual(before);
    expect((await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_change'))[0].n).toBe(changes);
  });

  it('a GBR editor may not create an assessment with the USA as originator: FORBIDDEN by the writing rule, and nothing written', async () => {
    const { data, errors } = await subgraph.execute(
      `mutation($input: RecordDamageAssessmentInput!) { recordDamageAssessment(input: $input) { damageAssessment { id } userErrors { code } } }`,
      {
        input: {
          facilityId: 'FAC-T-OPEN',
          method: 'FIELD',
          damageClass: 'SEVERE',
          imageryDate: '2025-11-04',
          source: 'CMCC',
          marking: { classification: 'CONFIDENTIAL', releasableTo: ['USA'], tlp: 'AMBER_STRICT', originator: 'USA' },
        },
      },
      GBR_EDITOR,
    );
    expect(data).toBeNull();
    expect(errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'OWN_ORIGINATOR' });
    const list = await subgraph.execute(`{ facility(id: "FAC-T-OPEN") { damageAssessments { imageryDate } } }`, undefined, US_SECRET);
    expect(list.data.facility.damageAssessments.map((a: { imageryDate: string }) => a.imageryDate)).not.toContain('2025-11-04');
  });

  it('coordinates in a record history are redacted for principals without a nation clearance (sensitive-location)', async () => {
    const recorded = await subgraph.execute(
      `mutation($input: RecordDamageAssessmentInput!) { recordDamageAssessment(input: $input) { damageAssessment { id } userErrors { code } } }`,
      {
        input: {
          facilityId: 'FAC-T-OPEN',
          method: 'UNOSAT_SATELLITE',
          damageClass: 'MODERATE',
          imageryDate: '2025-11-06',
          latitude: 31.52,
          longitude: 34.45,
          source: 'UNOSAT',
          marking: MARKING,
        },
      },
      US_SECRET,
    );
    expect(recorded.data.recordDamageAssessment.userErrors).toEqual([]);
    const query = `{ facility(id: "FAC-T-OPEN") { damageAssessments(first: 1) { imageryDate history { fields { field newValue redacted } } } } }`;
    const fieldsFor = async (who: Principal) => {
      const [latest] = (await subgraph.execute(query, undefined, who)).data.facility.damageAssessments;
      expect(latest.imageryDate).toBe('2025-11-06');
      return latest.history[0].fields as { field: string; newValue: string | null; redacted: boolean }[];
    };
    for (const who of [US_SECRET, DEU_RESTRICTED]) {
      expect(await fieldsFor(who)).toEqual(
        expect.arrayContaining([
          { field: 'latitude', newValue: '31.52', redacted: false },
          { field: 'longitude', newValue: '34.45', redacted: false },
        ]),
      );
    }
    for (const who of [PARTNER_NGO, WFP_OFFICER]) {
      const fields = await fieldsFor(who);
      expect(fields).toContainEqual({ field: 'damage_class', newValue: '"MODERATE"', redacted: false });
      expect(fields).toContainEqual({ field: 'latitude', newValue: null, redacted: true });
      expect(fields).toContainEqual({ field: 'longitude', newValue: null, redacted: true });
      expect(JSON.stringify(fields)).not.toMatch(/31\.52|34\.45/);
    }
  });
});
