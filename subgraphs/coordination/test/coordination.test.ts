import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONVOY_COUNT,
  CROSSING_IDS,
  HOSPITAL_COUNT,
  insertRows,
  KNOWN_PCODES,
  MARKING_COLUMNS,
  markingToRow,
  prepareDatabase,
  type AccessMarking,
  type Principal,
  type SubgraphDefinition,
} from '@cmcc/subgraph-kit';
import { startTestSubgraph, type GraphQLResponse, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { governorateAt, yellowLineSide } from '@cmcc/subgraph-kit';
import { SEED_NOTIFICATION_COUNT, SEED_REQUEST_COUNT } from '../src/data/seed.ts';
import { coordination } from '../src/server.ts';

/**
 * The coordination subgraph on its own: requests, their decisions and notifications reach only the principals their
 * markings release them to (lists, totals, lookups by key, references from other subgraphs); writes follow the
 * writing rule and the request lifecycle; coordinates are protected in history; the seed is synthetic and its
 * points lie in the governorate they name; the published participant counts are as DOMAIN gives them.
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
  caveats: [],
  ...over,
});

const US_SECRET = principal({ subject: 'us-secret', nation: 'USA', organization: 'CMCC', clearance: 'SECRET' });
const GBR_RESTRICTED = principal({ subject: 'gbr-restricted', nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const US_EDITOR = principal({ ...US_SECRET, subject: 'us-editor', roles: ['editor'], scopes: ['write:coordination'] });
const US_EDITOR_CLEARED_FOR_LOCATIONS = principal({ ...US_EDITOR, subject: 'us-deconfliction', scopes: ['write:coordination', 'deconfliction:read'] });
const GBR_EDITOR = principal({ ...GBR_RESTRICTED, subject: 'gbr-editor', roles: ['editor'], scopes: ['write:coordination'] });
const WFP_EDITOR = principal({ subject: 'wfp-editor', organization: 'XM-DAC-41140', roles: ['editor'], scopes: ['write:coordination'] });

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string, recipients: string[] = []) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients, caveats: [] }));

// Fixtures lie in a P-code the seed does not use and name convoys the seed does not name, so what each principal sees is known exactly.
const AREA = 'PS0299';
const FIXTURES = [
  ['CR-T-OPEN', 'CONVOY-T-1', mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC')],
  ['CR-T-SECRET', 'CONVOY-T-1', mark('SECRET', 'AMBER', ['FVEY'], 'USA')],
  ['CR-T-RED', 'CONVOY-T-2', mark('CONFIDENTIAL', 'RED', ['USA', 'GBR'], 'USA', ['us-secret'])],
] as const;

beforeAll(async () => {
  subgraph = await startTestSubgraph(coordination);
  await insertRows(
    subgraph.db,
    'coordination_request',
    ['id', 'title', 'subject_type', 'area_pcode', 'convoy_id', 'priority', 'status', 'reported_at', 'source', ...MARKING_COLUMNS],
    FIXTURES.map(([id, convoy, marking], i) => [
      id,
      `Test request ${id}`,
      'CONVOY',
      `${AREA}01`,
      convoy,
      'ROUTINE',
      'IN_PROGRESS',
      `2025-11-0${i + 1}T08:00:00Z`,
      'SYNTHETIC',
      ...marking,
    ]),
  );
  await insertRows(
    subgraph.db,
    'coordination_decision',
    ['id', 'request_id', 'decided_by', 'decided_for', 'decided_at', 'decision', 'rationale', 'status_after'],
    FIXTURES.map(([id]) => [`DEC-${id}`, id, 'test-coordinator', 'CMCC', '2025-11-05T08:00:00Z', `Decision on ${id}`, `Rationale of ${id}`, 'IN_PROGRESS']),
  );
});
afterAll(() => subgraph?.close());

const areaIds = async (who: Principal) => {
  const { data, errors } = await subgraph.execute(
    `{ coordinationRequests(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id decisions { id rationale } } } }
       _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }, { __typename: "Convoy", id: "CONVOY-T-1" }, { __typename: "Convoy", id: "CONVOY-T-2" }]) {
         ... on Area { coordinationRequests { id } } ... on Convoy { coordinationRequests { id decisions { id } } } } }`,
    undefined,
    who,
  );
  expect(errors).toBeUndefined();
  const nodes = data.coordinationRequests.edges.map((e: { node: { id: string; decisions: { id: string }[] } }) => e.node);
  const listed = nodes.map((n: { id: string }) => n.id).sort();
  expect(data.coordinationRequests.totalCount).toBe(listed.length);
  expect(data._entities[0].coordinationRequests.map((r: { id: string }) => r.id).sort()).toEqual(listed);
  const byConvoy = [...data._entities[1].coordinationRequests, ...data._entities[2].coordinationRequests];
  expect(byConvoy.map((r: { id: string }) => r.id).sort()).toEqual(listed);
  // A decision is read only with its request: the decisions seen are exactly those of the requests seen.
  const decisions = [...nodes.flatMap((n: { decisions: { id: string }[] }) => n.decisions), ...byConvoy.flatMap((r: { decisions: { id: string }[] }) => r.decisions)];
  expect([...new Set(decisions.map((d) => d.id))].sort()).toEqual(listed.map((id: string) => `DEC-${id}`));
  return listed;
};

describe('coordination releasability: who must not see a request or its decisions', () => {
  it('a partner NGO sees only the open request: the SECRET and TLP:RED ones and their decisions are absent and not counted', async () => {
    expect(await areaIds(PARTNER_NGO)).toEqual(['CR-T-OPEN']);
  });

  it('a GBR member cleared RESTRICTED sees neither the SECRET request nor the TLP:RED one not addressed to them, nor their decisions', async () => {
    expect(await areaIds(GBR_RESTRICTED)).toEqual(['CR-T-OPEN']);
  });

  it('a US principal cleared SECRET and named as recipient sees all three with their decisions', async () => {
    expect(await areaIds(US_SECRET)).toEqual(['CR-T-OPEN', 'CR-T-RED', 'CR-T-SECRET']);
  });

  it('a withheld request asked for by id or by reference is null with FORBIDDEN that names nothing; an unknown id is NOT_FOUND', async () => {
    const byId = await subgraph.execute('{ coordinationRequest(id: "CR-T-SECRET") { id title decisions { rationale } } }', undefined, GBR_RESTRICTED);
    expect(byId.data?.coordinationRequest).toBeNull();
    expect(byId.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(byId.errors)).not.toMatch(/SECRET|FVEY|Rationale/);
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

  it('a principal without the participant claim sees no participant of the TLP:GREEN roster', async () => {
    const visitor = principal({ subject: 'us-visitor', nation: 'USA', clearance: 'SECRET', participant: false });
    const { data } = await subgraph.execute('{ participants { id } }', undefined, visitor);
    expect(data.participants).toEqual([]);
    const member = await subgraph.execute('{ participants { id kind liaisonOfficers workingGroups source } }', undefined, PARTNER_NGO);
    expect(member.data.participants.length).toBe(12);
    expect(new Set(member.data.participants.map((p: { source: string }) => p.source))).toEqual(new Set(['SYNTHETIC']));
  });
});

describe('coordination batching', () => {
  it('resolves many request references in one statement and their decisions in one more', async () => {
    const ids = ['CR-0003', 'CR-0001', 'CR-0002', 'CR-T-OPEN'];
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on CoordinationRequest { id decisions { id } } } }`,
        { reps: ids.map((id) => ({ __typename: 'CoordinationRequest', id })) },
        US_SECRET,
      ),
    );
    expect(statements.filter((sql) => sql.includes('FROM coordination_request'))).toHaveLength(1);
    expect(statements.filter((sql) => sql.includes('coordination_decision'))).toHaveLength(1);
    expect((result.data._entities as ({ id: string } | null)[]).at(-1)).toMatchObject({ id: 'CR-T-OPEN' });
  });

  it('lists the requests about many convoys in one statement', async () => {
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Convoy { id coordinationRequests(first: 5) { id } } } }`, {
        reps: ['CONVOY-0001', 'CONVOY-0002', 'CONVOY-T-1'].map((id) => ({ __typename: 'Convoy', id })),
      }),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.filter((sql) => sql.includes('coordination_request'))).toHaveLength(1);
  });
});

describe('coordination seed', () => {
  it('seeds synthetic records once: a second run changes nothing', async () => {
    const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id NOT LIKE '%-T-%'`))[0].n;
    expect(await count('coordination_request')).toBe(SEED_REQUEST_COUNT);
    expect(await count('humanitarian_notification')).toBe(SEED_NOTIFICATION_COUNT);
    await prepareDatabase(coordination as SubgraphDefinition<unknown>, subgraph.db);
    expect(await count('coordination_request')).toBe(SEED_REQUEST_COUNT);
    for (const table of ['coordination_request', 'humanitarian_notification', 'participant']) {
      const sources = await subgraph.db.query<{ source: string }>(`SELECT DISTINCT source FROM ${table}`);
      expect(sources.map((s) => s.source)).toEqual(['SYNTHETIC']);
    }
  });

  it('names only keys the other groups seed: convoys, crossings, hospitals, incidents and Gaza Strip P-codes', async () => {
    const rows = await subgraph.db.query<Record<string, string | null>>("SELECT * FROM coordination_request WHERE id LIKE 'CR-0%'");
    for (const row of rows) {
      expect(KNOWN_PCODES.has(row.area_pcode!) && row.area_pcode!.startsWith('PS02'), row.id!).toBe(true);
      if (row.convoy_id) expect(Number(row.convoy_id.slice('CONVOY-'.length))).toBeLessThanOrEqual(CONVOY_COUNT);
      if (row.crossing_id) expect(CROSSING_IDS).toContain(row.crossing_id);
      if (row.facility_id) expect(Number(row.facility_id.slice('FAC-HOSPITAL-'.length))).toBeLessThanOrEqual(HOSPITAL_COUNT);
      if (row.incident_id) expect(row.incident_id).toMatch(/^INC-0\d{3}$/);
    }
    expect(new Set(rows.map((r) => r.subject_type))).toEqual(new Set(['CONVOY', 'CROSSING', 'FACILITY', 'AREA', 'SECURITY_INCIDENT']));
  });

  it('places every notified site and route point inside the governorate its area names and west of the Yellow Line', async () => {
    const rows = await subgraph.db.query<{
      id: string;
      area_pcode: string;
      latitude: number | null;
      longitude: number | null;
      route: { latitude: number; longitude: number }[] | null;
    }>('SELECT id, area_pcode, latitude, longitude, route FROM humanitarian_notification');
    for (const row of rows) {
      const points = row.route ?? [{ latitude: row.latitude!, longitude: row.longitude! }];
      for (const point of points) {
        expect(governorateAt(point.latitude, point.longitude), row.id).toBe(row.area_pcode.slice(0, 6));
        expect(yellowLineSide(point.latitude, point.longitude, new Date('2025-10-10T00:00:00Z')), row.id).toBe('WEST');
      }
    }
  });

  it('gives the published participant counts as DOMAIN states them: CENTCOM, dated as reported, never summed', async () => {
    const { data } = await subgraph.execute('{ participantCounts { asOf asOfPrecision asOfAsReported nations organizations participants qualifier source } }');
    expect(data.participantCounts).toEqual([
      {
        asOf: '2025-10-30',
        asOfPrecision: 'AROUND_DAY',
        asOfAsReported: 'around 30 Oct 2025',
        nations: 14,
        organizations: 20,
        participants: null,
        qualifier: 'ABOUT',
        source: 'CENTCOM',
      },
      { asOf: '2025-11-01', asOfPrecision: 'DAY', asOfAsReported: '1 Nov 2025', nations: null, organizations: null, participants: 40, qualifier: 'NEARLY', source: 'CENTCOM' },
      {
        asOf: '2025-11-30',
        asOfPrecision: 'PART_OF_MONTH',
        asOfAsReported: 'late Nov 2025',
        nations: null,
        organizations: null,
        participants: 50,
        qualifier: 'ABOUT',
        source: 'CENTCOM',
      },
      { asOf: '2025-12-11', asOfPrecision: 'DAY', asOfAsReported: 'by 11 Dec 2025', nations: null, organizations: null, participants: 60, qualifier: 'ABOUT', source: 'CENTCOM' },
    ]);
  });
});

const RAISE = `mutation($input: RaiseCoordinationRequestInput!, $key: String) {
  raiseCoordinationRequest(input: $input, idempotencyKey: $key) {
    coordinationRequest { id status provenance { version recordedBy } marking { originator } }
    userErrors { field code message }
  }
}`;
const REQUEST_FIELDS =
  'coordinationRequest { id status assignedWorkingGroup provenance { version } decisions { decision rationale decidedBy decidedFor statusAfter } } userErrors { field code message }';
const change = (mutation: string, inputType: string) => `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${REQUEST_FIELDS} } }`;
const ASSIGN = change('assignCoordinationRequest', 'AssignCoordinationRequestInput');
const DECIDE = change('decideCoordinationRequest', 'DecideCoordinationRequestInput');
const RESOLVE = change('resolveCoordinationRequest', 'ResolveCoordinationRequestInput');
const WITHDRAW = change('withdrawCoordinationRequest', 'WithdrawCoordinationRequestInput');

const raiseInput = (over: Record<string, unknown> = {}) => ({
  title: 'Deconflict convoy route to the hospital',
  description: 'The convoy needs a safe passage window.',
  subjectType: 'CONVOY',
  areaPcode: 'PS0270',
  convoyId: 'CONVOY-0007',
  facilityId: 'FAC-HOSPITAL-003',
  crossingId: 'KEREM_SHALOM',
  priority: 'IMMEDIATE',
  source: 'SYNTHETIC',
  marking: { classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'AMBER', originator: 'USA' },
  ...over,
});

async function raise(who: Principal, over: Record<string, unknown> = {}) {
  const { data, errors } = await subgraph.execute(RAISE, { input: raiseInput(over) }, who);
  expect(errors).toBeUndefined();
  expect(data.raiseCoordinationRequest.userErrors).toEqual([]);
  return data.raiseCoordinationRequest.coordinationRequest as { id: string; status: string; provenance: { version: number } };
}

describe('coordination writes: who may raise what', () => {
  it('refuses a principal without write:coordination with FORBIDDEN and writes nothing', async () => {
    const before = (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM coordination_request'))[0].n;
    const { data, errors } = await subgraph.execute(RAISE, { input: raiseInput() }, US_SECRET);
    expect(data?.raiseCoordinationRequest ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM coordination_request'))[0].n).toBe(before);
  });

  it('refuses an editor raising in another participant’s name, or above their clearance', async () => {
    const asAnother = await subgraph.execute(
      RAISE,
      { input: raiseInput({ marking: { classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'AMBER', originator: 'GBR' } }) },
      US_EDITOR,
    );
    expect(asAnother.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const tooHigh = await subgraph.execute(
      RAISE,
      { input: raiseInput({ marking: { classification: 'SECRET', releasableTo: ['GBR'], tlp: 'AMBER', originator: 'GBR' } }) },
      GBR_EDITOR,
    );
    expect(tooHigh.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('names each bad input field with its code: unknown area, wrong-shaped and missing references, unknown crossing, bad marking', async () => {
    const { data } = await subgraph.execute(
      RAISE,
      {
        input: raiseInput({
          areaPcode: 'PS9999',
          subjectType: 'SECURITY_INCIDENT',
          convoyId: 'TRUCK-7',
          crossingId: 'NOWHERE',
          marking: { classification: 'SECRET', releasableTo: ['FVEY'], tlp: 'CLEAR', originator: 'USA' },
        }),
      },
      US_EDITOR,
    );
    const errors = data.raiseCoordinationRequest.userErrors.map((e: { field: string[]; code: string }) => `${e.field.join('.')}:${e.code}`).sort();
    expect(errors).toEqual([
      'input.areaPcode:UNKNOWN_REFERENCE',
      'input.convoyId:UNKNOWN_REFERENCE',
      'input.crossingId:UNKNOWN_REFERENCE',
      'input.incidentId:REQUIRED',
      'input.marking.tlp:INVALID',
    ]);
    expect(data.raiseCoordinationRequest.coordinationRequest).toBeNull();
  });

  it('raises once per idempotency key, as an OPEN request at version 1 with the writer as originator', async () => {
    const first = await subgraph.execute(RAISE, { input: raiseInput(), key: 'raise-1' }, US_EDITOR);
    const record = first.data.raiseCoordinationRequest.coordinationRequest;
    expect(record).toMatchObject({ status: 'OPEN', provenance: { version: 1, recordedBy: 'us-editor' }, marking: { originator: 'USA' } });
    const retry = await subgraph.execute(RAISE, { input: raiseInput(), key: 'raise-1' }, US_EDITOR);
    expect(retry.data.raiseCoordinationRequest.coordinationRequest.id).toBe(record.id);
  });
});

describe('coordination request lifecycle', () => {
  it('assigns, decides with who, when and why, then resolves; a resolved request cannot be withdrawn or decided on', async () => {
    const request = await raise(US_EDITOR);
    const assigned = await subgraph.execute(ASSIGN, { input: { id: request.id, version: 1, workingGroup: 'HUMANITARIAN' } }, GBR_EDITOR);
    expect(assigned.data.assignCoordinationRequest.coordinationRequest).toMatchObject({ status: 'IN_PROGRESS', assignedWorkingGroup: 'HUMANITARIAN', provenance: { version: 2 } });

    const decided = await subgraph.execute(
      DECIDE,
      { input: { id: request.id, version: 2, decision: 'Passage window 06:00-08:00', rationale: 'No conflicting movement then' } },
      GBR_EDITOR,
    );
    expect(decided.data.decideCoordinationRequest.userErrors).toEqual([]);
    const afterDecision = decided.data.decideCoordinationRequest.coordinationRequest;
    expect(afterDecision.provenance.version).toBe(3);
    expect(afterDecision.decisions).toEqual([
      { decision: 'Passage window 06:00-08:00', rationale: 'No conflicting movement then', decidedBy: 'gbr-editor', decidedFor: 'GBR', statusAfter: null },
    ]);

    const resolved = await subgraph.execute(RESOLVE, { input: { id: request.id, version: 3, resolution: 'Convoy passed' } }, US_EDITOR);
    expect(resolved.data.resolveCoordinationRequest.coordinationRequest.status).toBe('RESOLVED');
    expect(resolved.data.resolveCoordinationRequest.coordinationRequest.decisions.at(-1)).toMatchObject({
      rationale: 'Convoy passed',
      statusAfter: 'RESOLVED',
      decidedBy: 'us-editor',
    });

    const withdrawn = await subgraph.execute(WITHDRAW, { input: { id: request.id, version: 4, reason: 'Too late' } }, US_EDITOR);
    expect(withdrawn.data.withdrawCoordinationRequest.coordinationRequest).toBeNull();
    expect(withdrawn.data.withdrawCoordinationRequest.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'id'], code: 'INVALID', message: expect.stringContaining('RESOLVED is final') }),
    ]);
    const again = await subgraph.execute(DECIDE, { input: { id: request.id, version: 4, decision: 'Reopen', rationale: 'Changed mind' } }, US_EDITOR);
    expect(again.data.decideCoordinationRequest.userErrors[0].code).toBe('INVALID');
  });

  it('lets only the participant that raised a request withdraw it, and refuses a stale version with CONFLICT', async () => {
    const request = await raise(US_EDITOR);
    const byOther = await subgraph.execute(WITHDRAW, { input: { id: request.id, version: 1, reason: 'Not ours' } }, GBR_EDITOR);
    expect(byOther.data.withdrawCoordinationRequest.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('Only the participant that raised') }),
    ]);
    const stale = await subgraph.execute(WITHDRAW, { input: { id: request.id, version: 9, reason: 'Stale' } }, US_EDITOR);
    expect(stale.data.withdrawCoordinationRequest.userErrors[0]).toMatchObject({ field: ['input', 'version'], code: 'CONFLICT' });
    const own = await subgraph.execute(WITHDRAW, { input: { id: request.id, version: 1, reason: 'Solved locally' } }, US_EDITOR);
    expect(own.data.withdrawCoordinationRequest.coordinationRequest.status).toBe('WITHDRAWN');
  });

  it('refuses a decision moving a request to RESOLVED (resolve does that), and a rejection ends the request', async () => {
    const request = await raise(US_EDITOR);
    const wrong = await subgraph.execute(DECIDE, { input: { id: request.id, version: 1, decision: 'Done', rationale: 'x', statusAfter: 'RESOLVED' } }, US_EDITOR);
    expect(wrong.data.decideCoordinationRequest.userErrors[0]).toMatchObject({ field: ['input', 'statusAfter'], code: 'INVALID' });
    const rejected = await subgraph.execute(DECIDE, { input: { id: request.id, version: 1, decision: 'Refused', rationale: 'Route closed', statusAfter: 'REJECTED' } }, US_EDITOR);
    expect(rejected.data.decideCoordinationRequest.coordinationRequest.status).toBe('REJECTED');
    const assign = await subgraph.execute(ASSIGN, { input: { id: request.id, version: 2, workingGroup: 'SECURITY' } }, US_EDITOR);
    expect(assign.data.assignCoordinationRequest.userErrors[0].code).toBe('INVALID');
  });

  it('answers a change to a request the editor may not see exactly as to an unknown one (NOT_FOUND), deciding nothing', async () => {
    const forUnknown = await subgraph.execute(DECIDE, { input: { id: 'CR-NONE', version: 1, decision: 'x', rationale: 'y' } }, GBR_EDITOR);
    const forWithheld = await subgraph.execute(DECIDE, { input: { id: 'CR-T-SECRET', version: 1, decision: 'x', rationale: 'y' } }, GBR_EDITOR);
    expect(forWithheld.data.decideCoordinationRequest.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    expect(forWithheld.data.decideCoordinationRequest.userErrors[0].message).toBe(
      forUnknown.data.decideCoordinationRequest.userErrors[0].message.replace('CR-NONE', 'CR-T-SECRET'),
    );
    const decisions = await subgraph.db.query("SELECT id FROM coordination_decision WHERE request_id = 'CR-T-SECRET'");
    expect(decisions).toHaveLength(1);
  });
});

const SUBMIT = `mutation($input: SubmitHumanitarianNotificationInput!) {
  submitHumanitarianNotification(input: $input) { humanitarianNotification { id acknowledgementStatus provenance { version } } userErrors { field code message } }
}`;
const ACKNOWLEDGE = `mutation($input: AcknowledgeHumanitarianNotificationInput!) {
  acknowledgeHumanitarianNotification(input: $input) {
    humanitarianNotification { id acknowledgementStatus acknowledgement { outcome acknowledgedBy acknowledgedFor note } }
    userErrors { field code message }
  }
}`;
const site = (over: Record<string, unknown> = {}) => ({
  kind: 'SITE',
  title: 'Field clinic, Al-Mawasi',
  areaPcode: 'PS027004',
  latitude: 31.35,
  longitude: 34.29,
  windowStart: '2025-12-01T06:00:00Z',
  windowEnd: '2025-12-10T18:00:00Z',
  source: 'SYNTHETIC',
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['USA', 'ISR'], tlp: 'AMBER', originator: 'XM-DAC-41140' },
  ...over,
});

describe('humanitarian notifications', () => {
  it('refuses a site outside the Gaza Strip, a movement without a route, and a window that ends before it starts', async () => {
    const { data } = await subgraph.execute(SUBMIT, { input: site({ latitude: 31.8, longitude: 35.2, windowEnd: '2025-11-30T00:00:00Z' }) }, WFP_EDITOR);
    expect(data.submitHumanitarianNotification.userErrors.map((e: { field: string[]; code: string }) => `${e.field.join('.')}:${e.code}`).sort()).toEqual([
      'input.latitude:INVALID',
      'input.windowEnd:INVALID',
    ]);
    const movement = await subgraph.execute(SUBMIT, { input: site({ kind: 'MOVEMENT', latitude: null, longitude: null }) }, WFP_EDITOR);
    expect(movement.data.submitHumanitarianNotification.userErrors).toEqual([expect.objectContaining({ field: ['input', 'route'], code: 'REQUIRED' })]);
  });

  it('is acknowledged once, by a principal acting for a nation, and keeps its coordinates out of history without deconfliction:read', async () => {
    const submitted = await subgraph.execute(SUBMIT, { input: site() }, WFP_EDITOR);
    const id = submitted.data.submitHumanitarianNotification.humanitarianNotification.id;
    expect(submitted.data.submitHumanitarianNotification.humanitarianNotification.acknowledgementStatus).toBe('PENDING');

    // An organisation is not the military side.
    const byNgo = await subgraph.execute(ACKNOWLEDGE, { input: { id, version: 1, outcome: 'NO_CONFLICT' } }, WFP_EDITOR);
    expect(byNgo.data.acknowledgeHumanitarianNotification.userErrors[0]).toMatchObject({ code: 'INVALID' });
    const noNote = await subgraph.execute(ACKNOWLEDGE, { input: { id, version: 1, outcome: 'CONFLICT_IDENTIFIED' } }, US_EDITOR);
    expect(noNote.data.acknowledgeHumanitarianNotification.userErrors[0]).toMatchObject({ field: ['input', 'note'], code: 'REQUIRED' });
    const acknowledged = await subgraph.execute(ACKNOWLEDGE, { input: { id, version: 1, outcome: 'DECONFLICTED_WITH_CONDITIONS', note: 'Daylight only' } }, US_EDITOR);
    expect(acknowledged.data.acknowledgeHumanitarianNotification.humanitarianNotification).toMatchObject({
      acknowledgementStatus: 'ACKNOWLEDGED',
      acknowledgement: { outcome: 'DECONFLICTED_WITH_CONDITIONS', acknowledgedBy: 'us-editor', acknowledgedFor: 'USA', note: 'Daylight only' },
    });
    const twice = await subgraph.execute(ACKNOWLEDGE, { input: { id, version: 2, outcome: 'NO_CONFLICT' } }, US_EDITOR);
    expect(twice.data.acknowledgeHumanitarianNotification.userErrors[0]).toMatchObject({ code: 'INVALID', message: expect.stringContaining('already acknowledged') });

    const HISTORY = `query($id: ID!) { humanitarianNotification(id: $id) { history { operation fields { field newValue redacted } } } }`;
    const latitudeIn = (response: GraphQLResponse) =>
      response.data.humanitarianNotification.history[0].fields.find((f: { field: string }) => f.field === 'latitude') as { newValue: string | null; redacted: boolean };
    expect(latitudeIn(await subgraph.execute(HISTORY, { id }, US_EDITOR))).toEqual({ field: 'latitude', newValue: null, redacted: true });
    expect(latitudeIn(await subgraph.execute(HISTORY, { id }, US_EDITOR_CLEARED_FOR_LOCATIONS))).toEqual({ field: 'latitude', newValue: '31.35', redacted: false });
  });

  it('says which sides of the Yellow Line a site and a movement lie on at the instant asked (the window start by default)', async () => {
    // Written from public maps of the line, not from the line's data: Jabalia (31.53, 34.48) lies on the side Israeli forces
    // withdrew from at the ceasefire, Beit Hanoun (31.54, 34.535) on the side they held, both in North Gaza (PS0255).
    const movement = await subgraph.execute(
      SUBMIT,
      {
        input: site({
          kind: 'MOVEMENT',
          title: 'Team movement Jabalia to Beit Hanoun',
          areaPcode: 'PS0255',
          latitude: null,
          longitude: null,
          route: [
            { latitude: 31.53, longitude: 34.48 },
            { latitude: 31.54, longitude: 34.535 },
          ],
        }),
      },
      WFP_EDITOR,
    );
    expect(movement.data.submitHumanitarianNotification.userErrors).toEqual([]);
    const sideQuery = `query($id: ID!, $at: DateTime) { humanitarianNotification(id: $id) { yellowLineSides(at: $at) } }`;
    const sides = async (id: string, at?: string) => (await subgraph.execute(sideQuery, { id, at }, US_EDITOR)).data.humanitarianNotification.yellowLineSides;
    expect(await sides(movement.data.submitHumanitarianNotification.humanitarianNotification.id)).toEqual(['WITHDRAWN_SIDE', 'HELD_SIDE']);
    const clinic = await subgraph.execute(SUBMIT, { input: site() }, WFP_EDITOR);
    expect(await sides(clinic.data.submitHumanitarianNotification.humanitarianNotification.id)).toEqual(['WITHDRAWN_SIDE']);
    // Before the ceasefire (10 Oct 2025) no line was in force: no side.
    expect(await sides(clinic.data.submitHumanitarianNotification.humanitarianNotification.id, '2025-01-01T00:00:00Z')).toBeNull();
  });

  it('is withheld from a nation it is not released to, in lists, totals and by id', async () => {
    const submitted = await subgraph.execute(SUBMIT, { input: site({ title: 'Released to USA and ISR only' }) }, WFP_EDITOR);
    const id = submitted.data.submitHumanitarianNotification.humanitarianNotification.id;
    const list = await subgraph.execute('{ humanitarianNotifications(first: 500) { totalCount edges { node { id } } } }', undefined, GBR_RESTRICTED);
    const ids = list.data.humanitarianNotifications.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).not.toContain(id);
    expect(list.data.humanitarianNotifications.totalCount).toBe(ids.length);
    const byId = await subgraph.execute('query($id: ID!) { humanitarianNotification(id: $id) { id title } }', { id }, GBR_RESTRICTED);
    expect(byId.data.humanitarianNotification).toBeNull();
    expect(byId.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
