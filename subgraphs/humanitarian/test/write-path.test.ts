import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import type { Principal } from '@cmcc/subgraph-kit';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
});
afterAll(() => subgraph?.close());

// The test editor writes as its organisation, CMCC (a writer is the originator of what it creates).
const MARKING = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' };
const WFP = 'XM-DAC-41140';
const PRCS = 'XI-CMCC-PRCS';
const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const counts = async (...tables: string[]) => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await count(table)])));
const codes = (errors: { field: string[]; code: string }[]) => errors.map((e) => `${e.field.join('.')}:${e.code}`);

/** Makes every statement containing `fragment` fail, as a database error would, until the returned function is called. */
const failOn = (fragment: string) =>
  subgraph.db.onQuery((sql) => {
    if (sql.includes(fragment)) throw new Error('injected database failure');
  });

const PROVENANCE = 'provenance { version recordedBy recordedVia updatedBy updatedAt }';
const HISTORY = 'history { version operation changedBy via fields { field previousValue newValue } }';

const RECORD_REPORT = `mutation($input: RecordCrossingReportInput!, $key: String) {
  recordCrossingReport(input: $input, idempotencyKey: $key) {
    crossingDailyReport { id date source trucksOffloaded tonnes crossing { id } marking { originator } ${PROVENANCE} ${HISTORY} }
    userErrors { field code message }
  }
}`;
const REPORT = {
  crossingId: 'KEREM_SHALOM',
  date: '2026-02-03',
  source: 'UN2720',
  open: true,
  trucksOffloaded: 240,
  trucksCollected: 190,
  tonnes: 3650.257,
  fuelLitres: 180000,
  note: 'Test report',
  marking: MARKING,
};

describe('recordCrossingReport', () => {
  it('records a report with provenance and a CREATE entry in its history, identified by crossing + date + source', async () => {
    const { data, errors } = await subgraph.execute(RECORD_REPORT, { input: REPORT });
    expect(errors).toBeUndefined();
    const { crossingDailyReport: report, userErrors } = data.recordCrossingReport;
    expect(userErrors).toEqual([]);
    expect(report).toMatchObject({ id: 'CDR-KEREM_SHALOM-2026-02-03-UN2720', tonnes: 3650.26, crossing: { id: 'KEREM_SHALOM' } });
    expect(report.provenance).toEqual({ version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:recordCrossingReport', updatedBy: null, updatedAt: null });
    expect(report.history).toHaveLength(1);
    expect(report.history[0]).toMatchObject({ version: 1, operation: 'CREATE', changedBy: 'test-editor', via: 'MUTATION:recordCrossingReport' });
    expect(report.history[0].fields).toContainEqual({ field: 'trucks_offloaded', previousValue: null, newValue: '240' });

    // Another source's report of the same crossing and day is a separate record, never merged.
    const israeliEditor: Principal = { ...TEST_PRINCIPAL, subject: 'isr-editor', nation: 'ISR', organization: null };
    const cogat = await subgraph.execute(RECORD_REPORT, { input: { ...REPORT, source: 'COGAT', trucksOffloaded: 310, marking: { ...MARKING, originator: 'ISR' } } }, israeliEditor);
    expect(cogat.data.recordCrossingReport.crossingDailyReport.id).toBe('CDR-KEREM_SHALOM-2026-02-03-COGAT');
  });

  it('returns field-level user errors for invalid input and writes nothing', async () => {
    const before = await counts('crossing_daily_report', 'record_change');
    const { data } = await subgraph.execute(RECORD_REPORT, {
      input: {
        ...REPORT,
        date: '2026-02-04',
        trucksCollected: -3,
        open: false,
        marking: { ...MARKING, classification: 'SECRET', tlp: 'CLEAR', releasableTo: ['Britain'] },
      },
    });
    expect(data.recordCrossingReport.crossingDailyReport).toBeNull();
    expect(codes(data.recordCrossingReport.userErrors)).toEqual(
      expect.arrayContaining([
        'input.trucksCollected:INVALID',
        'input.trucksOffloaded:INVALID',
        'input.tonnes:INVALID',
        'input.fuelLitres:INVALID',
        'input.marking.tlp:INVALID',
        'input.marking.releasableTo:INVALID',
      ]),
    );
    const closed = data.recordCrossingReport.userErrors.find((e: { field: string[] }) => e.field[1] === 'trucksOffloaded');
    expect(closed.message).toMatch(/reported closed that day/);
    expect(await counts('crossing_daily_report', 'record_change')).toEqual(before);
  });

  it('refuses an unknown crossing as UNKNOWN_REFERENCE and a day still to come as INVALID', async () => {
    const unknown = await subgraph.execute(RECORD_REPORT, { input: { ...REPORT, crossingId: 'ASHDOD_PORT' } });
    expect(unknown.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'crossingId'], code: 'UNKNOWN_REFERENCE' })]);
    const future = await subgraph.execute(RECORD_REPORT, { input: { ...REPORT, date: '2099-01-01' } });
    expect(future.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'date'], code: 'INVALID' })]);
  });

  it('corrects a report with the version last read, and refuses a stale version with CONFLICT without changing anything', async () => {
    const input = { ...REPORT, date: '2026-02-05' };
    await subgraph.execute(RECORD_REPORT, { input });
    const withoutVersion = await subgraph.execute(RECORD_REPORT, { input: { ...input, trucksOffloaded: 250 } });
    expect(withoutVersion.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'REQUIRED' })]);
    expect(withoutVersion.data.recordCrossingReport.userErrors[0].message).toMatch(/exists already \(version 1\)/);

    const corrected = (await subgraph.execute(RECORD_REPORT, { input: { ...input, version: 1, trucksOffloaded: 250 } })).data.recordCrossingReport.crossingDailyReport;
    expect(corrected.provenance).toMatchObject({ version: 2, updatedBy: 'test-editor' });
    expect(corrected.history[1]).toEqual({
      version: 2,
      operation: 'UPDATE',
      changedBy: 'test-editor',
      via: 'MUTATION:recordCrossingReport',
      fields: [{ field: 'trucks_offloaded', previousValue: '240', newValue: '250' }],
    });

    const stale = await subgraph.execute(RECORD_REPORT, { input: { ...input, version: 1, trucksOffloaded: 999 } });
    expect(stale.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    const [row] = await subgraph.db.query('SELECT trucks_offloaded, version FROM crossing_daily_report WHERE id = $1', [corrected.id]);
    expect(row).toEqual({ trucks_offloaded: 250, version: 2 });

    const missing = await subgraph.execute(RECORD_REPORT, { input: { ...input, date: '2026-02-06', version: 3 } });
    expect(missing.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'NOT_FOUND' })]);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const input = { ...REPORT, date: '2026-02-07' };
    const before = await counts('crossing_daily_report', 'record_change');
    const first = await subgraph.execute(RECORD_REPORT, { input, key: 'report-retry-1' });
    const again = await subgraph.execute(RECORD_REPORT, { input, key: 'report-retry-1' });
    expect(again.data.recordCrossingReport).toEqual(first.data.recordCrossingReport);
    expect(await counts('crossing_daily_report', 'record_change')).toEqual({ crossing_daily_report: before.crossing_daily_report + 1, record_change: before.record_change + 1 });

    const reused = await subgraph.execute(RECORD_REPORT, { input: { ...input, trucksOffloaded: 1 }, key: 'report-retry-1' });
    expect(reused.data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await counts('crossing_daily_report', 'record_change')).toEqual({ crossing_daily_report: before.crossing_daily_report + 1, record_change: before.record_change + 1 });
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = await counts('crossing_daily_report', 'record_change', 'idempotency_key');
    const stop = failOn('INSERT INTO record_change');
    try {
      const { data, errors } = await subgraph.execute(RECORD_REPORT, { input: { ...REPORT, date: '2026-02-08' }, key: 'report-fails' });
      expect(data?.recordCrossingReport ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(errors?.[0].message).not.toContain('injected');
    } finally {
      stop();
    }
    expect(await counts('crossing_daily_report', 'record_change', 'idempotency_key')).toEqual(before);
  });
});

const REQUEST_CONVOY = `mutation($input: RequestConvoyInput!, $key: String) {
  requestConvoy(input: $input, idempotencyKey: $key) {
    convoy { id type status un2720Monitored plannedStart requestingOrganizations { id } crossing { id } destination { pcode } route driverNames
             marking { classification tlp originator } consignments { id } ${PROVENANCE} ${HISTORY} }
    userErrors { field code message }
  }
}`;
const CONVOY = {
  type: 'COLLECTION',
  requestingOrganizationIds: [WFP, PRCS],
  crossingId: 'KEREM_SHALOM',
  destinationPcode: 'PS027001',
  plannedStart: '2026-12-01T06:00:00Z',
  un2720Monitored: true,
  route: 'Illustrative route: Kerem Shalom, Salah al-Din Road',
  driverNames: ['Synthetic driver A'],
  source: 'SYNTHETIC',
  marking: { ...MARKING, tlp: 'AMBER', originator: 'CMCC' },
};
const requestConvoy = async (input: Record<string, unknown> = CONVOY) => (await subgraph.execute(REQUEST_CONVOY, { input })).data.requestConvoy.convoy;

describe('requestConvoy', () => {
  it('creates a REQUESTED convoy with its requesting organisations (lead first), provenance and history', async () => {
    const { data, errors } = await subgraph.execute(REQUEST_CONVOY, { input: CONVOY });
    expect(errors).toBeUndefined();
    const { convoy, userErrors } = data.requestConvoy;
    expect(userErrors).toEqual([]);
    expect(convoy).toMatchObject({
      type: 'COLLECTION',
      status: 'REQUESTED',
      un2720Monitored: true,
      plannedStart: '2026-12-01T06:00:00.000Z',
      requestingOrganizations: [{ id: WFP }, { id: PRCS }],
      crossing: { id: 'KEREM_SHALOM' },
      destination: { pcode: 'PS027001' },
      driverNames: ['Synthetic driver A'],
      marking: { classification: 'UNCLASSIFIED', tlp: 'AMBER', originator: 'CMCC' },
      consignments: [],
    });
    expect(convoy.id).toMatch(/^CONVOY-/);
    expect(convoy.provenance).toMatchObject({ version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:requestConvoy' });
    expect(convoy.history).toEqual([expect.objectContaining({ version: 1, operation: 'CREATE', changedBy: 'test-editor' })]);
    expect(convoy.history[0].fields).toContainEqual({ field: 'status', previousValue: null, newValue: '"REQUESTED"' });
  });

  it('returns field-level user errors for invalid input and writes nothing', async () => {
    const before = await counts('convoy', 'convoy_requesting_organization', 'record_change');
    const { data } = await subgraph.execute(REQUEST_CONVOY, {
      input: {
        ...CONVOY,
        requestingOrganizationIds: [WFP, PRCS, WFP],
        crossingId: null,
        destinationPcode: 'PS0199',
        driverNames: ['  '],
        marking: { ...MARKING, tlp: 'RED' },
      },
    });
    expect(data.requestConvoy.convoy).toBeNull();
    expect(codes(data.requestConvoy.userErrors)).toEqual([
      'input.marking.recipients:REQUIRED',
      'input.requestingOrganizationIds.2:INVALID',
      'input.crossingId:REQUIRED',
      'input.destinationPcode:UNKNOWN_REFERENCE',
      'input.driverNames.0:INVALID',
    ]);
    const none = await subgraph.execute(REQUEST_CONVOY, { input: { ...CONVOY, requestingOrganizationIds: [] } });
    expect(codes(none.data.requestConvoy.userErrors)).toEqual(['input.requestingOrganizationIds:REQUIRED']);
    expect(await counts('convoy', 'convoy_requesting_organization', 'record_change')).toEqual(before);
  });

  it('refuses unknown organisations and crossings as UNKNOWN_REFERENCE, and a cargo convoy through Rafah', async () => {
    const before = await counts('convoy', 'record_change');
    const organizations = await subgraph.execute(REQUEST_CONVOY, { input: { ...CONVOY, requestingOrganizationIds: [WFP, 'XM-DAC-00000'] } });
    expect(organizations.data.requestConvoy.userErrors).toEqual([expect.objectContaining({ field: ['input', 'requestingOrganizationIds', '1'], code: 'UNKNOWN_REFERENCE' })]);
    const crossing = await subgraph.execute(REQUEST_CONVOY, { input: { ...CONVOY, crossingId: 'NOWHERE' } });
    expect(crossing.data.requestConvoy.userErrors).toEqual([expect.objectContaining({ field: ['input', 'crossingId'], code: 'UNKNOWN_REFERENCE' })]);
    const rafah = await subgraph.execute(REQUEST_CONVOY, { input: { ...CONVOY, crossingId: 'RAFAH' } });
    expect(rafah.data.requestConvoy.userErrors).toEqual([expect.objectContaining({ field: ['input', 'crossingId'], code: 'INVALID' })]);
    expect(rafah.data.requestConvoy.userErrors[0].message).toMatch(/Rafah is CLOSED on 2026-12-01 and lets through no traffic/);
    expect(await counts('convoy', 'record_change')).toEqual(before);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const before = await counts('convoy', 'convoy_requesting_organization');
    const first = await subgraph.execute(REQUEST_CONVOY, { input: CONVOY, key: 'convoy-retry-1' });
    const again = await subgraph.execute(REQUEST_CONVOY, { input: CONVOY, key: 'convoy-retry-1' });
    expect(again.data.requestConvoy.convoy.id).toBe(first.data.requestConvoy.convoy.id);
    expect(await counts('convoy', 'convoy_requesting_organization')).toEqual({
      convoy: before.convoy + 1,
      convoy_requesting_organization: before.convoy_requesting_organization + 2,
    });
    const reused = await subgraph.execute(REQUEST_CONVOY, { input: { ...CONVOY, destinationPcode: 'PS0255' }, key: 'convoy-retry-1' });
    expect(reused.data.requestConvoy.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await count('convoy')).toBe(before.convoy + 1);
  });

  it('leaves no convoy behind when writing its requesting organisations fails', async () => {
    const before = await counts('convoy', 'convoy_requesting_organization', 'record_change', 'idempotency_key');
    const stop = failOn('INSERT INTO convoy_requesting_organization');
    try {
      const { data, errors } = await subgraph.execute(REQUEST_CONVOY, { input: CONVOY, key: 'convoy-fails' });
      expect(data?.requestConvoy ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    expect(await counts('convoy', 'convoy_requesting_organization', 'record_change', 'idempotency_key')).toEqual(before);
  });

  it('refuses a principal without write:humanitarian and writes nothing', async () => {
    const member: Principal = { ...TEST_PRINCIPAL, subject: 'gbr-humanitarian-member', scopes: ['write:security'] };
    const before = await count('convoy');
    const { data, errors } = await subgraph.execute(REQUEST_CONVOY, { input: CONVOY }, member);
    expect(data?.requestConvoy ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0].message).toMatch(/write:humanitarian/);
    expect(await count('convoy')).toBe(before);
  });
});

const UPDATE_STATUS = `mutation($input: UpdateConvoyStatusInput!, $key: String) {
  updateConvoyStatus(input: $input, idempotencyKey: $key) {
    convoy { id status statusReason departedAt arrivedAt ${PROVENANCE} ${HISTORY} }
    userErrors { field code message }
  }
}`;

describe('updateConvoyStatus', () => {
  it('moves a requested convoy on with the version last read, recording the previous status in its history', async () => {
    const convoy = await requestConvoy();
    const { data } = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'FACILITATED', departedAt: hoursAgo(3) } });
    expect(data.updateConvoyStatus.userErrors).toEqual([]);
    const updated = data.updateConvoyStatus.convoy;
    expect(updated).toMatchObject({ status: 'FACILITATED', provenance: { version: 2, updatedBy: 'test-editor' } });
    expect(updated.history[1]).toMatchObject({ version: 2, operation: 'UPDATE', via: 'MUTATION:updateConvoyStatus' });
    expect(updated.history[1].fields).toContainEqual({ field: 'status', previousValue: '"REQUESTED"', newValue: '"FACILITATED"' });

    const arrived = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 2, status: 'FACILITATED', arrivedAt: hoursAgo(1) } });
    expect(arrived.data.updateConvoyStatus.convoy).toMatchObject({ status: 'FACILITATED', provenance: { version: 3 } });
    expect(arrived.data.updateConvoyStatus.convoy.arrivedAt).not.toBeNull();
  });

  it('refuses to take a DENIED convoy back to REQUESTED, with a clear message, and changes nothing', async () => {
    const convoy = await requestConvoy();
    const denied = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'DENIED', statusReason: 'Route not deconflicted' } });
    expect(denied.data.updateConvoyStatus.convoy).toMatchObject({ status: 'DENIED', statusReason: 'Route not deconflicted' });

    const back = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 2, status: 'REQUESTED' } });
    expect(back.data.updateConvoyStatus.convoy).toBeNull();
    expect(back.data.updateConvoyStatus.userErrors).toEqual([
      {
        field: ['input', 'status'],
        code: 'INVALID',
        message: 'A DENIED convoy cannot become REQUESTED: DENIED is final. To try again, request a new convoy (requestConvoy); the record of this one stays as it is.',
      },
    ]);
    const facilitated = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 2, status: 'FACILITATED' } });
    expect(facilitated.data.updateConvoyStatus.userErrors[0]).toMatchObject({ code: 'INVALID' });
    const [row] = await subgraph.db.query('SELECT status, version FROM convoy WHERE id = $1', [convoy.id]);
    expect(row).toEqual({ status: 'DENIED', version: 2 });
  });

  it('refuses a stale version with CONFLICT without changing anything, and an unknown convoy with NOT_FOUND', async () => {
    const convoy = await requestConvoy();
    await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'IMPEDED', statusReason: 'Held at checkpoint' } });
    const stale = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'CANCELLED_BY_ORGANIZER' } });
    expect(stale.data.updateConvoyStatus.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    expect(stale.data.updateConvoyStatus.userErrors[0].message).toMatch(/version 2, not 1: test-editor changed it/);
    const [row] = await subgraph.db.query('SELECT status, version FROM convoy WHERE id = $1', [convoy.id]);
    expect(row).toEqual({ status: 'IMPEDED', version: 2 });

    const unknown = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: 'CONVOY-9999', version: 1, status: 'DENIED' } });
    expect(unknown.data.updateConvoyStatus.userErrors).toEqual([expect.objectContaining({ field: ['input', 'convoyId'], code: 'NOT_FOUND' })]);
  });

  it('refuses timings that cannot be: an arrival before the departure, or a departure of a denied convoy', async () => {
    const convoy = await requestConvoy();
    const early = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'FACILITATED', departedAt: hoursAgo(2), arrivedAt: hoursAgo(3) } });
    expect(codes(early.data.updateConvoyStatus.userErrors)).toEqual(['input.arrivedAt:INVALID']);
    const denied = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'DENIED', departedAt: hoursAgo(2) } });
    expect(codes(denied.data.updateConvoyStatus.userErrors)).toEqual(['input.departedAt:INVALID']);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const convoy = await requestConvoy();
    const input = { convoyId: convoy.id, version: 1, status: 'FACILITATED' };
    const first = await subgraph.execute(UPDATE_STATUS, { input, key: 'status-retry-1' });
    // Replayed: the first result, not a CONFLICT for the now stale version 1.
    const again = await subgraph.execute(UPDATE_STATUS, { input, key: 'status-retry-1' });
    expect(again.data.updateConvoyStatus.userErrors).toEqual([]);
    expect(again.data.updateConvoyStatus.convoy.provenance.version).toBe(2);
    expect(first.data.updateConvoyStatus.convoy.history).toHaveLength(2);
    expect(again.data.updateConvoyStatus.convoy.history).toHaveLength(2);
    const reused = await subgraph.execute(UPDATE_STATUS, { input: { ...input, status: 'IMPEDED' }, key: 'status-retry-1' });
    expect(reused.data.updateConvoyStatus.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('leaves the status as it was when the database fails midway through the write', async () => {
    const convoy = await requestConvoy();
    const before = await counts('record_change', 'idempotency_key');
    const stop = failOn('INSERT INTO record_change');
    try {
      const { errors } = await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'DENIED' }, key: 'status-fails' });
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    const [row] = await subgraph.db.query('SELECT status, version, updated_by FROM convoy WHERE id = $1', [convoy.id]);
    expect(row).toEqual({ status: 'REQUESTED', version: 1, updated_by: null });
    expect(await counts('record_change', 'idempotency_key')).toEqual(before);
  });
});

const ADD_CONSIGNMENT = `mutation($input: AddConsignmentInput!, $key: String) {
  addConsignment(input: $input, idempotencyKey: $key) {
    consignment { id stage stageAt tonnes convoy { id } ${PROVENANCE} ${HISTORY} }
    userErrors { field code message }
  }
}`;
const RECORD_STAGE = `mutation($input: RecordConsignmentStageInput!, $key: String) {
  recordConsignmentStage(input: $input, idempotencyKey: $key) {
    consignment { id stage stageAt ${PROVENANCE} ${HISTORY} }
    userErrors { field code message }
  }
}`;
const addConsignment = async (convoyId: string, offloadedAt = hoursAgo(5)) =>
  (
    await subgraph.execute(ADD_CONSIGNMENT, {
      input: { convoyId, cargoCategory: 'FOOD', pallets: 26, tonnes: 19.456, offloadedAt, source: 'SYNTHETIC' },
    })
  ).data.addConsignment;
const recordStage = (consignmentId: string, version: number, stage: string, stageAt: string, key?: string) =>
  subgraph.execute(RECORD_STAGE, { input: { consignmentId, version, stage, stageAt }, key });

describe('addConsignment', () => {
  it('adds numbered truck loads at OFFLOADED to a cargo convoy, with provenance and history', async () => {
    const convoy = await requestConvoy();
    const first = await addConsignment(convoy.id);
    const second = await addConsignment(convoy.id);
    expect(first.userErrors).toEqual([]);
    expect(first.consignment).toMatchObject({ id: `${convoy.id}-T01`, stage: 'OFFLOADED', tonnes: 19.46, convoy: { id: convoy.id } });
    expect(second.consignment.id).toBe(`${convoy.id}-T02`);
    expect(first.consignment.provenance).toMatchObject({ version: 1, recordedVia: 'MUTATION:addConsignment' });
    expect(first.consignment.history).toEqual([expect.objectContaining({ operation: 'CREATE' })]);
  });

  it('refuses loads for convoys that carry no cargo, unknown convoys, and negative or future figures', async () => {
    const assessment = await requestConvoy({ ...CONVOY, type: 'ASSESSMENT', crossingId: null });
    const before = await count('truck_consignment');
    expect(codes((await addConsignment(assessment.id)).userErrors)).toEqual(['input.convoyId:INVALID']);
    expect(codes((await addConsignment('CONVOY-9999')).userErrors)).toEqual(['input.convoyId:NOT_FOUND']);
    const bad = await subgraph.execute(ADD_CONSIGNMENT, {
      input: { convoyId: assessment.id, cargoCategory: 'FUEL', pallets: -1, tonnes: -2, offloadedAt: '2099-01-01T00:00:00Z', source: 'UN2720' },
    });
    expect(codes(bad.data.addConsignment.userErrors)).toEqual(['input.pallets:INVALID', 'input.tonnes:INVALID', 'input.offloadedAt:INVALID']);
    expect(await count('truck_consignment')).toBe(before);
  });
});

describe('recordConsignmentStage', () => {
  it('moves a load forward OFFLOADED → COLLECTED → DELIVERED, each step in its history, and counts it in aid deliveries', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id, hoursAgo(5));
    const collected = await recordStage(consignment.id, 1, 'COLLECTED', hoursAgo(4));
    expect(collected.data.recordConsignmentStage.userErrors).toEqual([]);
    const delivered = (await recordStage(consignment.id, 2, 'DELIVERED', hoursAgo(2))).data.recordConsignmentStage.consignment;
    expect(delivered).toMatchObject({ stage: 'DELIVERED', provenance: { version: 3, updatedBy: 'test-editor', recordedVia: 'MUTATION:addConsignment' } });
    expect(delivered.history.map((h: { operation: string }) => h.operation)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    expect(delivered.history[2].fields).toContainEqual({ field: 'stage', previousValue: '"COLLECTED"', newValue: '"DELIVERED"' });

    const { data } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Area", pcode: "PS0270" }]) {
      ... on Area { aidDeliveries(since: "${hoursAgo(3)}") { bySource { source trucks tonnes } } } } }`);
    expect(data._entities[0].aidDeliveries.bySource).toEqual([{ source: 'SYNTHETIC', trucks: 1, tonnes: 19.46 }]);
  });

  it('refuses stages that go backwards, skip collection or follow a final stage, with clear messages', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id, hoursAgo(5));
    const skip = await recordStage(consignment.id, 1, 'DELIVERED', hoursAgo(4));
    expect(skip.data.recordConsignmentStage.userErrors).toEqual([
      { field: ['input', 'stage'], code: 'INVALID', message: expect.stringContaining('must be COLLECTED before it can be DELIVERED') },
    ]);
    await recordStage(consignment.id, 1, 'COLLECTED', hoursAgo(4));
    const backwards = await recordStage(consignment.id, 2, 'OFFLOADED', hoursAgo(3));
    expect(backwards.data.recordConsignmentStage.userErrors[0]).toMatchObject({ code: 'INVALID', message: expect.stringContaining('only move forward') });
    const earlier = await recordStage(consignment.id, 2, 'DELIVERED', hoursAgo(6));
    expect(codes(earlier.data.recordConsignmentStage.userErrors)).toEqual(['input.stageAt:INVALID']);
    await recordStage(consignment.id, 2, 'INTERCEPTED_FORCIBLE', hoursAgo(3));
    const afterFinal = await recordStage(consignment.id, 3, 'DELIVERED', hoursAgo(2));
    expect(afterFinal.data.recordConsignmentStage.userErrors[0].message).toMatch(/INTERCEPTED_FORCIBLE, which is final/);
    const [row] = await subgraph.db.query('SELECT stage, version FROM truck_consignment WHERE id = $1', [consignment.id]);
    expect(row).toEqual({ stage: 'INTERCEPTED_FORCIBLE', version: 3 });
  });

  it('keeps the loads of a denied convoy at the crossing', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id);
    await subgraph.execute(UPDATE_STATUS, { input: { convoyId: convoy.id, version: 1, status: 'DENIED' } });
    const collected = await recordStage(consignment.id, 1, 'COLLECTED', hoursAgo(1));
    expect(collected.data.recordConsignmentStage.userErrors[0]).toMatchObject({ field: ['input', 'stage'], code: 'INVALID', message: expect.stringContaining('is DENIED') });
  });

  it('refuses a stale version with CONFLICT without changing anything, and an unknown load with NOT_FOUND', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id);
    await recordStage(consignment.id, 1, 'COLLECTED', hoursAgo(2));
    const stale = await recordStage(consignment.id, 1, 'INTERCEPTED_PEACEFUL', hoursAgo(1));
    expect(stale.data.recordConsignmentStage.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    const [row] = await subgraph.db.query('SELECT stage, version FROM truck_consignment WHERE id = $1', [consignment.id]);
    expect(row).toEqual({ stage: 'COLLECTED', version: 2 });
    const unknown = await recordStage('CONVOY-9999-T01', 1, 'COLLECTED', hoursAgo(1));
    expect(unknown.data.recordConsignmentStage.userErrors).toEqual([expect.objectContaining({ field: ['input', 'consignmentId'], code: 'NOT_FOUND' })]);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id);
    const stageAt = hoursAgo(1);
    const first = await recordStage(consignment.id, 1, 'COLLECTED', stageAt, 'stage-retry-1');
    const again = await recordStage(consignment.id, 1, 'COLLECTED', stageAt, 'stage-retry-1');
    expect(again.data.recordConsignmentStage).toEqual(first.data.recordConsignmentStage);
    expect(again.data.recordConsignmentStage.consignment.history).toHaveLength(2);
    const reused = await recordStage(consignment.id, 1, 'INTERCEPTED_PEACEFUL', stageAt, 'stage-retry-1');
    expect(reused.data.recordConsignmentStage.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('leaves the stage as it was when the database fails midway through the write', async () => {
    const convoy = await requestConvoy();
    const { consignment } = await addConsignment(convoy.id);
    const before = await counts('record_change', 'idempotency_key');
    const stop = failOn('INSERT INTO record_change');
    try {
      const { errors } = await recordStage(consignment.id, 1, 'COLLECTED', hoursAgo(1), 'stage-fails');
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    const [row] = await subgraph.db.query('SELECT stage, version FROM truck_consignment WHERE id = $1', [consignment.id]);
    expect(row).toEqual({ stage: 'OFFLOADED', version: 1 });
    expect(await counts('record_change', 'idempotency_key')).toEqual(before);
  });
});

describe('seeded records', () => {
  it('are recorded as written by the seed, with an empty history', async () => {
    const { data, errors } = await subgraph.execute(`{
      convoys(filter: { type: COLLECTION }, first: 200) { edges { node { id statusReason ${PROVENANCE} history { version } consignments(first: 1) { ${PROVENANCE} } } } }
      activities(first: 1) { edges { node { hxlTags { tag } ${PROVENANCE} history { version } } } }
    }`);
    expect(errors).toBeUndefined();
    const seeded = data.convoys.edges.map((edge: { node: unknown }) => edge.node).find((convoy: { id: string }) => /^CONVOY-\d{4}$/.test(convoy.id));
    expect(seeded).toMatchObject({ statusReason: null, provenance: { version: 1, recordedBy: 'seed', recordedVia: 'SEED', updatedBy: null }, history: [] });
    expect(seeded.consignments[0].provenance).toMatchObject({ recordedBy: 'seed', recordedVia: 'SEED' });
    expect(data.activities.edges[0].node).toMatchObject({ hxlTags: [], provenance: { recordedBy: 'seed' }, history: [] });
  });
});
