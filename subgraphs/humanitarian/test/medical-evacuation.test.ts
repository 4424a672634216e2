import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, type Principal } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { humanitarian } from '../src/server.ts';
import { medevacWaitingList, medicalEvacuations } from '../src/data/medevac-import.ts';
import { rafahOpenOn } from '../src/data/medevac-rules.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Medical evacuations (docs/domain.md, humanitarian): health data with the caveat MEDICAL, so who must NOT see them
 * (anyone whose token does not list MEDICAL, unless it originated them) sees nothing of them: no list entry, no count,
 * no record by id, no history. Their routes obey Rafah's dates as docs/domain.md gives them, written out again here.
 */

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-medevac-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const WHO = 'XM-DAC-928';
const UNICEF = 'XM-DAC-41122';
const ICRC = 'XI-CMCC-ICRC';

const principal = (subject: string, fields: Partial<Principal>): Principal => ({
  subject,
  nation: null,
  organization: null,
  workingGroups: ['humanitarian'],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  caveats: [],
  ...fields,
});

/** A US officer cleared SECRET, editor of every group, but not cleared for MEDICAL. */
const US_SECRET_NO_MEDICAL = TEST_PRINCIPAL;
const UNICEF_MEDICAL = principal('unicef-health', { organization: UNICEF, caveats: ['MEDICAL'] });
const UNICEF_NO_MEDICAL = principal('unicef-wash', { organization: UNICEF });
const GBR_MEDICAL = principal('gbr-medic', { nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED', caveats: ['MEDICAL'] });
const ICRC_NO_MEDICAL = principal('icrc-delegate', { organization: ICRC });
const WHO_EDITOR = principal('who-editor', { organization: WHO, caveats: ['MEDICAL', 'PROPIN'], roles: ['editor'], scopes: ['write:humanitarian'] });
const UNICEF_EDITOR = principal('unicef-editor', { organization: UNICEF, caveats: ['MEDICAL', 'PROPIN'], roles: ['editor'], scopes: ['write:humanitarian'] });

const STATUSES = ['REQUESTED', 'APPROVED', 'DENIED', 'EVACUATED', 'DIED_WAITING'];
const LIST = `query($filter: MedicalEvacuationFilter, $first: Int, $after: String) {
  medicalEvacuations(filter: $filter, first: $first, after: $after) {
    totalCount countsByStatus { status count } pageInfo { hasNextPage endCursor } edges { node { id status } }
  }
}`;
const BY_ID = 'query($id: ID!) { medicalEvacuation(id: $id) { id status history { version } } }';

type Row = { id: string; status: string; originator: string; releasable_to: string[]; caveats: string[] };
const rows = () => subgraph.db.query<Row>('SELECT id, status, originator, releasable_to, caveats FROM medical_evacuation');
/** Counts by status of some rows, every status listed (what `countsByStatus` must say for a reader who sees exactly those). */
const countsOf = (some: Row[]) => STATUSES.map((status) => ({ status, count: some.filter((row) => row.status === status).length }));

describe('who sees medical evacuations', () => {
  it('the seed marks every case MEDICAL, UNCLASSIFIED under TLP:AMBER for the UN (and the CMCC for ICRC cases), with no names', async () => {
    const all = await subgraph.db.query<Row & { case_reference: string; classification: string; tlp: string; source: string }>('SELECT * FROM medical_evacuation');
    expect(all.length).toBe(72);
    for (const row of all) {
      expect(row.caveats, row.id).toContain('MEDICAL');
      expect(row).toMatchObject({ classification: 'UNCLASSIFIED', tlp: 'AMBER', source: 'SYNTHETIC' });
      expect(row.releasable_to, row.id).toContain('UN');
      expect([WHO, ICRC]).toContain(row.originator);
      expect(row.case_reference).toMatch(/^(WHO|ICRC)-SYN-\d{4}-\d{4}$/);
    }
    // The table itself refuses a case without MEDICAL.
    await expect(subgraph.db.query(`UPDATE medical_evacuation SET caveats = '{}' WHERE id = $1`, [all[0].id])).rejects.toThrow(/medical_evacuation_caveat_medical/);
  });

  it('a principal not cleared for MEDICAL gets an empty list, zero totals and counts, no case through a crossing, and FORBIDDEN by id', async () => {
    const [some] = await rows();
    for (const reader of [US_SECRET_NO_MEDICAL, UNICEF_NO_MEDICAL]) {
      const { data, errors } = await subgraph.execute(LIST, {}, reader);
      expect(errors).toBeUndefined();
      expect(data.medicalEvacuations).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
      expect(data.medicalEvacuations.countsByStatus).toEqual(countsOf([]));

      const crossings = await subgraph.execute('{ crossings { id medicalEvacuations(first: 500) { id } } }', {}, reader);
      expect(crossings.errors).toBeUndefined();
      for (const crossing of crossings.data.crossings) expect(crossing.medicalEvacuations, crossing.id).toEqual([]);

      // By id (history included): null with FORBIDDEN, and the error names nothing of the case.
      const hidden = await subgraph.execute(BY_ID, { id: some.id }, reader);
      expect(hidden.data.medicalEvacuation).toBeNull();
      expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const told = JSON.stringify(hidden.errors);
      for (const detail of ['MEDICAL', WHO, ICRC, some.status, 'AMBER']) expect(told).not.toContain(detail);

      // By key, as another group's service refers to a case: the same answer.
      const referred = await subgraph.execute(
        `query($id: ID!) { _entities(representations: [{ __typename: "MedicalEvacuation", id: $id }]) { ... on MedicalEvacuation { id status } } }`,
        { id: some.id },
        reader,
      );
      expect(referred.data._entities).toEqual([null]);
      expect(referred.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      for (const detail of ['MEDICAL', WHO, ICRC, some.status, 'AMBER']) expect(JSON.stringify(referred.errors)).not.toContain(detail);
    }
  });

  it('a principal cleared for MEDICAL and released the cases sees them all, counted by status; one not released sees only what is', async () => {
    const all = await rows();
    const unicef = await subgraph.execute(LIST, { first: 500 }, UNICEF_MEDICAL);
    expect(unicef.errors).toBeUndefined();
    // A UN agency cleared for MEDICAL: every case is released to the UN.
    expect(unicef.data.medicalEvacuations.totalCount).toBe(all.length);
    expect(unicef.data.medicalEvacuations.countsByStatus).toEqual(countsOf(all));

    // A GBR officer cleared for MEDICAL is no UN agency: only the cases also released to the CMCC (ICRC's).
    const gbr = await subgraph.execute(LIST, { first: 500 }, GBR_MEDICAL);
    const forCmcc = all.filter((row) => row.releasable_to.includes('CMCC'));
    expect(forCmcc.length).toBeGreaterThan(0);
    expect(forCmcc.length).toBeLessThan(all.length);
    expect(gbr.data.medicalEvacuations.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(forCmcc.map((row) => row.id).sort());
    expect(gbr.data.medicalEvacuations.countsByStatus).toEqual(countsOf(forCmcc));

    // Rule 1: the ICRC sees the cases it originated, though not cleared for MEDICAL, and nothing else.
    const icrc = await subgraph.execute(LIST, { first: 500 }, ICRC_NO_MEDICAL);
    const own = all.filter((row) => row.originator === ICRC);
    expect(icrc.data.medicalEvacuations.totalCount).toBe(own.length);
    expect(icrc.data.medicalEvacuations.countsByStatus).toEqual(countsOf(own));
  });

  it('filters and pages with cursors, totals and counts following the filter', async () => {
    const evacuatedViaRafah = await subgraph.db.query<{ id: string }>(
      `SELECT id FROM medical_evacuation WHERE status = 'EVACUATED' AND 'RAFAH' = ANY(route_crossing_ids) ORDER BY requested_on DESC, id DESC`,
    );
    const filter = { status: 'EVACUATED', crossingId: 'RAFAH' };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const response: { data?: any; errors?: unknown } = await subgraph.execute(LIST, { filter, first: 3, after }, UNICEF_MEDICAL);
      expect(response.errors).toBeUndefined();
      const connection = response.data.medicalEvacuations;
      expect(connection.totalCount).toBe(evacuatedViaRafah.length);
      expect(connection.countsByStatus).toContainEqual({ status: 'EVACUATED', count: evacuatedViaRafah.length });
      expect(connection.countsByStatus).toContainEqual({ status: 'REQUESTED', count: 0 });
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(evacuatedViaRafah.map((row) => row.id));

    const rafah = await subgraph.execute('{ crossing(id: "RAFAH") { medicalEvacuations(first: 500) { id route { id } } } }', {}, UNICEF_MEDICAL);
    expect(rafah.data.crossing.medicalEvacuations.map((c: { id: string }) => c.id).sort()).toEqual(evacuatedViaRafah.map((row) => row.id).sort());
  });
});

describe("routes follow Rafah's history (docs/domain.md)", () => {
  // Written from the text: closed from May 2024 except 1 Feb-18 Mar 2025; reopened 2 Feb 2026; closed again 28 Feb 2026.
  it.each([
    ['2024-06-15', false],
    ['2025-01-31', false],
    ['2025-02-01', true],
    ['2025-03-01', true],
    ['2025-03-18', true],
    ['2025-03-19', false],
    ['2025-10-10', false],
    ['2025-12-01', false],
    ['2026-02-01', false],
    ['2026-02-02', true],
    ['2026-02-27', true],
    ['2026-02-28', false],
    ['2026-06-01', false],
  ] as const)('Rafah open on %s: %s', (day, open) => {
    expect(rafahOpenOn(day)).toBe(open);
  });

  it('every seeded evacuation via Rafah left on a day Rafah was open; every other left through Kerem Shalom and on through Israel', async () => {
    const evacuated = await subgraph.db.query<{ id: string; evacuated_on: string | Date; route_crossing_ids: string[]; onward_route: string }>(
      `SELECT id, evacuated_on, route_crossing_ids, onward_route FROM medical_evacuation WHERE status = 'EVACUATED'`,
    );
    const day = (value: string | Date) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);
    const rafahOpen = (d: string) => (d >= '2025-02-01' && d <= '2025-03-18') || (d >= '2026-02-02' && d <= '2026-02-27');
    const viaRafah = evacuated.filter((row) => row.route_crossing_ids.includes('RAFAH'));
    expect(viaRafah.some((row) => day(row.evacuated_on) < '2025-04-01')).toBe(true);
    expect(viaRafah.some((row) => day(row.evacuated_on) >= '2026-02-02')).toBe(true);
    for (const row of viaRafah) {
      expect(rafahOpen(day(row.evacuated_on)), `${row.id} on ${day(row.evacuated_on)}`).toBe(true);
      expect(row.onward_route).toBe('VIA_EGYPT');
    }
    for (const row of evacuated.filter((r) => !r.route_crossing_ids.includes('RAFAH'))) {
      expect(row.route_crossing_ids, row.id).toEqual(['KEREM_SHALOM']);
      expect(['ALLENBY_TO_JORDAN', 'BY_AIR_FROM_ISRAEL'], row.id).toContain(row.onward_route);
    }
    // Kerem Shalom evacuations on closed days exist: the ceasefire months after October 2025 had no Rafah.
    expect(evacuated.some((row) => !row.route_crossing_ids.includes('RAFAH') && day(row.evacuated_on) >= '2025-10-10')).toBe(true);
  });
});

const RECORD = `mutation($input: RecordMedicalEvacuationInput!, $key: String) {
  recordMedicalEvacuation(input: $input, idempotencyKey: $key) {
    medicalEvacuation { id caseReference status evacuatedOn route { id } onwardRoute marking { originator caveats } provenance { version } history { version operation } }
    userErrors { field code message }
  }
}`;
const WHO_MARKING = { classification: 'UNCLASSIFIED', tlp: 'AMBER', releasableTo: ['UN'], originator: WHO, caveats: ['MEDICAL', 'PROPIN'] };
const CASE = {
  priority: 'URGENT',
  conditionCategory: 'CANCER',
  areaPcode: 'PS0260',
  requestedOn: '2025-09-01',
  status: 'EVACUATED',
  decidedOn: '2025-10-01',
  evacuatedOn: '2025-10-20',
  routeCrossingIds: ['KEREM_SHALOM'],
  onwardRoute: 'ALLENBY_TO_JORDAN',
  destinationCountry: 'JOR',
  escorts: 1,
  source: 'WHO',
  marking: WHO_MARKING,
};
const codes = (errors: { field: string[]; code: string }[]) => errors.map((e) => `${e.field.join('.')}:${e.code}`);
const count = async () => (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM medical_evacuation'))[0].n;

describe('recordMedicalEvacuation', () => {
  it('records a case with its writer as originator; via Rafah only on a day Rafah was open', async () => {
    const ks = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'WHO-TEST-0001' } }, WHO_EDITOR);
    expect(ks.errors).toBeUndefined();
    expect(ks.data.recordMedicalEvacuation.userErrors).toEqual([]);
    expect(ks.data.recordMedicalEvacuation.medicalEvacuation).toMatchObject({
      id: `MEDEVAC-${WHO}-WHO-TEST-0001`,
      route: [{ id: 'KEREM_SHALOM' }],
      marking: { originator: WHO, caveats: ['MEDICAL', 'PROPIN'] },
      provenance: { version: 1 },
      history: [{ version: 1, operation: 'CREATE' }],
    });

    const viaRafah = { ...CASE, routeCrossingIds: ['RAFAH'], onwardRoute: 'VIA_EGYPT', destinationCountry: 'EGY' };
    const before = await count();
    for (const [reference, decidedOn, evacuatedOn] of [
      ['WHO-TEST-0002', '2025-10-01', '2025-10-20'], // ceasefire months: Rafah closed
      ['WHO-TEST-0003', '2026-02-20', '2026-02-28'], // closed again on 28 Feb 2026
      ['WHO-TEST-0004', '2024-12-20', '2025-01-31'], // the day before the 2025 opening
    ]) {
      const refused = await subgraph.execute(RECORD, { input: { ...viaRafah, caseReference: reference, requestedOn: '2024-12-01', decidedOn, evacuatedOn } }, WHO_EDITOR);
      expect(codes(refused.data.recordMedicalEvacuation.userErrors), evacuatedOn).toEqual(['input.routeCrossingIds:INVALID']);
      expect(refused.data.recordMedicalEvacuation.userErrors[0].message).toMatch(/Rafah was closed/);
    }
    expect(await count()).toBe(before);
    for (const [reference, evacuatedOn] of [
      ['WHO-TEST-0005', '2025-02-01'],
      ['WHO-TEST-0006', '2025-03-18'],
      ['WHO-TEST-0007', '2026-02-02'],
    ]) {
      const accepted = await subgraph.execute(
        RECORD,
        { input: { ...viaRafah, caseReference: reference, requestedOn: '2024-12-01', decidedOn: '2025-01-15', evacuatedOn } },
        WHO_EDITOR,
      );
      expect(accepted.data.recordMedicalEvacuation.userErrors, evacuatedOn).toEqual([]);
    }
    // After Kerem Shalom the way on is through Israel, not Egypt.
    const wrongOnward = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'WHO-TEST-0008', onwardRoute: 'VIA_EGYPT' } }, WHO_EDITOR);
    expect(codes(wrongOnward.data.recordMedicalEvacuation.userErrors)).toEqual(['input.onwardRoute:INVALID']);
  });

  it('refuses a marking without MEDICAL, another originator, a case reference that could identify the patient, and dates out of order', async () => {
    const before = await count();
    const noMedical = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'WHO-TEST-0100', marking: { ...WHO_MARKING, caveats: ['PROPIN'] } } }, WHO_EDITOR);
    expect(codes(noMedical.data.recordMedicalEvacuation.userErrors)).toEqual(['input.marking.caveats:INVALID']);

    const idNumber = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'P-400123456' } }, WHO_EDITOR);
    expect(codes(idNumber.data.recordMedicalEvacuation.userErrors)).toEqual(['input.caseReference:INVALID']);
    const name = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'Ahmad Ali' } }, WHO_EDITOR);
    expect(codes(name.data.recordMedicalEvacuation.userErrors)).toEqual(['input.caseReference:INVALID']);

    const outOfOrder = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'WHO-TEST-0101', decidedOn: '2025-08-01' } }, WHO_EDITOR);
    expect(codes(outOfOrder.data.recordMedicalEvacuation.userErrors)).toEqual(['input.decidedOn:INVALID']);
    const routeWhileRequested = await subgraph.execute(
      RECORD,
      { input: { ...CASE, caseReference: 'WHO-TEST-0102', status: 'REQUESTED', decidedOn: null, evacuatedOn: null } },
      WHO_EDITOR,
    );
    expect(codes(routeWhileRequested.data.recordMedicalEvacuation.userErrors)).toEqual(['input.routeCrossingIds:INVALID', 'input.onwardRoute:INVALID']);

    // The writing rule: a case is created with its writer as originator (FORBIDDEN otherwise, nothing said of any case).
    const asWho = await subgraph.execute(RECORD, { input: { ...CASE, caseReference: 'WHO-TEST-0001' } }, UNICEF_EDITOR);
    expect(asWho.data).toBeNull();
    expect(asWho.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'OWN_ORIGINATOR' });
    expect(await count()).toBe(before);
  });

  it('lets a non-originator tighten or move a case it may see, never drop MEDICAL or another caveat; only the originator relaxes', async () => {
    const created = await subgraph.execute(
      RECORD,
      { input: { ...CASE, caseReference: 'WHO-TEST-0200', status: 'APPROVED', evacuatedOn: null, routeCrossingIds: [], onwardRoute: null } },
      WHO_EDITOR,
    );
    const { id } = created.data.recordMedicalEvacuation.medicalEvacuation;
    const update = (version: number, changes: Record<string, unknown>) => ({
      ...CASE,
      id,
      version,
      status: 'APPROVED',
      evacuatedOn: null,
      routeCrossingIds: [],
      onwardRoute: null,
      ...changes,
    });

    // UNICEF (a UN agency cleared for MEDICAL and PROPIN) may see the case, so it may change it, but not drop a caveat.
    const dropPropin = await subgraph.execute(RECORD, { input: update(1, { marking: { ...WHO_MARKING, caveats: ['MEDICAL'] } }) }, UNICEF_EDITOR);
    expect(dropPropin.data).toBeNull();
    expect(dropPropin.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'ONLY_ORIGINATOR_RELAXES' });
    const dropMedical = await subgraph.execute(RECORD, { input: update(1, { marking: { ...WHO_MARKING, caveats: ['PROPIN'] } }) }, UNICEF_EDITOR);
    expect(codes(dropMedical.data.recordMedicalEvacuation.userErrors)).toEqual(['input.marking.caveats:INVALID']);

    const evacuated = await subgraph.execute(
      RECORD,
      { input: update(1, { status: 'EVACUATED', evacuatedOn: '2025-10-20', routeCrossingIds: ['KEREM_SHALOM'], onwardRoute: 'BY_AIR_FROM_ISRAEL', destinationCountry: 'ARE' }) },
      UNICEF_EDITOR,
    );
    expect(evacuated.data.recordMedicalEvacuation.userErrors).toEqual([]);
    expect(evacuated.data.recordMedicalEvacuation.medicalEvacuation).toMatchObject({ status: 'EVACUATED', provenance: { version: 2 } });

    // EVACUATED is final.
    const back = await subgraph.execute(RECORD, { input: update(2, { status: 'REQUESTED', decidedOn: null }) }, WHO_EDITOR);
    expect(codes(back.data.recordMedicalEvacuation.userErrors)).toEqual(['input.status:INVALID']);

    // The originator may drop PROPIN, but not MEDICAL either.
    const done = { status: 'EVACUATED', evacuatedOn: '2025-10-20', routeCrossingIds: ['KEREM_SHALOM'], onwardRoute: 'BY_AIR_FROM_ISRAEL', destinationCountry: 'ARE' };
    const whoDropsMedical = await subgraph.execute(RECORD, { input: update(2, { ...done, marking: { ...WHO_MARKING, caveats: [] } }) }, WHO_EDITOR);
    expect(codes(whoDropsMedical.data.recordMedicalEvacuation.userErrors)).toEqual(['input.marking.caveats:INVALID']);
    const whoRelaxes = await subgraph.execute(RECORD, { input: update(2, { ...done, marking: { ...WHO_MARKING, caveats: ['MEDICAL'] } }) }, WHO_EDITOR);
    expect(whoRelaxes.data.recordMedicalEvacuation.userErrors).toEqual([]);
    expect(whoRelaxes.data.recordMedicalEvacuation.medicalEvacuation.marking.caveats).toEqual(['MEDICAL']);

    // An editor not cleared for MEDICAL cannot change it, and is told nothing of it: the same NOT_FOUND as a missing id.
    const blind = await subgraph.execute(RECORD, { input: update(3, { ...done, marking: { ...WHO_MARKING, caveats: ['MEDICAL'] } }) }, US_SECRET_NO_MEDICAL);
    expect(blind.data.recordMedicalEvacuation).toEqual({
      medicalEvacuation: null,
      userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND', message: `No medical evacuation has the id "${id}"` }],
    });

    // History: every version for a reader cleared for MEDICAL and PROPIN; only the version without PROPIN for one cleared
    // for MEDICAL alone; nothing at all (FORBIDDEN) for one not cleared for MEDICAL.
    const seen = await subgraph.execute(BY_ID, { id }, UNICEF_EDITOR);
    expect(seen.data.medicalEvacuation.history.map((h: { version: number }) => h.version)).toEqual([1, 2, 3]);
    const medicalOnly = await subgraph.execute(BY_ID, { id }, UNICEF_MEDICAL);
    expect(medicalOnly.data.medicalEvacuation.history.map((h: { version: number }) => h.version)).toEqual([3]);
    const unseen = await subgraph.execute(BY_ID, { id }, US_SECRET_NO_MEDICAL);
    expect(unseen.data.medicalEvacuation).toBeNull();
    expect(unseen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Every history entry carries the case's marking (MEDICAL), which decides who reads it.
    const entries = await subgraph.db.query<{ marking: { caveats: string[] } }>(`SELECT marking FROM record_change WHERE entity_type = 'MedicalEvacuation' AND entity_id = $1`, [
      id,
    ]);
    expect(entries).toHaveLength(3);
    for (const entry of entries) expect(entry.marking.caveats).toContain('MEDICAL');
  });
});

describe('importing medical evacuation lists', () => {
  const SAMPLES = path.join(PROJECT_ROOT, 'subgraphs', 'humanitarian', 'samples');
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const HEADER =
    'Case reference,Priority,Condition,Governorate,Requested,Decided,Evacuated,Status,Route,Onward,Destination,Source,TLP,Classification,Releasable to,Originator,Caveats';
  const TAGS =
    '#meta+id,#severity,#condition,#adm2+code,#date+requested,#date+decided,#date+evacuated,#status,#loc+crossing,#meta+onward,#country+destination,#meta+source,#meta+tlp,#meta+classification,#meta+releasable,#meta+originator,#meta+caveats';
  const good = (reference: string, caveats = 'MEDICAL') =>
    `${reference},URGENT,TRAUMA,PS0270,2025-09-01,2025-10-01,2025-10-20,EVACUATED,Kerem Shalom,ALLENBY_TO_JORDAN,JOR,SYNTHETIC,TLP:AMBER,UNCLASSIFIED,UN,${WHO},${caveats}`;

  it('imports the HXL sample (canonical TLP labels included) and re-imports it without duplicating', async () => {
    const options = { subject: 'import:test' };
    const first = await importFile(subgraph.db, medicalEvacuations, path.join(SAMPLES, 'medical-evacuations.hxl.csv'), options);
    expect(first).toMatchObject({ format: 'hxl', rowsRead: 8, created: 8, rejected: 0, committed: true, problems: [] });
    const [strict] = await subgraph.db.query<{ tlp: string; recipients: string[]; caveats: string[] }>(`SELECT tlp, recipients, caveats FROM medical_evacuation WHERE id = $1`, [
      `MEDEVAC-${WHO}-WHO-SAMPLE-0008`,
    ]);
    expect(strict).toEqual({ tlp: 'AMBER_STRICT', recipients: ['XM-DAC-41127'], caveats: ['MEDICAL'] });
    const again = await importFile(subgraph.db, medicalEvacuations, path.join(SAMPLES, 'medical-evacuations.hxl.csv'), options);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 8, committed: true });
  });

  it('reports row errors: no MEDICAL, a name column (never echoed), Rafah on a closed day, no marking; nothing imported', async () => {
    const before = await count();
    const file = write(
      'medevac-bad.csv',
      [
        'Patient name,' + HEADER,
        '#beneficiary+name,' + TAGS,
        ',' + good('WHO-IMP-0001'),
        ',' + good('WHO-IMP-0002', ''),
        'Fatima Example,' + good('WHO-IMP-0003'),
        ',' + good('WHO-IMP-0004').replace('2025-10-20,EVACUATED,Kerem Shalom,ALLENBY_TO_JORDAN,JOR', '2025-10-20,EVACUATED,Rafah,VIA_EGYPT,EGY'),
        `,WHO-IMP-0005,URGENT,TRAUMA,PS0270,2025-09-01,,,REQUESTED,,,,SYNTHETIC,,,,,`,
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, medicalEvacuations, file, { subject: 'import:test' });
    expect(report.committed).toBe(false);
    expect(report.rejected).toBe(4);
    const byRow = (row: number) => report.problems.filter((p) => p.row === row);
    expect(byRow(3)).toEqual([]);
    expect(byRow(4)).toEqual([expect.objectContaining({ column: '#meta+caveats', problem: expect.stringMatching(/caveat MEDICAL/) })]);
    expect(byRow(5)).toEqual([expect.objectContaining({ column: '#beneficiary+name', value: '(withheld)', problem: expect.stringMatching(/Names are never stored/) })]);
    expect(JSON.stringify(report)).not.toContain('Fatima');
    expect(byRow(6)).toEqual([expect.objectContaining({ column: '#loc+crossing', problem: expect.stringMatching(/Rafah was closed on 2025-10-20/) })]);
    expect(byRow(7)).toEqual([expect.objectContaining({ column: null, problem: expect.stringMatching(/no default marking/) })]);
    expect(await count()).toBe(before);

    // With --skip-invalid only the good row is written.
    const skipped = await importFile(subgraph.db, medicalEvacuations, file, { subject: 'import:test', skipInvalid: true });
    expect(skipped).toMatchObject({ created: 1, rejected: 4, committed: true });
    expect(await count()).toBe(before + 1);
  });

  it('refuses a file marking without MEDICAL for every row, and a re-import that would drop a stored caveat', async () => {
    const plain = write(
      'medevac-plain.csv',
      ['Case reference,Priority,Condition,Governorate,Requested,Status,Source', 'WHO-IMP-0100,URGENT,TRAUMA,PS0260,2025-09-01,REQUESTED,SYNTHETIC'].join('\n'),
    );
    const marking = { classification: 'UNCLASSIFIED' as const, tlp: 'AMBER' as const, releasableTo: ['UN'], originator: WHO, recipients: [], caveats: [] as string[] };
    const refused = await importFile(subgraph.db, medicalEvacuations, plain, { subject: 'import:test', marking });
    expect(refused.committed).toBe(false);
    expect(refused.problems).toEqual([expect.objectContaining({ row: 2, problem: expect.stringMatching(/caveat MEDICAL/) })]);
    const accepted = await importFile(subgraph.db, medicalEvacuations, plain, { subject: 'import:test', marking: { ...marking, caveats: ['MEDICAL', 'PROPIN'] } });
    expect(accepted).toMatchObject({ created: 1, committed: true });

    const dropping = await importFile(subgraph.db, medicalEvacuations, plain, { subject: 'import:test', marking: { ...marking, caveats: ['MEDICAL'] } });
    expect(dropping.committed).toBe(false);
    expect(dropping.problems).toEqual([expect.objectContaining({ problem: expect.stringMatching(/never drops a caveat the stored case carries \(PROPIN\)/) })]);
  });
});

describe('the waiting-list figure', () => {
  it('is seeded only as SYNTHETIC, and a figure imported with its source and date stands beside it, never summed', async () => {
    const QUERY = '{ medicalEvacuationWaitingFigures { id patients asOf source statement } }';
    const seeded = await subgraph.execute(QUERY, {}, US_SECRET_NO_MEDICAL);
    expect(seeded.errors).toBeUndefined();
    expect(seeded.data.medicalEvacuationWaitingFigures.map((f: { source: string }) => f.source)).toEqual(['SYNTHETIC']);
    expect(seeded.data.medicalEvacuationWaitingFigures[0].statement).toMatch(/^ILLUSTRATIVE/);

    const options = { subject: 'import:test' };
    const sample = await importFile(subgraph.db, medevacWaitingList, path.join(PROJECT_ROOT, 'subgraphs', 'humanitarian', 'samples', 'medevac-waiting-list.csv'), options);
    expect(sample).toMatchObject({ created: 1, committed: true });
    // The source and the date are required: a figure without them is not imported.
    const file = path.join(dir, 'waiting-no-source.csv');
    fs.writeFileSync(file, 'patients,as_of,source,classification,tlp,releasable_to,originator\n5000,2026-01-20,,UNCLASSIFIED,TLP:CLEAR,CMCC,XM-DAC-928\n');
    const noSource = await importFile(subgraph.db, medevacWaitingList, file, options);
    expect(noSource.committed).toBe(false);
    expect(noSource.problems).toEqual([expect.objectContaining({ column: 'source', problem: 'A value is required' })]);

    const after = await subgraph.execute(QUERY, {}, US_SECRET_NO_MEDICAL);
    expect(after.data.medicalEvacuationWaitingFigures.map((f: { id: string; patients: number }) => [f.id, f.patients])).toEqual([
      ['MEWF-SYNTHETIC-2026-01-15', 1234],
      ['MEWF-SYNTHETIC-2025-12-31', 10000],
    ]);
  });
});
