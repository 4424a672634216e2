import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, type AccessMarking } from '@cmcc/subgraph-kit';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * Coordination through the gateway: one query follows a request to the convoy it is about (resolved by humanitarian),
 * the convoy's crossing, the incidents on its route (security), the facility it serves (engineering) and the area
 * (civil administration), each part only as far as it is released to the caller; the ids the request holds are not
 * part of the public graph; notified coordinates need deconfliction:read (in history too); writes need
 * write:coordination and a marking the writer may set.
 */

let stack: TestStack;

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients: [], caveats: [] }));
const OPEN = mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC');
const FVEY_SECRET = mark('SECRET', 'AMBER', ['FVEY'], 'USA');

const US_EDITOR = { sub: 'us-editor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', scope: 'write:coordination', cmcc: true };
const US_DECONFLICTION = { ...ANALYST_CLAIMS, sub: 'us-deconfliction', scope: 'read:* deconfliction:read' };
const DEU_CONFIDENTIAL = { sub: 'deu-engineer', nation: 'DEU', org: 'CMCC', clearance: 'CONFIDENTIAL', cmcc: true };
const PRCS_VOLUNTEER = { sub: 'prcs-volunteer', org: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', cmcc: true };
const WFP_EDITOR = { sub: 'wfp-editor', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', scope: 'write:coordination', cmcc: true };

let requestId: string;

beforeAll(async () => {
  stack = await startStack();
  // Fixtures with known markings, so what each principal sees is written from the rule, not computed.
  const convoyColumns = ['id', 'type', 'crossing_id', 'destination_pcode', 'planned_start', 'status', 'un2720_monitored', 'source', ...MARKING_COLUMNS];
  await insertRows(stack.subgraphs.humanitarian.db, 'convoy', convoyColumns, [
    ['CONVOY-GW-1', 'DELIVERY', 'KEREM_SHALOM', 'PS027501', '2025-11-20T06:00:00Z', 'FACILITATED', false, 'SYNTHETIC', ...OPEN],
    ['CONVOY-GW-SECRET', 'DELIVERY', 'KISSUFIM', 'PS026501', '2025-11-21T06:00:00Z', 'FACILITATED', false, 'SYNTHETIC', ...FVEY_SECRET],
  ]);
  const incidentColumns = ['id', 'event_date', 'event_type', 'actor1', 'area_pcode', 'location_name', 'affects_aid', 'convoy_id', 'source', 'verification', ...MARKING_COLUMNS];
  await insertRows(stack.subgraphs.security.db, 'security_incident', incidentColumns, [
    ['INC-GW-OPEN', '2025-11-20', 'STRATEGIC_DEVELOPMENTS', 'Test actor', 'PS027501', 'Rafah', true, 'CONVOY-GW-1', 'SYNTHETIC', 'UNVERIFIED', ...OPEN],
    ['INC-GW-SECRET', '2025-11-20', 'STRATEGIC_DEVELOPMENTS', 'Test actor', 'PS027501', 'Rafah', true, 'CONVOY-GW-1', 'SYNTHETIC', 'UNVERIFIED', ...FVEY_SECRET],
  ]);
  await insertRows(
    stack.subgraphs.engineering.db,
    'facility',
    ['id', 'name', 'type', 'status', 'status_as_of', 'area_pcode', 'source', 'classification', 'releasable_to', 'tlp', 'originator', 'recipients', 'caveats'],
    [['FAC-GW-HOSPITAL', 'Test field hospital', 'HOSPITAL', 'OPERATIONAL', '2025-11-01', 'PS027501', 'SYNTHETIC', 'UNCLASSIFIED', ['CMCC'], 'GREEN', 'CMCC', [], []]],
  );
  // A request the CMCC can read about the FVEY convoy: the request is released to an NGO, the convoy is not.
  await insertRows(
    stack.subgraphs.coordination.db,
    'coordination_request',
    ['id', 'title', 'subject_type', 'area_pcode', 'convoy_id', 'priority', 'status', 'reported_at', 'source', ...MARKING_COLUMNS],
    [['CR-GW-OPEN', 'Open request about a FVEY convoy', 'CONVOY', 'PS026501', 'CONVOY-GW-SECRET', 'ROUTINE', 'OPEN', '2025-11-21T07:00:00Z', 'SYNTHETIC', ...OPEN]],
  );

  // Raised through the gateway by a US editor: RESTRICTED, AMBER, released to CMCC participants.
  const raised = await stack.query(
    `mutation($input: RaiseCoordinationRequestInput!) { raiseCoordinationRequest(input: $input) { coordinationRequest { id } userErrors { field code message } } }`,
    {
      input: {
        title: 'Deconflict CONVOY-GW-1 to the field hospital',
        description: 'Passage window needed through Rafah.',
        subjectType: 'CONVOY',
        areaPcode: 'PS027501',
        convoyId: 'CONVOY-GW-1',
        facilityId: 'FAC-GW-HOSPITAL',
        priority: 'IMMEDIATE',
        source: 'SYNTHETIC',
        marking: { classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'AMBER', originator: 'USA' },
      },
    },
    US_EDITOR,
  );
  expect(raised.errors).toBeUndefined();
  expect(raised.data.raiseCoordinationRequest.userErrors).toEqual([]);
  requestId = raised.data.raiseCoordinationRequest.coordinationRequest.id;
}, 600_000);
afterAll(() => stack?.close());

// Area.controlShare (another helper's field on Area) belongs in `area { ... }` here once it lands.
const FOLLOW = `query($id: ID!) { coordinationRequest(id: $id) {
  id subjectType status
  convoy { id crossing { id name } incidents { id } }
  facility { id name }
  area { pcode name }
  raisedBy { id kind }
} }`;

describe('a request about a convoy, followed across the graph in one query', () => {
  it('shows a US analyst the convoy, its crossing, both incidents on its route, the facility it serves and the area', async () => {
    const { data, errors } = await stack.query(FOLLOW, { id: requestId }, ANALYST_CLAIMS);
    expect(errors).toBeUndefined();
    expect(data.coordinationRequest).toEqual({
      id: requestId,
      subjectType: 'CONVOY',
      status: 'OPEN',
      convoy: { id: 'CONVOY-GW-1', crossing: { id: 'KEREM_SHALOM', name: 'Kerem Shalom' }, incidents: expect.any(Array) },
      facility: { id: 'FAC-GW-HOSPITAL', name: 'Test field hospital' },
      area: { pcode: 'PS027501', name: 'Rafah' },
      raisedBy: { id: 'USA', kind: 'NATION' },
    });
    expect(data.coordinationRequest.convoy.incidents.map((i: { id: string }) => i.id).sort()).toEqual(['INC-GW-OPEN', 'INC-GW-SECRET']);
  });

  it('leaves out of the route the SECRET incident for a German member cleared CONFIDENTIAL, without a trace', async () => {
    const { data, errors } = await stack.query(FOLLOW, { id: requestId }, DEU_CONFIDENTIAL);
    expect(errors).toBeUndefined();
    expect(data.coordinationRequest.convoy.incidents.map((i: { id: string }) => i.id)).toEqual(['INC-GW-OPEN']);
  });

  it('withholds the RESTRICTED request itself from an NGO volunteer: null with FORBIDDEN, nothing of it followed', async () => {
    const { data, errors } = await stack.query(FOLLOW, { id: requestId }, PRCS_VOLUNTEER);
    expect(data?.coordinationRequest ?? null).toBeNull();
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(errors)).not.toMatch(/CONVOY-GW|FAC-GW|RESTRICTED|USA/);
  });

  it('names no convoy the reader may not see: an open request about a FVEY convoy shows an NGO a null convoy with a silent FORBIDDEN', async () => {
    const { data, errors } = await stack.query('{ coordinationRequest(id: "CR-GW-OPEN") { id convoy { id } } }', undefined, PRCS_VOLUNTEER);
    expect(data.coordinationRequest).toEqual({ id: 'CR-GW-OPEN', convoy: null });
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatchObject({ path: ['coordinationRequest', 'convoy'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(JSON.stringify(errors)).not.toMatch(/CONVOY-GW-SECRET|FVEY|SECRET/);
  });

  it('keeps the ids a request holds out of the public graph', async () => {
    const { errors } = await stack.query('{ coordinationRequest(id: "CR-GW-OPEN") { convoyId } }', undefined, ANALYST_CLAIMS);
    expect(errors?.[0].message).toMatch(/convoyId/);
    expect(errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('lists on a convoy only the requests released to the reader', async () => {
    const query = '{ convoy(id: "CONVOY-GW-1") { coordinationRequests { id } } }';
    const us = await stack.query(query, undefined, ANALYST_CLAIMS);
    expect(us.errors).toBeUndefined();
    expect(us.data.convoy.coordinationRequests).toEqual([{ id: requestId }]);
    const ngo = await stack.query(query, undefined, PRCS_VOLUNTEER);
    expect(ngo.errors).toBeUndefined();
    expect(ngo.data.convoy.coordinationRequests).toEqual([]);
  });

  it('adds to a participating nation the force contributions released to the reader (multinational-force)', async () => {
    const { data, errors } = await stack.query(
      '{ participant(id: "USA") { id forceContributions(first: 500) { id nation } } forceContributions(filter: { nation: "USA" }, first: 500) { edges { node { id } } } }',
      undefined,
      ANALYST_CLAIMS,
    );
    expect(errors).toBeUndefined();
    const viaParticipant = data.participant.forceContributions as { id: string; nation: string }[];
    expect(viaParticipant.every((c) => c.nation === 'USA')).toBe(true);
    expect(viaParticipant.map((c) => c.id).sort()).toEqual(data.forceContributions.edges.map((e: { node: { id: string } }) => e.node.id).sort());
  });
});

describe('coordination writes through the gateway', () => {
  const RAISE = `mutation($input: RaiseCoordinationRequestInput!) { raiseCoordinationRequest(input: $input) { coordinationRequest { id } userErrors { code } } }`;
  const input = (originator: string) => ({
    title: 'Area deconfliction',
    description: 'Test',
    subjectType: 'AREA',
    areaPcode: 'PS0260',
    priority: 'ROUTINE',
    source: 'SYNTHETIC',
    marking: { classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'AMBER', originator },
  });

  it('refuses a reader without write:coordination before it reaches the subgraph', async () => {
    const { data, errors } = await stack.query(RAISE, { input: input('USA') }, ANALYST_CLAIMS);
    expect(data?.raiseCoordinationRequest ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('refuses an editor writing in another nation’s name with FORBIDDEN, writing nothing', async () => {
    const before = await stack.subgraphs.coordination.db.query<{ n: number }>('SELECT count(*)::int AS n FROM coordination_request');
    const { errors } = await stack.query(RAISE, { input: input('GBR') }, US_EDITOR);
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const after = await stack.subgraphs.coordination.db.query<{ n: number }>('SELECT count(*)::int AS n FROM coordination_request');
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('notified coordinates', () => {
  it('need deconfliction:read, on the notification and in its history', async () => {
    const submitted = await stack.query(
      `mutation($input: SubmitHumanitarianNotificationInput!) { submitHumanitarianNotification(input: $input) { humanitarianNotification { id } userErrors { field code } } }`,
      {
        input: {
          kind: 'SITE',
          title: 'Distribution point',
          areaPcode: 'PS0265',
          latitude: 31.42,
          longitude: 34.35,
          windowStart: '2025-12-01T06:00:00Z',
          windowEnd: '2025-12-03T18:00:00Z',
          source: 'SYNTHETIC',
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['USA'], tlp: 'AMBER', originator: 'XM-DAC-41140' },
        },
      },
      WFP_EDITOR,
    );
    expect(submitted.data.submitHumanitarianNotification.userErrors).toEqual([]);
    const id = submitted.data.submitHumanitarianNotification.humanitarianNotification.id;
    const READ = `query($id: ID!) { humanitarianNotification(id: $id) { id latitude longitude yellowLineSides history { fields { field newValue redacted } } } }`;
    const latitudeInHistory = (data: { humanitarianNotification: { history: { fields: { field: string }[] }[] } }) =>
      data.humanitarianNotification.history[0].fields.find((f) => f.field === 'latitude');

    const withoutScope = await stack.query(READ, { id }, ANALYST_CLAIMS);
    // The side of the line is derived from the coordinates: withheld with them.
    expect(withoutScope.data.humanitarianNotification).toMatchObject({ id, latitude: null, longitude: null, yellowLineSides: null });
    expect(withoutScope.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
    expect(latitudeInHistory(withoutScope.data)).toEqual({ field: 'latitude', newValue: null, redacted: true });

    const withScope = await stack.query(READ, { id }, US_DECONFLICTION);
    expect(withScope.errors).toBeUndefined();
    expect(withScope.data.humanitarianNotification).toMatchObject({ latitude: 31.42, longitude: 34.35, yellowLineSides: ['WITHDRAWN_SIDE'] });
    expect(latitudeInHistory(withScope.data)).toEqual({ field: 'latitude', newValue: '31.42', redacted: false });

    // Released to the USA only: a German member does not see it at all.
    const deu = await stack.query('query($id: ID!) { humanitarianNotification(id: $id) { id } }', { id }, DEU_CONFIDENTIAL);
    expect(deu.data.humanitarianNotification).toBeNull();
    expect(deu.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
