import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAdministration } from '@cmcc/subgraph-civil-administration/server';
import { coordination } from '@cmcc/subgraph-coordination/server';
import { engineering } from '@cmcc/subgraph-engineering/server';
import { humanitarian } from '@cmcc/subgraph-humanitarian/server';
import { intelligence } from '@cmcc/subgraph-intelligence/server';
import { multinationalForce } from '@cmcc/subgraph-multinational-force/server';
import { security } from '@cmcc/subgraph-security/server';
import { markingFromRow, relaxationsOf, type AccessMarking, type MarkingRow, type Principal, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';

/*
 * The writing rule (docs/security.md, "Writes"), the same cases against every subgraph's create and update mutations:
 * a writer creates a record only with itself (its nation or org) as originator and a classification at most its
 * clearance; only the originator may lower a classification, widen releasableTo/recipients, drop a caveat or relax
 * the TLP; anyone allowed to edit may tighten. Expected outcomes are written out below, case by case.
 */

type Row = Record<string, any>;
/** A marking as these cases write it: `nationalMarking` only where a case gives one. */
type Marking = Omit<AccessMarking, 'nationalMarking'> & { nationalMarking?: string };

const SCOPES = ['civil-administration', 'coordination', 'engineering', 'humanitarian', 'intelligence', 'multinational-force', 'security'].map((group) => `write:${group}`);
/** An editor of every group; the caveats claim lets it read the ORCON/PROPIN records these cases write. */
const editor = (over: Partial<Principal> & { subject: string }): Principal =>
  ({
    nation: null,
    organization: null,
    workingGroups: [],
    roles: ['editor'],
    scopes: SCOPES,
    clearance: 'SECRET',
    participant: true,
    caveats: ['ORCON', 'PROPIN'],
    ...over,
  }) as Principal;

const GBR = editor({ subject: 'gbr-editor', nation: 'GBR' });
/** A nation and an organisation: either is itself as originator. */
const USA = editor({ subject: 'usa-editor', nation: 'USA', organization: 'CMCC' });
const USA_CONFIDENTIAL = editor({ subject: 'usa-confidential-editor', nation: 'USA', clearance: 'CONFIDENTIAL' });
/** An organisation without a nation: its org id is itself. */
const WFP = editor({ subject: 'wfp-editor', organization: 'XM-DAC-41140', clearance: 'RESTRICTED' });

/** What GBR writes before each re-marking case: released to GBR and the USA, caveat ORCON. */
const BASE: Marking = { classification: 'RESTRICTED', releasableTo: ['GBR', 'USA'], tlp: 'AMBER', originator: 'GBR', recipients: [], caveats: ['ORCON'] };

let serial = 0;
/** A different calendar day for each record written, so natural keys (crossing + day, facility + day) never clash. */
const day = (n: number) => new Date(Date.UTC(2025, 10, 1) + n * 86_400_000).toISOString().slice(0, 10);

interface Create {
  mutation: string;
  document: string;
  table: string;
  input: (marking: Marking, n: number) => Row;
}
interface Update {
  create: Create;
  mutation: string;
  document: string;
  input: (record: { id: string; version: number }, marking: Marking, n: number) => Row;
  /** The text in the input that picks the record, and one that picks no record (for the "withheld = missing" case). */
  key: (record: { id: string }, n: number) => [string, string];
}

const payload = (field: string) => `${field} { id } userErrors { field code message }`;
const doc = (mutation: string, inputType: string, field: string) => `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${payload(field)} } }`;

let facilityForAll = '';

const CREATES: Record<string, Create> = {
  'civil-administration recordPopulationMovement': {
    mutation: 'recordPopulationMovement',
    document: doc('recordPopulationMovement', 'RecordPopulationMovementInput', 'populationMovement'),
    table: 'population_movement',
    input: (marking, n) => ({ monitoringPoint: `Write-rule point ${n}`, areaPcode: 'PS0255', date: day(n), direction: 'S_TO_N', count: 10, source: 'SYNTHETIC', marking }),
  },
  'civil-administration upsertDisplacementSite': {
    mutation: 'upsertDisplacementSite',
    document: doc('upsertDisplacementSite', 'UpsertDisplacementSiteInput', 'displacementSite'),
    table: 'displacement_site',
    input: (marking, n) => ({
      name: `Write-rule site ${n}`,
      type: 'COLLECTIVE_CENTRE',
      areaPcode: 'PS027001',
      households: 10,
      individuals: 50,
      source: 'PARTNER',
      asOf: day(n),
      marking,
    }),
  },
  'engineering recordDamageAssessment': {
    mutation: 'recordDamageAssessment',
    document: doc('recordDamageAssessment', 'RecordDamageAssessmentInput', 'damageAssessment'),
    table: 'damage_assessment',
    input: (marking, n) => ({ facilityId: facilityForAll, method: 'FIELD', damageClass: 'MODERATE', imageryDate: day(n), source: 'CMCC', marking }),
  },
  'humanitarian recordCrossingReport': {
    mutation: 'recordCrossingReport',
    document: doc('recordCrossingReport', 'RecordCrossingReportInput', 'crossingDailyReport'),
    table: 'crossing_daily_report',
    input: (marking, n) => ({ crossingId: 'KEREM_SHALOM', date: day(n), source: 'CMCC', open: true, trucksOffloaded: 10, trucksCollected: 9, tonnes: 100, fuelLitres: 0, marking }),
  },
  'humanitarian requestConvoy': {
    mutation: 'requestConvoy',
    document: doc('requestConvoy', 'RequestConvoyInput', 'convoy'),
    table: 'convoy',
    input: (marking) => ({
      type: 'ASSESSMENT',
      requestingOrganizationIds: ['XM-DAC-41140'],
      destinationPcode: 'PS0255',
      plannedStart: '2026-03-01T06:00:00Z',
      source: 'CMCC',
      marking,
    }),
  },
  'intelligence recordIntelligenceReport': {
    mutation: 'recordIntelligenceReport',
    document: doc('recordIntelligenceReport', 'RecordIntelligenceReportInput', 'intelligenceReport'),
    table: 'intelligence_report',
    input: (marking, n) => ({
      title: `Write-rule report ${n}`,
      summary: 'A test report.',
      reportedAt: '2025-11-05T10:00:00Z',
      discipline: 'HUMINT',
      sourceReliability: 'B',
      informationCredibility: 'POSSIBLY_TRUE',
      sourceDescription: 'Test liaison contact',
      areaPcode: 'PS0270',
      relatedIncidentIds: ['INC-0001'],
      source: 'SYNTHETIC',
      marking,
    }),
  },
  'coordination raiseCoordinationRequest': {
    mutation: 'raiseCoordinationRequest',
    document: doc('raiseCoordinationRequest', 'RaiseCoordinationRequestInput', 'coordinationRequest'),
    table: 'coordination_request',
    input: (marking, n) => ({
      title: `Write-rule request ${n}`,
      description: 'A test request.',
      subjectType: 'CROSSING',
      areaPcode: 'PS0275',
      crossingId: 'KEREM_SHALOM',
      priority: 'ROUTINE',
      source: 'SYNTHETIC',
      marking,
    }),
  },
  'coordination submitHumanitarianNotification': {
    mutation: 'submitHumanitarianNotification',
    document: doc('submitHumanitarianNotification', 'SubmitHumanitarianNotificationInput', 'humanitarianNotification'),
    table: 'humanitarian_notification',
    input: (marking, n) => ({
      kind: 'SITE',
      title: `Write-rule site ${n}`,
      areaPcode: 'PS0265',
      latitude: 31.42,
      longitude: 34.35,
      windowStart: `${day(n)}T06:00:00Z`,
      windowEnd: `${day(n)}T18:00:00Z`,
      source: 'SYNTHETIC',
      marking,
    }),
  },
  'multinational-force recordForceContribution': {
    mutation: 'recordForceContribution',
    document: doc('recordForceContribution', 'RecordForceContributionInput', 'forceContribution'),
    table: 'force_contribution',
    input: (marking, n) => ({
      nation: 'EGY',
      unit: `Write-rule company ${n}`,
      role: 'ENGINEERING',
      personnel: 100,
      readiness: 'PREPARING',
      readinessAsOf: '2025-11-10T00:00:00Z',
      areaPcode: 'PS0275',
      source: 'SYNTHETIC',
      marking,
    }),
  },
  'security reportIncident': {
    mutation: 'reportIncident',
    document: doc('reportIncident', 'ReportIncidentInput', 'incident'),
    table: 'security_incident',
    input: (marking, n) => ({
      eventDate: '2025-11-20',
      eventType: 'RIOTS',
      subEventType: 'MOB_VIOLENCE',
      actor1: 'Rioters (Palestine)',
      areaPcode: 'PS027001',
      locationName: `Write-rule place ${n}`,
      affectsAid: false,
      source: 'SYNTHETIC',
      marking,
    }),
  },
  'security reportCeasefireViolation': {
    mutation: 'reportCeasefireViolation',
    document: doc('reportCeasefireViolation', 'ReportCeasefireViolationInput', 'ceasefireViolationReport'),
    table: 'ceasefire_violation_report',
    input: (marking, n) => ({
      reportedBy: 'CMCC liaison cell',
      allegedParty: 'Unidentified Armed Group (Palestine)',
      violationType: 'ARMED_APPROACH',
      occurredAt: '2025-11-21T03:10:00Z',
      areaPcode: 'PS027003',
      yellowLineSide: 'WITHDRAWN_SIDE',
      source: 'SYNTHETIC',
      notes: `Write-rule allegation ${n}`,
      marking,
    }),
  },
};

const UPDATES: Record<string, Update> = {
  'civil-administration upsertDisplacementSite (with id)': {
    create: CREATES['civil-administration upsertDisplacementSite'],
    mutation: 'upsertDisplacementSite',
    document: doc('upsertDisplacementSite', 'UpsertDisplacementSiteInput', 'displacementSite'),
    input: (record, marking, n) => ({ ...CREATES['civil-administration upsertDisplacementSite'].input(marking, n), households: 11, id: record.id, version: record.version }),
    key: (record) => [record.id, 'SITE-WRITE-RULE-NONE'],
  },
  'engineering recordDamageAssessment (correction)': {
    create: CREATES['engineering recordDamageAssessment'],
    mutation: 'recordDamageAssessment',
    document: doc('recordDamageAssessment', 'RecordDamageAssessmentInput', 'damageAssessment'),
    input: (record, marking, n) => ({ ...CREATES['engineering recordDamageAssessment'].input(marking, n), damageClass: 'SEVERE', version: record.version }),
    key: (_record, n) => [day(n), '2024-01-01'],
  },
  'humanitarian recordCrossingReport (correction)': {
    create: CREATES['humanitarian recordCrossingReport'],
    mutation: 'recordCrossingReport',
    document: doc('recordCrossingReport', 'RecordCrossingReportInput', 'crossingDailyReport'),
    input: (record, marking, n) => ({ ...CREATES['humanitarian recordCrossingReport'].input(marking, n), trucksOffloaded: 11, version: record.version }),
    key: (_record, n) => [day(n), '2026-06-30'], // a day Kerem Shalom was open with nothing reported: missing, not refused as a closed day
  },
  'multinational-force updateForceReadiness': {
    create: CREATES['multinational-force recordForceContribution'],
    mutation: 'updateForceReadiness',
    document: doc('updateForceReadiness', 'UpdateForceReadinessInput', 'forceContribution'),
    input: (record, marking) => ({ id: record.id, version: record.version, readiness: 'READY', readinessAsOf: '2025-11-12T00:00:00Z', marking }),
    key: (record) => [record.id, 'FC-WRITE-RULE-NONE'],
  },
};

const SUBGRAPHS: Record<string, SubgraphDefinition<any>> = {
  'civil-administration': civilAdministration,
  coordination,
  engineering,
  humanitarian,
  intelligence,
  'multinational-force': multinationalForce,
  security,
};
const running: Record<string, TestSubgraph> = {};
const subgraphOf = (name: string) => running[name.split(' ')[0]];

beforeAll(async () => {
  for (const [name, definition] of Object.entries(SUBGRAPHS)) running[name] = await startTestSubgraph(definition);
  // A seeded facility every editor here may see, to assess (facilities are only seeded, never created by a mutation).
  const facilities = await running.engineering.db.query<Row>('SELECT * FROM facility ORDER BY id');
  facilityForAll = facilities.find((row) => [GBR, USA, USA_CONFIDENTIAL, WFP].every((who) => releasedToPrincipal(who, row as unknown as MarkingRow)))!.id;
}, 300_000);
afterAll(async () => {
  await Promise.all(Object.values(running).map((subgraph) => subgraph.close()));
});

/** Everything a refused write could have touched: the record's table and the change history. */
async function snapshot(subgraph: TestSubgraph, table: string) {
  return {
    rows: await subgraph.db.query(`SELECT id, version, classification, releasable_to, tlp, originator, recipients, caveats FROM ${table} ORDER BY id`),
    history: (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_change'))[0].n,
  };
}

async function create(name: string, target: Create, marking: Marking, as: Principal) {
  const subgraph = subgraphOf(name);
  const n = ++serial;
  const before = new Set((await subgraph.db.query<{ id: string }>(`SELECT id FROM ${target.table}`)).map((row) => row.id));
  const response = await subgraph.execute(target.document, { input: target.input(marking, n) }, as);
  const written = (await subgraph.db.query<Row>(`SELECT * FROM ${target.table}`)).filter((row) => !before.has(row.id));
  return { response, written, n };
}

const markingOf = (row: Row): Marking => {
  const { classification, releasableTo, tlp, originator, recipients, caveats, nationalMarking } = markingFromRow(row as MarkingRow);
  return { classification, releasableTo, tlp, originator, recipients, caveats, ...(nationalMarking != null ? { nationalMarking } : {}) };
};

function expectRefused(response: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }, rule: string) {
  expect(response.data ?? null).toBeNull();
  expect(response.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', rule })]);
}

function expectWritten(response: { data?: any; errors?: unknown[] }, mutation: string) {
  expect(response.errors).toBeUndefined();
  expect(response.data[mutation].userErrors).toEqual([]);
}

describe.each(Object.entries(CREATES))('creating with %s', (name, target) => {
  it('refuses a marking that names another nation as originator, and writes nothing', async () => {
    const subgraph = subgraphOf(name);
    const before = await snapshot(subgraph, target.table);
    const { response, written } = await create(name, target, { ...BASE, originator: 'GBR' }, USA);
    expectRefused(response, 'OWN_ORIGINATOR');
    expect(written).toEqual([]);
    expect(await snapshot(subgraph, target.table)).toEqual(before);
  });

  it('refuses an organisation writing with a nation as originator, and writes nothing', async () => {
    const { response, written } = await create(name, target, { ...BASE, originator: 'USA' }, WFP);
    expectRefused(response, 'OWN_ORIGINATOR');
    expect(written).toEqual([]);
  });

  it('refuses a classification above the writer’s clearance (SECRET by a CONFIDENTIAL editor), and writes nothing', async () => {
    const subgraph = subgraphOf(name);
    const before = await snapshot(subgraph, target.table);
    const { response, written } = await create(name, target, { ...BASE, classification: 'SECRET', originator: 'USA' }, USA_CONFIDENTIAL);
    expectRefused(response, 'WITHIN_CLEARANCE');
    expect(written).toEqual([]);
    expect(await snapshot(subgraph, target.table)).toEqual(before);
  });

  it.each([
    ['its nation, at its clearance (CONFIDENTIAL)', USA_CONFIDENTIAL, { ...BASE, classification: 'CONFIDENTIAL', originator: 'USA' }],
    ['its nation, below its clearance', USA, { ...BASE, originator: 'USA' }],
    ['its organisation, when it also has a nation', USA, { ...BASE, originator: 'CMCC' }],
    ['its organisation, when it has no nation', WFP, { ...BASE, originator: 'XM-DAC-41140' }],
  ] as [string, Principal, Marking][])('writes a record with the writer as originator: %s', async (_case, as, marking) => {
    const { response, written } = await create(name, target, marking, as);
    expectWritten(response, target.mutation);
    expect(written).toHaveLength(1);
    expect(markingOf(written[0])).toEqual(marking);
  });
});

/** A change to BASE, and whether a non-originator (USA) and the originator (GBR) may make it: from the rule's text in docs/security.md. */
const REMARKINGS: [string, Partial<Marking>, 'allowed' | string, 'allowed' | string][] = [
  ['lowers the classification (RESTRICTED to UNCLASSIFIED)', { classification: 'UNCLASSIFIED' }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['widens releasableTo (adds DEU)', { releasableTo: ['GBR', 'USA', 'DEU'] }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['widens releasableTo (adds the group code CMCC)', { releasableTo: ['GBR', 'USA', 'CMCC'] }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['drops the caveat ORCON', { caveats: [] }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['relaxes the TLP (AMBER to GREEN)', { tlp: 'GREEN' }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['changes the originator', { originator: 'USA' }, 'ORIGINATOR_FIXED', 'ORIGINATOR_FIXED'],
  ["gives a national marking (the originator's own words)", { nationalMarking: 'UK OFFICIAL-SENSITIVE' }, 'ONLY_ORIGINATOR_RELAXES', 'allowed'],
  ['raises the classification (RESTRICTED to CONFIDENTIAL)', { classification: 'CONFIDENTIAL' }, 'allowed', 'allowed'],
  ['narrows releasableTo (drops GBR)', { releasableTo: ['USA'] }, 'allowed', 'allowed'],
  ['adds the caveat PROPIN', { caveats: ['ORCON', 'PROPIN'] }, 'allowed', 'allowed'],
  ['tightens the TLP to RED, naming the editor as recipient', { tlp: 'RED', recipients: ['usa-editor'] }, 'allowed', 'allowed'],
  ['keeps the marking as it is', {}, 'allowed', 'allowed'],
];

describe.each(Object.entries(UPDATES))('re-marking with %s', (name, target) => {
  async function written(marking: Marking) {
    const made = await create(name, target.create, marking, GBR);
    expectWritten(made.response, target.create.mutation);
    return { record: { id: String(made.written[0].id), version: Number(made.written[0].version) }, n: made.n };
  }

  for (const [who, as, column] of [
    ['a non-originator (USA)', USA, 2],
    ['the originator (GBR)', GBR, 3],
  ] as const) {
    it.each(REMARKINGS)(`by ${who}: a change that %s`, async (_case, change, ...outcomes) => {
      const outcome = outcomes[column - 2];
      const subgraph = subgraphOf(name);
      const { record, n } = await written(BASE);
      const before = await snapshot(subgraph, target.create.table);
      const marking = { ...BASE, ...change };
      const response = await subgraph.execute(target.document, { input: target.input(record, marking, n) }, as);
      const [row] = await subgraph.db.query<Row>(`SELECT * FROM ${target.create.table} WHERE id = $1`, [record.id]);
      if (outcome === 'allowed') {
        expectWritten(response, target.mutation);
        expect(markingOf(row)).toEqual(marking);
        expect(row.version).toBe(record.version + 1);
      } else {
        expectRefused(response, outcome);
        expect(await snapshot(subgraph, target.create.table)).toEqual(before);
      }
    });
  }

  it('answers a non-originator’s write to a record it may not see exactly like a write to a missing record, and writes nothing', async () => {
    const subgraph = subgraphOf(name);
    const { record, n } = await written({ ...BASE, releasableTo: ['GBR'] });
    const before = await snapshot(subgraph, target.create.table);
    const [withheld, missing] = target.key(record, n);
    const input = target.input(record, BASE, n);
    const refused = await subgraph.execute(target.document, { input }, USA);
    const absent = await subgraph.execute(target.document, { input: JSON.parse(JSON.stringify(input).replaceAll(withheld, missing)) }, USA);
    expect(absent.data[target.mutation]).toMatchObject({ userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
    expect(JSON.stringify(refused).replaceAll(withheld, missing)).toBe(JSON.stringify(absent));
    expect(await snapshot(subgraph, target.create.table)).toEqual(before);
  });

  it('writes a tightening that leaves the editor unable to see the record, and answers with no record rather than an error', async () => {
    const subgraph = subgraphOf(name);
    const { record, n } = await written(BASE);
    const response = await subgraph.execute(target.document, { input: target.input(record, { ...BASE, releasableTo: ['GBR'] }, n) }, USA);
    expect(response.errors).toBeUndefined();
    expect(response.data[target.mutation]).toEqual({ [Object.keys(response.data[target.mutation])[0]]: null, userErrors: [] });
    const [row] = await subgraph.db.query<Row>(`SELECT * FROM ${target.create.table} WHERE id = $1`, [record.id]);
    expect(row.releasable_to).toEqual(['GBR']);
  });
});

describe('the order of markings (kit write-rule.ts)', () => {
  const RED: Marking = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'RED', originator: 'GBR', recipients: ['alice'], caveats: [] };
  it.each([
    ['a RED marking naming one more recipient', RED, { ...RED, recipients: ['alice', 'bob'] }, true],
    ['a RED marking naming fewer recipients', RED, { ...RED, recipients: [] }, false],
    ['an AMBER_STRICT marking naming one more recipient', { ...RED, tlp: 'AMBER_STRICT' }, { ...RED, tlp: 'AMBER_STRICT', recipients: ['alice', 'bob'] }, true],
    ['AMBER raised to RED with recipients (they released nothing before)', { ...RED, tlp: 'AMBER', recipients: [] }, RED, false],
    ['RED lowered to AMBER_STRICT', RED, { ...RED, tlp: 'AMBER_STRICT' }, true],
    ['SECRET lowered to CONFIDENTIAL', { ...RED, classification: 'SECRET' }, { ...RED, classification: 'CONFIDENTIAL' }, true],
    ['releasableTo emptied (originator only)', RED, { ...RED, releasableTo: [] }, false],
    ['CLEAR raised to GREEN', { ...RED, tlp: 'CLEAR', recipients: [] }, { ...RED, tlp: 'GREEN', recipients: [] }, false],
  ] as [string, Marking, Marking, boolean][])('%s relaxes: %s', (_case, before, after, relaxes) => {
    expect(relaxationsOf(before as AccessMarking, after as AccessMarking).length > 0).toBe(relaxes);
  });
});
