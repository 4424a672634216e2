import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { damageAssessments, facilities } from '../src/data/importers.ts';
import { assessmentId } from '../src/data/rules.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { importFile } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-engineering-import-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SAMPLES = path.join(PROJECT_ROOT, 'subgraphs', 'engineering', 'samples');
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
type Row = Record<string, any>;
const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const assessment = async (facilityId: string, imageryDate: string, method = 'UNOSAT_SATELLITE') =>
  (await subgraph.db.query<Row>('SELECT *, imagery_date::text AS imagery_date FROM damage_assessment WHERE id = $1', [assessmentId(facilityId, imageryDate, method)]))[0];
// The marking of rows that state none: an import states its marking, per row or for the whole file.
const options = {
  subject: 'import:test',
  marking: { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] },
};
const HEADER = 'SiteID,Main_Damage_Site_Class,SensorDate,Pcode';

describe('importing UNOSAT damage assessment exports', () => {
  it('maps UNOSAT damage classes, places each assessment in its facility’s area, and records the import as provenance', async () => {
    const file = path.join(SAMPLES, 'damage-assessments.csv');
    const report = await importFile(subgraph.db, damageAssessments, file, options);
    expect(report).toMatchObject({ format: 'csv', rowsRead: 5, created: 5, updated: 0, unchanged: 0, rejected: 0, committed: true, problems: [] });

    const classes = await subgraph.db.query<{ facility_id: string; damage_class: string; area_pcode: string }>(
      `SELECT facility_id, damage_class, area_pcode FROM damage_assessment WHERE recorded_via = 'IMPORT:damage-assessments:damage-assessments.csv' ORDER BY facility_id`,
    );
    expect(classes).toEqual([
      { facility_id: 'FAC-DESALINATION-PLANT-001', damage_class: 'NONE', area_pcode: 'PS026504' },
      { facility_id: 'FAC-HOSPITAL-001', damage_class: 'SEVERE', area_pcode: 'PS026502' },
      // The file says the governorate (PS0260); the facility lies in Gaza City (PS026001), which is kept.
      { facility_id: 'FAC-HOSPITAL-020', damage_class: 'DESTROYED', area_pcode: 'PS026001' },
      { facility_id: 'FAC-SCHOOL-002', damage_class: 'MODERATE', area_pcode: 'PS025502' },
      { facility_id: 'FAC-WATER-WELL-001', damage_class: 'POSSIBLE', area_pcode: 'PS027003' },
    ]);
    expect(await assessment('FAC-HOSPITAL-001', '2025-10-11')).toMatchObject({
      method: 'UNOSAT_SATELLITE',
      source: 'SYNTHETIC',
      latitude: 31.4312,
      longitude: 34.3805,
      originator: 'UNOSAT',
      version: 1,
      recorded_by: 'import:test',
    });

    const { data } = await subgraph.execute(
      `{ facility(id: "FAC-HOSPITAL-001") { damageAssessments(first: 1) { damageClass imageryDate provenance { recordedVia } history { operation via } } } }`,
    );
    expect(data.facility.damageAssessments[0]).toEqual({
      damageClass: 'SEVERE',
      imageryDate: '2025-10-11',
      provenance: { recordedVia: 'IMPORT:damage-assessments:damage-assessments.csv' },
      history: [{ operation: 'CREATE', via: 'IMPORT:damage-assessments:damage-assessments.csv' }],
    });
  });

  it('re-imports a file without duplicating, and updates by facility + imagery date + method from an overlapping one', async () => {
    const file = path.join(SAMPLES, 'damage-assessments.csv');
    const before = await count('damage_assessment');
    expect(await importFile(subgraph.db, damageAssessments, file, options)).toMatchObject({ created: 0, updated: 0, unchanged: 5 });

    // An overlapping export: one structure reclassified, one newly assessed, the rest as before.
    const overlapping = fs
      .readFileSync(file, 'utf8')
      .replace('FAC-SCHOOL-002,Moderate Damage', 'FAC-SCHOOL-002,Severe Damage')
      .replace(/\nFAC-DESALINATION-PLANT-001.*\n?$/, '\nFAC-HOSPITAL-021,Destroyed,2025-10-11,,,,SYNTHETIC,UNCLASSIFIED,GREEN,CMCC,UNOSAT\n');
    const report = await importFile(subgraph.db, damageAssessments, write('overlap.csv', overlapping), options);
    expect(report).toMatchObject({ committed: true, created: 1, updated: 1, unchanged: 3 });
    expect(await count('damage_assessment')).toBe(before + 1);

    const school = await assessment('FAC-SCHOOL-002', '2025-10-11');
    expect(school).toMatchObject({ damage_class: 'SEVERE', version: 2, updated_by: 'import:test' });
    const history = await subgraph.db.query<Row>(`SELECT version, operation, via, previous, changes FROM record_change WHERE entity_id = $1 ORDER BY version`, [school.id]);
    expect(history).toEqual([
      expect.objectContaining({ version: 1, operation: 'CREATE', via: 'IMPORT:damage-assessments:damage-assessments.csv' }),
      expect.objectContaining({
        version: 2,
        operation: 'UPDATE',
        via: 'IMPORT:damage-assessments:overlap.csv',
        previous: { damage_class: 'MODERATE' },
        changes: { damage_class: 'SEVERE' },
      }),
    ]);
  });

  it('updates an assessment first recorded by the seed or a mutation when an export has the same facility, date and method', async () => {
    const [seeded] = await subgraph.db.query<Row>(
      `SELECT id, facility_id, imagery_date::text AS imagery_date, damage_class FROM damage_assessment WHERE recorded_by = 'seed' AND method = 'UNOSAT_SATELLITE' AND damage_class <> 'DESTROYED' ORDER BY id LIMIT 1`,
    );
    const file = write('seeded.csv', `${HEADER}\n${seeded.facility_id},Destroyed,${seeded.imagery_date},`);
    expect(await importFile(subgraph.db, damageAssessments, file, options)).toMatchObject({ created: 0, updated: 1 });
    const [row] = await subgraph.db.query<Row>('SELECT damage_class, version, recorded_by FROM damage_assessment WHERE id = $1', [seeded.id]);
    expect(row).toEqual({ damage_class: 'DESTROYED', version: 2, recorded_by: 'seed' });
  });

  it('finds the HXL hashtag row under a title row and keeps the tags on each record', async () => {
    const report = await importFile(subgraph.db, damageAssessments, path.join(SAMPLES, 'damage-assessments.hxl.csv'), options);
    expect(report).toMatchObject({ format: 'hxl', rowsRead: 3, created: 3, committed: true, problems: [] });
    expect(report.hxlTags).toMatchObject({ facility_id: '#loc+facility+code', damage_class: '#impact+damage', method: '#meta+method' });
    const bakery = await assessment('FAC-BAKERY-001', '2025-11-18', 'FIELD');
    expect(bakery).toMatchObject({ damage_class: 'DESTROYED', method: 'FIELD', tlp: 'AMBER', releasable_to: ['UN'], originator: 'CMCC', area_pcode: 'PS027003' });
    expect(bakery.hxl_tags).toMatchObject({ facility_id: '#loc+facility+code', imagery_date: '#date+imagery', area_pcode: '#adm3+code' });
  });

  it('imports JSON exports, keeping the date of an ISO date-time', async () => {
    const report = await importFile(subgraph.db, damageAssessments, path.join(SAMPLES, 'damage-assessments.json'), options);
    expect(report).toMatchObject({ format: 'json', rowsRead: 2, created: 2, committed: true });
    expect(await assessment('FAC-SCHOOL-001', '2025-11-08')).toMatchObject({ damage_class: 'MODERATE', area_pcode: 'PS0270', latitude: 31.3402 });
  });
});

describe('bad damage assessment files', () => {
  it('reports each bad row with its row, column, value and problem, and imports nothing by default', async () => {
    const before = { assessments: await count('damage_assessment'), history: await count('record_change') };
    const file = write(
      'bad.csv',
      [
        `${HEADER},Latitude,Longitude`,
        'FAC-HOSPITAL-005,Destroyed,2025-10-20,PS0270,,',
        'FAC-NO-SUCH-SITE,Destroyed,2025-10-20,,,',
        'FAC-HOSPITAL-006,Severe Damage,2025-10-20,PS0299,,',
        'FAC-HOSPITAL-007,Severe Damage,20/10/2025,,,',
        'FAC-HOSPITAL-005,Severe Damage,2025-10-20,,,',
        'FAC-HOSPITAL-008,Flattened,2099-01-01,,,',
        // Sderot, in Israel: inside the Strip's bounding box, outside its governorates.
        'FAC-HOSPITAL-009,Moderate Damage,2025-10-20,,31.525,34.595',
        'FAC-HOSPITAL-001,Moderate Damage,2025-10-20,PS0275,,',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, damageAssessments, file, options);
    expect(report.committed).toBe(false);
    // In row order, though the unknown facility is found only once the batch is checked against the database.
    expect(report.problems).toEqual([
      { row: 3, column: 'SiteID', value: 'FAC-NO-SUCH-SITE', problem: expect.stringContaining('Unknown facility') },
      { row: 4, column: 'Pcode', value: 'PS0299', problem: expect.stringContaining('Unknown P-code') },
      { row: 5, column: 'SensorDate', value: '20/10/2025', problem: expect.stringContaining('YYYY-MM-DD') },
      { row: 6, column: null, value: null, problem: 'Duplicate of row 2: same facility_id + imagery_date + method' },
      {
        row: 7,
        column: 'Main_Damage_Site_Class',
        value: 'Flattened',
        problem: expect.stringContaining('Destroyed, Severe Damage, Moderate Damage, Possible Damage or No Visible Damage'),
      },
      { row: 7, column: 'SensorDate', value: '2099-01-01', problem: 'The date is in the future' },
      { row: 8, column: 'Latitude', value: '31.525, 34.595', problem: expect.stringContaining('lies outside the Gaza Strip') },
      { row: 9, column: 'Pcode', value: 'PS0275', problem: 'Facility FAC-HOSPITAL-001 lies in PS026502, not in PS0275' },
    ]);
    expect(report).toMatchObject({ rowsRead: 8, rejected: 7, created: 0 });
    expect({ assessments: await count('damage_assessment'), history: await count('record_change') }).toEqual(before);
  });

  it('imports the good rows and reports the rest with --skip-invalid', async () => {
    const before = await count('damage_assessment');
    const file = write('mixed.csv', [HEADER, 'FAC-HOSPITAL-010,Destroyed,2025-10-21,', 'FAC-HOSPITAL-011,Wrecked,2025-10-21,', 'FAC-GONE,Destroyed,2025-10-21,'].join('\n'));
    const report = await importFile(subgraph.db, damageAssessments, file, { ...options, skipInvalid: true });
    expect(report).toMatchObject({ committed: true, created: 1, rejected: 2 });
    expect(report.problems).toEqual([
      expect.objectContaining({ row: 3, column: 'Main_Damage_Site_Class', value: 'Wrecked' }),
      expect.objectContaining({ row: 4, column: 'SiteID', value: 'FAC-GONE' }),
    ]);
    expect(await count('damage_assessment')).toBe(before + 1);
    expect(await assessment('FAC-HOSPITAL-010', '2025-10-21')).toMatchObject({ damage_class: 'DESTROYED' });
  });

  it('refuses a file without a facility column, naming the columns it found', async () => {
    await expect(importFile(subgraph.db, damageAssessments, write('nosite.csv', 'Main_Damage_Site_Class,SensorDate\nDestroyed,2025-10-20'), options)).rejects.toThrow(
      /no column for "facility_id".*columns found: Main_Damage_Site_Class, SensorDate/,
    );
  });

  it('leaves nothing behind when the database fails in the middle of a large import', async () => {
    const before = { assessments: await count('damage_assessment'), history: await count('record_change') };
    const ids = (await subgraph.db.query<{ id: string }>('SELECT id FROM facility ORDER BY id LIMIT 100')).map((row) => row.id);
    const rows = Array.from({ length: 300 }, (_, i) => `${ids[i % 100]},Possible Damage,2024-0${1 + Math.floor(i / 100)}-15,`);
    const file = write('large.csv', [HEADER, ...rows].join('\n'));
    let inserts = 0;
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO damage_assessment') && ++inserts === 2) throw new Error('injected failure in the second batch');
    });
    try {
      await expect(importFile(subgraph.db, damageAssessments, file, { ...options, batchSize: 100 })).rejects.toThrow('injected failure');
    } finally {
      stop();
    }
    expect(inserts).toBe(2);
    expect({ assessments: await count('damage_assessment'), history: await count('record_change') }).toEqual(before);
  });
});

describe('importing facility lists', () => {
  it('creates new facilities, updates existing ones by id with history, and checks capacities', async () => {
    const first = await importFile(subgraph.db, facilities, path.join(SAMPLES, 'facilities.csv'), options);
    expect(first).toMatchObject({ rowsRead: 3, created: 3, committed: true });
    const { data } = await subgraph.execute(
      `{ facility(id: "FAC-BAKERY-101") { type status statusSource capacity { value unit } operator { id } area { pcode } provenance { version recordedVia } } }`,
    );
    expect(data.facility).toEqual({
      type: 'BAKERY',
      status: 'OPERATIONAL',
      statusSource: 'SYNTHETIC',
      capacity: { value: 6, unit: 'TONNES_FLOUR_PER_DAY' },
      operator: { id: 'XM-DAC-41140' },
      area: { pcode: 'PS026501' },
      provenance: { version: 1, recordedVia: 'IMPORT:facilities:facilities.csv' },
    });

    // A file gives whole records: the update carries every column of the first file, with a new status.
    const update = write('facilities-update.csv', fs.readFileSync(path.join(SAMPLES, 'facilities.csv'), 'utf8').replace('OPERATIONAL,2025-11-20', 'PARTIAL,2025-11-25'));
    expect(await importFile(subgraph.db, facilities, update, options)).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const history = await subgraph.db.query<Row>(`SELECT version, previous FROM record_change WHERE entity_type = 'Facility' AND entity_id = 'FAC-BAKERY-101' ORDER BY version`);
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    expect(history[1].previous).toEqual({ status: 'OPERATIONAL', status_as_of: '2025-11-20' });

    const header = 'facility_id,name,type,capacity,capacity_unit,status,status_as_of,pcode,source';
    const bad = write(
      'facilities-bad.csv',
      [header, 'FAC-X-1,Well,WATER_WELL,1200,,OPERATIONAL,2025-11-20,PS026501,SYNTHETIC', 'FAC-X-2,Crater,VOLCANO,,,OPERATIONAL,2025-11-20,PS026501,SYNTHETIC'].join('\n'),
    );
    const report = await importFile(subgraph.db, facilities, bad, options);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { row: 2, column: 'capacity_unit', value: '', problem: 'A capacity needs both a value and a unit' },
      { row: 3, column: 'type', value: 'VOLCANO', problem: expect.stringContaining('WATER_WELL') },
    ]);
  });
});

describe('npm run import', () => {
  it('imports an engineering sample into the embedded database and exits 0, then exits 1 for a bad file', async () => {
    const dataDir = path.join(dir, 'cli-data');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'engineering', ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    const ok = await run('damage-assessments', path.join(SAMPLES, 'damage-assessments.csv'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('5 created');
    const bad = await run('damage-assessments', write('cli-bad.csv', `${HEADER}\nFAC-HOSPITAL-001,Destroyed,2025-10-20,PS0299`));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('row 2, Pcode "PS0299": Unknown P-code');
    const unknownKind = await run('rubble', 'x.csv');
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.stdout).toContain('damage-assessments');
  }, 60_000);
});
