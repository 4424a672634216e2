import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { latestPossibleDate } from '../src/data/rules.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { MARKING_COLUMNS, markingFromRow, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
});
afterAll(() => subgraph?.close());

const MARKING = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' };
const BAD_MARKING = { ...MARKING, tlp: 'RED', releasableTo: ['GBR', 'Britain'] };
const TOMORROW_EVERYWHERE = new Date(Date.parse(`${latestPossibleDate()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

type Row = Record<string, any>;
const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const rowOf = async (table: string, id: string) => (await subgraph.db.query<Row>(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];
/** A stored record's marking as mutation input: an editor who is not its originator resubmits it (or tightens it). */
const kept = (row: Row) => {
  const { classification, releasableTo, tlp, originator, recipients, caveats, nationalMarking } = markingFromRow(row as MarkingRow);
  return { classification, releasableTo, tlp, originator, recipients, caveats, nationalMarking };
};
const codes = (errors: { field: string[]; code: string }[]) => errors.map((e) => `${e.field.join('.')}:${e.code}`);
/** Everything a failed write could have touched: the tables written, the history and the idempotency keys. */
const snapshot = async () => ({
  facilities: await subgraph.db.query('SELECT id, version, status, status_as_of::text FROM facility ORDER BY id'),
  assessments: await count('damage_assessment'),
  tasks: await subgraph.db.query('SELECT id, version, status, item_types, item_counts FROM explosive_hazard_task ORDER BY id'),
  history: await count('record_change'),
  keys: await count('idempotency_key'),
});

const RECORD_STATUS = `mutation($input: RecordFacilityStatusInput!, $key: String) {
  recordFacilityStatus(input: $input, idempotencyKey: $key) {
    facility {
      id status statusAsOf statusSource source marking { tlp releasableTo originator }
      provenance { version recordedBy recordedVia updatedBy updatedAt }
      history { version operation changedBy via fields { field previousValue newValue } }
    }
    userErrors { field code message }
  }
}`;
const RECORD_ASSESSMENT = `mutation($input: RecordDamageAssessmentInput!, $key: String) {
  recordDamageAssessment(input: $input, idempotencyKey: $key) {
    damageAssessment {
      id method damageClass imageryDate latitude longitude source area { pcode } facility { id }
      provenance { version recordedBy recordedVia updatedBy }
      history { version operation changedBy via fields { field previousValue newValue } }
    }
    userErrors { field code message }
  }
}`;
const UPDATE_TASK = `mutation($input: UpdateExplosiveHazardTaskInput!, $key: String) {
  updateExplosiveHazardTask(input: $input, idempotencyKey: $key) {
    explosiveHazardTask {
      id status updatedAt itemsFound { type count } marking { tlp }
      provenance { version recordedBy recordedVia updatedBy }
      history { version operation changedBy via fields { field previousValue newValue } }
    }
    userErrors { field code message }
  }
}`;

/** A seeded task in `status`, not yet touched by another test. */
const taken = new Set<string>();
async function seededTask(status: string, withItems = false): Promise<Row> {
  const rows = await subgraph.db.query<Row>(
    `SELECT id, status, version, item_types, item_counts, requested_at, ${MARKING_COLUMNS.join(', ')} FROM explosive_hazard_task
      WHERE status = $1 AND cardinality(item_types) ${withItems ? '>' : '='} 0 AND version = 1 ORDER BY id`,
    [status],
  );
  const task = rows.find((row) => !taken.has(row.id));
  if (!task) throw new Error(`No untouched seeded ${status} task left`);
  taken.add(task.id);
  return task;
}

describe('seeded records', () => {
  it('carry provenance from the seed and an empty history', async () => {
    const { data, errors } = await subgraph.execute(`{
      facility(id: "FAC-HOSPITAL-030") { statusSource source provenance { version recordedBy recordedVia updatedBy updatedAt } history { version } }
      explosiveHazardTask(id: "EHT-0150") { provenance { version recordedBy recordedVia } history { version } }
    }`);
    expect(errors).toBeUndefined();
    expect(data.facility).toEqual({
      statusSource: 'SYNTHETIC',
      source: 'SYNTHETIC',
      provenance: { version: 1, recordedBy: 'seed', recordedVia: 'SEED', updatedBy: null, updatedAt: null },
      history: [],
    });
    expect(data.explosiveHazardTask).toEqual({ provenance: { version: 1, recordedBy: 'seed', recordedVia: 'SEED' }, history: [] });
  });
});

describe('recordFacilityStatus', () => {
  const status = { facilityId: 'FAC-WATER-WELL-002', version: 1, status: 'OPERATIONAL', statusAsOf: '2026-01-05', source: 'CMCC', marking: MARKING };

  it('records the status with its source, a new version, provenance and an UPDATE in the history with previous values', async () => {
    const { data, errors } = await subgraph.execute(RECORD_STATUS, { input: status });
    expect(errors).toBeUndefined();
    const { facility, userErrors } = data.recordFacilityStatus;
    expect(userErrors).toEqual([]);
    expect(facility).toMatchObject({ id: 'FAC-WATER-WELL-002', status: 'OPERATIONAL', statusAsOf: '2026-01-05', statusSource: 'CMCC', source: 'SYNTHETIC' });
    expect(facility.provenance).toMatchObject({ version: 2, recordedBy: 'seed', recordedVia: 'SEED', updatedBy: 'test-editor' });
    expect(facility.provenance.updatedAt).toEqual(expect.any(String));
    expect(facility.history).toHaveLength(1);
    expect(facility.history[0]).toMatchObject({ version: 2, operation: 'UPDATE', changedBy: 'test-editor', via: 'MUTATION:recordFacilityStatus' });
    expect(facility.history[0].fields).toEqual(
      expect.arrayContaining([
        { field: 'status', previousValue: '"PARTIAL"', newValue: '"OPERATIONAL"' },
        { field: 'status_as_of', previousValue: '"2025-11-28"', newValue: '"2026-01-05"' },
        { field: 'status_source', previousValue: 'null', newValue: '"CMCC"' },
      ]),
    );
  });

  it('returns field-level user errors for invalid input and writes nothing', async () => {
    const before = await snapshot();
    const { data } = await subgraph.execute(RECORD_STATUS, {
      input: { ...status, facilityId: 'FAC-WATER-WELL-003', version: 0, statusAsOf: TOMORROW_EVERYWHERE, marking: BAD_MARKING },
    });
    expect(codes(data.recordFacilityStatus.userErrors)).toEqual(
      expect.arrayContaining(['input.version:INVALID', 'input.statusAsOf:INVALID', 'input.marking.recipients:REQUIRED', 'input.marking.releasableTo:INVALID']),
    );
    expect(data.recordFacilityStatus.facility).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown facility and refuses a status older than the one recorded', async () => {
    const unknown = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-NOPE' } });
    expect(unknown.data.recordFacilityStatus.userErrors).toEqual([expect.objectContaining({ field: ['input', 'facilityId'], code: 'NOT_FOUND' })]);
    const older = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-WATER-WELL-001', statusAsOf: '2025-12-01' } });
    expect(older.data.recordFacilityStatus.userErrors).toEqual([
      { field: ['input', 'statusAsOf'], code: 'INVALID', message: expect.stringContaining('recorded as of 2025-12-28') },
    ]);
  });

  it('refuses a stale version with CONFLICT, naming who changed it, and changes nothing', async () => {
    const first = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-SCHOOL-002', statusAsOf: '2026-01-02', status: 'DAMAGED' } });
    expect(first.data.recordFacilityStatus.facility.provenance.version).toBe(2);
    const before = await snapshot();
    const stale = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-SCHOOL-002', statusAsOf: '2026-01-03', status: 'OPERATIONAL' } });
    expect(stale.data.recordFacilityStatus.userErrors).toEqual([
      { field: ['input', 'version'], code: 'CONFLICT', message: expect.stringMatching(/at version 2, not 1: test-editor changed it/) },
    ]);
    expect(stale.data.recordFacilityStatus.facility).toBeNull();
    expect(await snapshot()).toEqual(before);
    expect(await rowOf('facility', 'FAC-SCHOOL-002')).toMatchObject({ status: 'DAMAGED', version: 2 });
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    // A bakery the editor (USA, CMCC, no caveats) reads: its own nation's or organisation's, or one open to CMCC without caveats.
    const [{ id: bakery }] = await subgraph.db.query<{ id: string }>(
      `SELECT id FROM facility WHERE type = 'BAKERY' AND version = 1 AND (originator IN ('USA', 'CMCC') OR (cardinality(caveats) = 0 AND tlp IN ('CLEAR', 'GREEN') AND classification = 'UNCLASSIFIED' AND releasable_to && ARRAY['CMCC'])) ORDER BY id LIMIT 1`,
    );
    const input = { ...status, facilityId: bakery, statusAsOf: '2026-01-04', status: 'PARTIAL', marking: kept(await rowOf('facility', bakery)) };
    const first = await subgraph.execute(RECORD_STATUS, { input, key: 'status-retry-1' });
    const history = await count('record_change');
    const again = await subgraph.execute(RECORD_STATUS, { input, key: 'status-retry-1' });
    expect(again.data.recordFacilityStatus.userErrors).toEqual([]);
    expect(again.data.recordFacilityStatus.facility.provenance).toEqual(first.data.recordFacilityStatus.facility.provenance);
    expect(await rowOf('facility', bakery)).toMatchObject({ version: 2 });
    expect(await count('record_change')).toBe(history);

    const before = await snapshot();
    const reused = await subgraph.execute(RECORD_STATUS, { input: { ...input, version: 2, status: 'OPERATIONAL' }, key: 'status-retry-1' });
    expect(reused.data.recordFacilityStatus.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await snapshot()).toEqual(before);
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = await snapshot();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { data, errors } = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-BAKERY-003' }, key: 'status-fails-midway' });
      expect(data?.recordFacilityStatus ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(errors?.[0].message).not.toContain('injected');
    } finally {
      stop();
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('recordDamageAssessment', () => {
  const assessment = {
    facilityId: 'FAC-HOSPITAL-001',
    method: 'FIELD',
    damageClass: 'MODERATE',
    imageryDate: '2025-12-20',
    latitude: 31.43,
    longitude: 34.38,
    source: 'CMCC',
    marking: MARKING,
  };

  it('creates an assessment in its facility’s area, with provenance and a CREATE in its history', async () => {
    const { data, errors } = await subgraph.execute(RECORD_ASSESSMENT, { input: assessment });
    expect(errors).toBeUndefined();
    const { damageAssessment, userErrors } = data.recordDamageAssessment;
    expect(userErrors).toEqual([]);
    expect(damageAssessment).toMatchObject({
      method: 'FIELD',
      damageClass: 'MODERATE',
      imageryDate: '2025-12-20',
      latitude: 31.43,
      area: { pcode: 'PS026502' },
      facility: { id: 'FAC-HOSPITAL-001' },
      provenance: { version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:recordDamageAssessment', updatedBy: null },
    });
    expect(damageAssessment.history).toEqual([expect.objectContaining({ version: 1, operation: 'CREATE', changedBy: 'test-editor', via: 'MUTATION:recordDamageAssessment' })]);
    expect(damageAssessment.history[0].fields).toEqual(expect.arrayContaining([{ field: 'damage_class', previousValue: null, newValue: '"MODERATE"' }]));
    const listed = await subgraph.execute(`{ facility(id: "FAC-HOSPITAL-001") { damageAssessments(first: 1) { id } } }`);
    expect(listed.data.facility.damageAssessments).toEqual([{ id: damageAssessment.id }]);
  });

  it('returns field-level user errors for invalid input and writes nothing', async () => {
    const before = await snapshot();
    const { data } = await subgraph.execute(RECORD_ASSESSMENT, {
      input: { ...assessment, imageryDate: TOMORROW_EVERYWHERE, latitude: 31.43, longitude: null, marking: BAD_MARKING },
    });
    expect(codes(data.recordDamageAssessment.userErrors)).toEqual(
      expect.arrayContaining(['input.imageryDate:INVALID', 'input.longitude:REQUIRED', 'input.marking.recipients:REQUIRED']),
    );
    expect(data.recordDamageAssessment.damageAssessment).toBeNull();
    // Sderot (in Israel, inside the Strip's bounding box) and Paris: outside the governorates, refused.
    for (const [latitude, longitude] of [
      [31.525, 34.595],
      [48.85, 2.35],
    ]) {
      const refused = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...assessment, latitude, longitude } });
      expect(refused.data.recordDamageAssessment.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'latitude'], code: 'INVALID', message: expect.stringContaining('lies outside the Gaza Strip') }),
      ]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an unknown facility as UNKNOWN_REFERENCE and a second assessment for the same facility, date and method as DUPLICATE', async () => {
    const before = await snapshot();
    const unknown = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...assessment, facilityId: 'FAC-NOPE' } });
    expect(unknown.data.recordDamageAssessment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'facilityId'], code: 'UNKNOWN_REFERENCE' })]);
    const duplicate = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...assessment, damageClass: 'SEVERE' } });
    expect(duplicate.data.recordDamageAssessment.userErrors).toEqual([
      { field: ['input', 'imageryDate'], code: 'DUPLICATE', message: expect.stringContaining('give its version to correct it') },
    ]);
    const nothingToCorrect = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...assessment, imageryDate: '2025-12-21', version: 1 } });
    expect(nothingToCorrect.data.recordDamageAssessment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'NOT_FOUND' })]);
    expect(await snapshot()).toEqual(before);
  });

  it('corrects an assessment with its version, and refuses a stale version with CONFLICT without changing anything', async () => {
    const input = { ...assessment, facilityId: 'FAC-HOSPITAL-002', latitude: null, longitude: null };
    const created = (await subgraph.execute(RECORD_ASSESSMENT, { input })).data.recordDamageAssessment.damageAssessment;
    const corrected = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...input, version: 1, damageClass: 'SEVERE' } });
    const record = corrected.data.recordDamageAssessment.damageAssessment;
    expect(record).toMatchObject({ id: created.id, damageClass: 'SEVERE', provenance: { version: 2, updatedBy: 'test-editor' } });
    expect(record.history[1]).toEqual({
      version: 2,
      operation: 'UPDATE',
      changedBy: 'test-editor',
      via: 'MUTATION:recordDamageAssessment',
      fields: [{ field: 'damage_class', previousValue: '"MODERATE"', newValue: '"SEVERE"' }],
    });

    const before = await snapshot();
    const stale = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...input, version: 1, damageClass: 'DESTROYED' } });
    expect(stale.data.recordDamageAssessment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    expect(await snapshot()).toEqual(before);
    expect(await rowOf('damage_assessment', created.id)).toMatchObject({ damage_class: 'SEVERE', version: 2 });
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const input = { ...assessment, facilityId: 'FAC-HOSPITAL-003', latitude: null, longitude: null };
    const before = await count('damage_assessment');
    const first = await subgraph.execute(RECORD_ASSESSMENT, { input, key: 'assessment-retry-1' });
    const again = await subgraph.execute(RECORD_ASSESSMENT, { input, key: 'assessment-retry-1' });
    expect(again.data.recordDamageAssessment).toEqual(first.data.recordDamageAssessment);
    expect(await count('damage_assessment')).toBe(before + 1);
    const reused = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...input, damageClass: 'NONE' }, key: 'assessment-retry-1' });
    expect(reused.data.recordDamageAssessment.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await count('damage_assessment')).toBe(before + 1);
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = await snapshot();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { data, errors } = await subgraph.execute(RECORD_ASSESSMENT, { input: { ...assessment, facilityId: 'FAC-HOSPITAL-004' }, key: 'assessment-fails' });
      expect(data?.recordDamageAssessment ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('updateExplosiveHazardTask', () => {
  const update = (task: Row, changes: Row) => ({ id: task.id, version: 1, marking: kept(task), ...changes });

  it('moves a task forward with the items found by kind, a new version, and an UPDATE in its history', async () => {
    const task = await seededTask('REQUESTED');
    const { data, errors } = await subgraph.execute(UPDATE_TASK, {
      input: update(task, {
        status: 'ASSESSED',
        itemsFound: [
          { type: 'IED', count: 1 },
          { type: 'MORTAR', count: 4 },
        ],
      }),
    });
    expect(errors).toBeUndefined();
    const { explosiveHazardTask, userErrors } = data.updateExplosiveHazardTask;
    expect(userErrors).toEqual([]);
    expect(explosiveHazardTask).toMatchObject({
      status: 'ASSESSED',
      // Stored in the order of the item kinds, whatever order they were given in.
      itemsFound: [
        { type: 'MORTAR', count: 4 },
        { type: 'IED', count: 1 },
      ],
      provenance: { version: 2, recordedBy: 'seed', recordedVia: 'SEED', updatedBy: 'test-editor' },
    });
    expect(Date.parse(explosiveHazardTask.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(explosiveHazardTask.history).toHaveLength(1);
    expect(explosiveHazardTask.history[0]).toMatchObject({ version: 2, operation: 'UPDATE', changedBy: 'test-editor', via: 'MUTATION:updateExplosiveHazardTask' });
    expect(explosiveHazardTask.history[0].fields).toEqual(
      expect.arrayContaining([
        { field: 'status', previousValue: '"REQUESTED"', newValue: '"ASSESSED"' },
        { field: 'item_types', previousValue: '[]', newValue: '["MORTAR","IED"]' },
        { field: 'item_counts', previousValue: '[]', newValue: '[4,1]' },
      ]),
    );

    // Items alone may change later without moving the status or its date.
    const items = await subgraph.execute(UPDATE_TASK, { input: { ...update(task, { itemsFound: [{ type: 'MORTAR', count: 5 }] }), version: 2 } });
    expect(items.data.updateExplosiveHazardTask.explosiveHazardTask).toMatchObject({
      status: 'ASSESSED',
      updatedAt: explosiveHazardTask.updatedAt,
      itemsFound: [{ type: 'MORTAR', count: 5 }],
      provenance: { version: 3 },
    });
  });

  it('lets a task skip a step forward but never go back', async () => {
    const task = await seededTask('MARKED', true);
    const before = await snapshot();
    const back = await subgraph.execute(UPDATE_TASK, { input: update(task, { status: 'ASSESSED' }) });
    expect(back.data.updateExplosiveHazardTask.userErrors).toEqual([
      { field: ['input', 'status'], code: 'INVALID', message: expect.stringContaining('REQUESTED → ASSESSED → MARKED → CLEARED') },
    ]);
    expect(back.data.updateExplosiveHazardTask.explosiveHazardTask).toBeNull();
    expect(await snapshot()).toEqual(before);

    const requested = await seededTask('REQUESTED');
    const skip = await subgraph.execute(UPDATE_TASK, { input: update(requested, { status: 'CLEARED', itemsFound: [{ type: 'GRENADE', count: 2 }] }) });
    expect(skip.data.updateExplosiveHazardTask.explosiveHazardTask).toMatchObject({ status: 'CLEARED', provenance: { version: 2 } });
  });

  it('returns field-level user errors for invalid items and markings, and writes nothing', async () => {
    const task = await seededTask('REQUESTED');
    const before = await snapshot();
    const invalid = await subgraph.execute(UPDATE_TASK, {
      input: {
        ...update(task, {
          status: 'ASSESSED',
          itemsFound: [
            { type: 'ROCKET', count: 0 },
            { type: 'ROCKET', count: 2 },
          ],
        }),
        version: 0,
        marking: BAD_MARKING,
      },
    });
    expect(codes(invalid.data.updateExplosiveHazardTask.userErrors)).toEqual(
      expect.arrayContaining(['input.itemsFound.0.count:INVALID', 'input.itemsFound.1.type:INVALID', 'input.version:INVALID', 'input.marking.recipients:REQUIRED']),
    );
    const itemsWhileRequested = await subgraph.execute(UPDATE_TASK, { input: update(task, { itemsFound: [{ type: 'ROCKET', count: 1 }] }) });
    expect(itemsWhileRequested.data.updateExplosiveHazardTask.userErrors).toEqual([expect.objectContaining({ field: ['input', 'itemsFound'], code: 'INVALID' })]);
    const unknown = await subgraph.execute(UPDATE_TASK, { input: { ...update(task, { status: 'ASSESSED' }), id: 'EHT-9999' } });
    expect(unknown.data.updateExplosiveHazardTask.userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a stale version with CONFLICT before judging the transition, and changes nothing', async () => {
    const task = await seededTask('ASSESSED', true);
    await subgraph.execute(UPDATE_TASK, { input: update(task, { status: 'MARKED' }) });
    const before = await snapshot();
    // The caller still believes the task is ASSESSED (version 1): it must reload, not be told MARKED → ASSESSED is backwards.
    const stale = await subgraph.execute(UPDATE_TASK, { input: update(task, { status: 'ASSESSED', itemsFound: [{ type: 'IED', count: 9 }] }) });
    expect(stale.data.updateExplosiveHazardTask.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    expect(await snapshot()).toEqual(before);
    expect(await rowOf('explosive_hazard_task', task.id)).toMatchObject({ status: 'MARKED', version: 2, item_types: task.item_types });
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const task = await seededTask('REQUESTED');
    const input = update(task, { status: 'ASSESSED', itemsFound: [{ type: 'PROJECTILE', count: 3 }] });
    const first = await subgraph.execute(UPDATE_TASK, { input, key: 'task-retry-1' });
    const history = await count('record_change');
    const again = await subgraph.execute(UPDATE_TASK, { input, key: 'task-retry-1' });
    expect(again.data.updateExplosiveHazardTask).toEqual(first.data.updateExplosiveHazardTask);
    expect(await count('record_change')).toBe(history);
    expect(await rowOf('explosive_hazard_task', task.id)).toMatchObject({ version: 2 });
    const reused = await subgraph.execute(UPDATE_TASK, { input: { ...input, status: 'MARKED' }, key: 'task-retry-1' });
    expect(reused.data.updateExplosiveHazardTask.userErrors).toEqual([expect.objectContaining({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await rowOf('explosive_hazard_task', task.id)).toMatchObject({ status: 'ASSESSED', version: 2 });
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const task = await seededTask('REQUESTED');
    const before = await snapshot();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { data, errors } = await subgraph.execute(UPDATE_TASK, { input: update(task, { status: 'ASSESSED' }), key: 'task-fails' });
      expect(data?.updateExplosiveHazardTask ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('write authorization', () => {
  it('refuses every engineering mutation to a principal without write:engineering, before writing anything', async () => {
    const securityEditor: Principal = { ...TEST_PRINCIPAL, subject: 'gbr-security-editor', scopes: ['write:security'] };
    const before = await snapshot();
    const task = await seededTask('REQUESTED');
    const attempts = await Promise.all([
      subgraph.execute(
        RECORD_STATUS,
        { input: { facilityId: 'FAC-HOSPITAL-010', version: 1, status: 'OPERATIONAL', statusAsOf: '2026-01-01', source: 'CMCC', marking: MARKING } },
        securityEditor,
      ),
      subgraph.execute(
        RECORD_ASSESSMENT,
        { input: { facilityId: 'FAC-HOSPITAL-010', method: 'FIELD', damageClass: 'NONE', imageryDate: '2026-01-01', source: 'CMCC', marking: MARKING } },
        securityEditor,
      ),
      subgraph.execute(UPDATE_TASK, { input: { id: task.id, version: 1, status: 'ASSESSED', marking: MARKING } }, securityEditor),
    ]);
    for (const attempt of attempts) {
      expect(attempt.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('write:engineering') });
    }
    expect(await snapshot()).toEqual(before);
  });
});
