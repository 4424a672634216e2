import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '../src/server.ts';
import { activities, crossingReports } from '../src/data/importers.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { ImportFileError, importFile } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-humanitarian-import-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SAMPLES = path.join(PROJECT_ROOT, 'subgraphs', 'humanitarian', 'samples');
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const count = async (table: string, where = 'true') => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n;
// The marking of rows that state none: an import states its marking, per row or for the whole file.
const options = {
  subject: 'import:test',
  marking: { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] },
};

const REPORT_HEADER = 'date,crossing,source,open,trucks_offloaded,trucks_collected,tonnes,fuel_litres';

/** The 3W layout of the sample: a title row, the header, the hashtag row, then the data rows given. */
const sheet3w = (...rows: string[]) =>
  [
    '"Gaza Strip 3W (test sheet)",,,,,,,,,',
    'Organisation,Implementing partner,Cluster,Governorate P-code,Locality P-code,Activity,Status,Start,End,Reached',
    '#org+code,#org+impl+code,#sector+cluster,#adm2+code,#adm3+code,#activity+name,#status,#date+start,#date+end,#reached+ind',
    ...rows,
  ].join('\n');

describe('importing crossing reports', () => {
  it('imports the CSV and JSON samples, and re-imports them without duplicating anything', async () => {
    const csv = await importFile(subgraph.db, crossingReports, path.join(SAMPLES, 'crossing-reports.csv'), options);
    expect(csv).toMatchObject({ format: 'csv', rowsRead: 6, created: 6, updated: 0, rejected: 0, committed: true, problems: [] });
    const json = await importFile(subgraph.db, crossingReports, path.join(SAMPLES, 'crossing-reports.json'), options);
    expect(json).toMatchObject({ format: 'json', rowsRead: 3, created: 3, committed: true });

    // Crossing names as agencies write them ("Karem Abu Salem") are the crossings' ids.
    const [report] = await subgraph.db.query<Record<string, unknown>>(
      `SELECT id, open, tonnes, originator, recorded_by, recorded_via FROM crossing_daily_report WHERE crossing_id = 'KEREM_SHALOM' AND date = '2026-01-06'`,
    );
    expect(report).toEqual({
      id: 'CDR-KEREM_SHALOM-2026-01-06-SYNTHETIC',
      open: true,
      tonnes: 4411.8,
      originator: 'UN2720',
      recorded_by: 'import:test',
      recorded_via: 'IMPORT:crossing-reports:crossing-reports.csv',
    });

    const before = await count('crossing_daily_report');
    const again = await importFile(subgraph.db, crossingReports, path.join(SAMPLES, 'crossing-reports.csv'), options);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 6, committed: true });
    expect(await count('crossing_daily_report')).toBe(before);
  });

  it('updates an overlapping file by crossing + date + source, keeps other sources apart, and records the previous values', async () => {
    const first = write(
      'un2720-week.csv',
      [REPORT_HEADER, '2026-03-01,Kerem Shalom,UN2720,yes,300,200,4500,200000', '2026-03-02,Kerem Shalom,UN2720,yes,280,210,4300,150000'].join('\n'),
    );
    expect(await importFile(subgraph.db, crossingReports, first, options)).toMatchObject({ created: 2 });
    const overlap = write(
      'un2720-overlap.csv',
      [
        REPORT_HEADER,
        '2026-03-02,Kerem Shalom,UN2720,yes,285,210,4300,150000',
        '2026-03-03,Kerem Shalom,UN2720,yes,260,190,3900,120000',
        '2026-03-02,Kerem Shalom,COGAT,yes,420,0,6100,150000',
      ].join('\n'),
    );
    expect(await importFile(subgraph.db, crossingReports, overlap, options)).toMatchObject({ created: 2, updated: 1, unchanged: 0 });
    expect(await count('crossing_daily_report', `crossing_id = 'KEREM_SHALOM' AND date = '2026-03-02'`)).toBe(2);

    const history = await subgraph.db.query<{ version: number; via: string; previous: unknown; changes: unknown }>(
      `SELECT version, via, previous, changes FROM record_change WHERE entity_type = 'CrossingDailyReport' AND entity_id = 'CDR-KEREM_SHALOM-2026-03-02-UN2720' ORDER BY version`,
    );
    expect(history.map((h) => [h.version, h.via])).toEqual([
      [1, 'IMPORT:crossing-reports:un2720-week.csv'],
      [2, 'IMPORT:crossing-reports:un2720-overlap.csv'],
    ]);
    expect(history[1]).toMatchObject({ previous: { trucks_offloaded: 280 }, changes: { trucks_offloaded: 285 } });

    // A correction recorded by an editor afterwards needs the version the import left.
    const { data } = await subgraph.execute(
      `{ crossing(id: "KEREM_SHALOM") { dailyReports(since: "2026-03-02T00:00:00Z", until: "2026-03-03T00:00:00Z") { source provenance { version recordedVia updatedBy } } } }`,
    );
    expect(data.crossing.dailyReports).toEqual(
      expect.arrayContaining([{ source: 'UN2720', provenance: { version: 2, recordedVia: 'IMPORT:crossing-reports:un2720-week.csv', updatedBy: 'import:test' } }]),
    );
  });

  it('reports each bad row with its row, column, value and problem, including duplicate rows, and imports nothing by default', async () => {
    const before = await count('crossing_daily_report');
    const file = write(
      'bad-reports.csv',
      [
        REPORT_HEADER,
        '2026-04-01,Kerem Shalom,UN2720,yes,300,200,4500,0',
        '2026-04-01,Ashdod,UN2720,yes,300,200,4500,0',
        '01/04/2026,Zikim,UN2720,yes,50,40,700,0',
        '2026-04-01,KEREM_SHALOM,UN2720,yes,301,200,4500,0',
        '2026-04-01,Erez,UN2720,closed,12,0,0,0',
        '2026-04-01,Kissufim,Hamas,yes,-5,0,0,0',
        '2099-04-01,Kissufim,UN2720,yes,5,0,0,0',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, crossingReports, file, options);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { row: 3, column: 'crossing', value: 'Ashdod', problem: expect.stringContaining('Unknown crossing; must be one of KEREM_SHALOM') },
      { row: 4, column: 'date', value: '01/04/2026', problem: expect.stringContaining('YYYY-MM-DD') },
      { row: 5, column: null, value: null, problem: 'Duplicate of row 2: same crossing_id + date + source' },
      { row: 6, column: 'trucks_offloaded', value: '12', problem: 'The crossing is reported closed that day, so this must be 0' },
      { row: 7, column: 'source', value: 'Hamas', problem: expect.stringContaining('UN2720') },
      { row: 7, column: 'trucks_offloaded', value: '-5', problem: expect.stringContaining('whole number') },
      { row: 8, column: 'date', value: '2099-04-01', problem: expect.stringContaining('in the future') },
    ]);
    expect(report).toMatchObject({ created: 0, updated: 0 });
    expect(await count('crossing_daily_report')).toBe(before);
  });

  it('imports the good rows and reports the rest with --skip-invalid', async () => {
    const before = await count('crossing_daily_report');
    const file = write('mixed-reports.csv', [REPORT_HEADER, '2026-04-10,Zikim,UN2720,yes,50,40,700,0', '2026-04-10,Kissufim,UN2720,yes,lots,40,700,0'].join('\n'));
    const report = await importFile(subgraph.db, crossingReports, file, { ...options, skipInvalid: true });
    expect(report).toMatchObject({ committed: true, created: 1, rejected: 1 });
    expect(report.problems).toEqual([{ row: 3, column: 'trucks_offloaded', value: 'lots', problem: expect.stringContaining('whole number') }]);
    expect(await count('crossing_daily_report')).toBe(before + 1);
  });

  it('refuses a file missing a required column, naming it', async () => {
    const file = write('no-collected.csv', 'date,crossing,source,trucks_offloaded,tonnes\n2026-04-11,Zikim,UN2720,50,700');
    await expect(importFile(subgraph.db, crossingReports, file, options)).rejects.toThrow(/no column for "trucks_collected"/);
  });
});

describe('importing 3W activity sheets (HXL)', () => {
  it('finds the hashtag row under the title and header rows, keeps the tags on each record, and re-imports without duplicating', async () => {
    const file = path.join(SAMPLES, 'activities-3w.hxl.csv');
    const first = await importFile(subgraph.db, activities, file, options);
    expect(first).toMatchObject({ format: 'hxl', rowsRead: 8, created: 8, updated: 0, rejected: 0, committed: true, problems: [] });
    expect(first.hxlTags).toMatchObject({
      organization_id: '#org+code',
      implementing_organization_id: '#org+impl+name',
      sector: '#sector+cluster',
      area_adm3: '#adm3+code',
      reached: '#reached+ind',
    });

    const { data, errors } = await subgraph.execute(`{
      activities(filter: { organizationId: "XM-DAC-41122", sector: WASH }) { edges { node {
        organization { acronym } implementingOrganization { acronym } area { pcode } activity status start end targeted reached source
        marking { tlp originator } hxlTags { field tag } provenance { version recordedBy recordedVia } history { operation via }
      } } }
    }`);
    expect(errors).toBeUndefined();
    const [activity] = data.activities.edges.map((edge: { node: unknown }) => edge.node);
    expect(activity).toMatchObject({
      organization: { acronym: 'UNICEF' },
      implementingOrganization: { acronym: 'UNRWA' },
      area: { pcode: 'PS027004' },
      activity: 'Water trucking',
      status: 'ONGOING',
      start: '2025-12-20',
      end: null,
      targeted: 65000,
      reached: 51200,
      source: 'SYNTHETIC',
      marking: { tlp: 'GREEN', originator: 'XM-DAC-41122' },
      provenance: { version: 1, recordedBy: 'import:test', recordedVia: 'IMPORT:activities:activities-3w.hxl.csv' },
      history: [{ operation: 'CREATE', via: 'IMPORT:activities:activities-3w.hxl.csv' }],
    });
    expect(activity.hxlTags).toEqual(
      expect.arrayContaining([
        { field: 'area_adm3', tag: '#adm3+code' },
        { field: 'reached', tag: '#reached+ind' },
        { field: 'sector', tag: '#sector+cluster' },
      ]),
    );

    // A governorate-level row (no locality) is placed in the governorate.
    expect(await count('activity', `area_pcode = 'PS0265' AND activity = 'Site management by mobile teams'`)).toBe(1);

    const again = await importFile(subgraph.db, activities, file, options);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 8 });
  });

  it('updates an overlapping sheet by organisation + area + activity + start, with the previous values in the history', async () => {
    const first = write(
      '3w-week1.hxl.csv',
      sheet3w('WFP,,Food,PS0260,PS026002,Hot meal kitchens,Ongoing,2026-05-01,,1000', 'WFP,,Food,PS0260,PS026002,Bakery support,Ongoing,2026-05-01,,500'),
    );
    expect(await importFile(subgraph.db, activities, first, options)).toMatchObject({ created: 2 });
    // The same activities from another partner export: the organisation by IATI id instead of acronym, one figure updated.
    const second = write(
      '3w-week2.hxl.csv',
      sheet3w(
        'XM-DAC-41140,,Food Security,PS0260,PS026002,Hot meal kitchens,Ongoing,2026-05-01,,1800',
        'XM-DAC-41140,XI-CMCC-PRCS,Food Security,PS0260,PS026002,Hot meal kitchens,Planned,2026-06-01,,',
      ),
    );
    expect(await importFile(subgraph.db, activities, second, options)).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(await count('activity', `activity = 'Hot meal kitchens' AND area_pcode = 'PS026002' AND start_date = '2026-05-01'`)).toBe(1);
    const [change] = await subgraph.db.query<{ previous: unknown; changes: unknown }>(
      `SELECT previous, changes FROM record_change WHERE entity_type = 'Activity' AND operation = 'UPDATE' AND via = 'IMPORT:activities:3w-week2.hxl.csv'`,
    );
    expect(change).toEqual({ previous: { reached: 1000 }, changes: { reached: 1800 } });

    // A sheet without marking columns, imported without a marking for the file, is refused: there is no default marking,
    // and the stored record keeps its marking (the sample released this one TLP:AMBER to UN) and its figures.
    const noMarking = write('3w-no-marking.hxl.csv', sheet3w('WHO,PRCS,Health,PS0260,PS026001,Medical supplies replenishment,Ongoing,2026-02-01,2026-04-30,3100'));
    const refused = await importFile(subgraph.db, activities, noMarking, { subject: 'import:test' });
    expect(refused).toMatchObject({ committed: false, rejected: 1, updated: 0 });
    expect(refused.problems).toEqual([expect.objectContaining({ row: 4, problem: expect.stringContaining('marking') })]);
    const [who] = await subgraph.db.query<{ reached: number }>(
      `SELECT reached, tlp, releasable_to FROM activity WHERE organization_id = 'XM-DAC-928' AND start_date = '2026-02-01'`,
    );
    expect(who).toMatchObject({ tlp: 'AMBER', releasable_to: ['UN'] });
    expect(who.reached).not.toBe(3100);
  });

  it('reports unknown P-codes, organisations and sectors, bad dates, areas that do not nest and duplicate rows, and imports nothing', async () => {
    const before = await count('activity');
    const file = write(
      '3w-bad.hxl.csv',
      sheet3w(
        'WFP,,Food,PS0260,PS026001,Good row,Ongoing,2026-05-10,,10',
        'WFP,,Food,PS0299,,Unknown governorate,Ongoing,2026-05-10,,10',
        'Save the Children,,Food,PS0260,,Unknown organisation,Ongoing,2026-05-10,,10',
        'XM-DAC-99999,,Food,PS0260,,Unregistered organisation,Ongoing,2026-05-10,,10',
        'WFP,,Astrology,PS0260,,Unknown sector,Ongoing,2026-05-10,,10',
        'WFP,,Food,PS0260,,Bad date,Ongoing,10/05/2026,,10',
        'WFP,,Food,PS0255,PS027001,Locality elsewhere,Ongoing,2026-05-10,,10',
        'WFP,,Food,PS0260,,Ends first,Ongoing,2026-05-10,2026-05-01,10',
        'WFP,,Food,,,No area,Ongoing,2026-05-10,,10',
        'WFP,,Food Security,PS0260,PS026001,Good row,Ongoing,2026-05-10,,10',
      ),
    );
    const report = await importFile(subgraph.db, activities, file, options);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { row: 5, column: '#adm2+code', value: 'PS0299', problem: expect.stringContaining('Unknown P-code') },
      { row: 6, column: '#org+code', value: 'Save the Children', problem: expect.stringContaining('Unknown organisation; give its IATI id') },
      { row: 7, column: '#org+code', value: 'XM-DAC-99999', problem: expect.stringContaining('Unknown organisation id') },
      { row: 8, column: '#sector+cluster', value: 'Astrology', problem: expect.stringContaining('Unknown sector (cluster)') },
      { row: 9, column: '#date+start', value: '10/05/2026', problem: expect.stringContaining('YYYY-MM-DD') },
      { row: 10, column: '#adm3+code', value: 'PS027001', problem: 'This locality is not in the governorate given beside it (PS0255)' },
      { row: 11, column: '#date+end', value: '2026-05-01', problem: 'Ends before it starts (2026-05-10)' },
      { row: 12, column: '#adm3+code', value: '', problem: expect.stringContaining('No area') },
      { row: 13, column: null, value: null, problem: 'Duplicate of row 4: same organization_id + area_pcode + activity + start_date' },
    ]);
    expect(await count('activity')).toBe(before);
  });

  it('imports the good rows and reports the rest with --skip-invalid', async () => {
    const before = await count('activity');
    const file = write(
      '3w-mixed.hxl.csv',
      sheet3w('UNDP,,ER,PS0275,PS027502,Solar power restoration,Active,2026-05-12,,5', 'UNDP,,ER,PS0275,PS027502,Debris removal,Someday,2026-05-12,,5'),
    );
    const report = await importFile(subgraph.db, activities, file, { ...options, skipInvalid: true });
    expect(report).toMatchObject({ committed: true, created: 1, rejected: 1 });
    expect(report.problems).toEqual([{ row: 5, column: '#status', value: 'Someday', problem: expect.stringContaining('Unknown status') }]);
    expect(await count('activity')).toBe(before + 1);
  });

  it('refuses a sheet without its hashtag row, and one whose reporting organisation is only an implementer column', async () => {
    const plain = write('3w-plain.csv', 'Organisation,Cluster,Governorate P-code,Activity,Status,Start\nWFP,Food,PS0260,Hot meals,Ongoing,2026-05-01');
    await expect(importFile(subgraph.db, activities, plain, options)).rejects.toThrow(/No HXL hashtag row .* first 25 rows; activities files must be HXL-tagged/);

    const implementerOnly = write(
      '3w-impl-only.hxl.csv',
      [
        'Implementing partner,Cluster,Governorate P-code,Activity,Status,Start',
        '#org+impl+code,#sector+cluster,#adm2+code,#activity+name,#status,#date+start',
        'PRCS,Health,PS0260,First aid posts,Ongoing,2026-05-01',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, activities, implementerOnly, options);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([{ row: 3, column: '#org+impl+code', value: 'XI-CMCC-PRCS', problem: expect.stringContaining('tag the reporting organisation #org+code') }]);
  });

  it('refuses a sheet that is not UTF-8, naming the encoding problem', async () => {
    const latin1 = Buffer.concat([Buffer.from(sheet3w('WFP,,Food,PS0260,,Caf')), Buffer.from([0xe9]), Buffer.from(',Ongoing,2026-05-01,,1\n')]);
    await expect(importFile(subgraph.db, activities, write('3w-latin1.hxl.csv', latin1), options)).rejects.toThrow(ImportFileError);
    await expect(importFile(subgraph.db, activities, write('3w-latin1b.hxl.csv', latin1), options)).rejects.toThrow(/not valid UTF-8/);
  });

  it('leaves nothing behind when the database fails in the middle of a large import', async () => {
    const before = { activities: await count('activity'), history: await count('record_change') };
    const rows = Array.from({ length: 2500 }, (_, i) => `WFP,,Food,PS0260,PS026001,Food distribution round ${i},Ongoing,2026-07-01,,${i}`);
    const file = write('3w-large.hxl.csv', sheet3w(...rows));
    let inserts = 0;
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO activity') && ++inserts === 2) throw new Error('injected failure in the second batch');
    });
    try {
      await expect(importFile(subgraph.db, activities, file, options)).rejects.toThrow('injected failure');
    } finally {
      stop();
    }
    expect(inserts).toBe(2);
    expect({ activities: await count('activity'), history: await count('record_change') }).toEqual(before);
  });
});

describe('npm run import humanitarian', () => {
  it('imports the samples into the embedded database and exits 0, then exits 1 for a bad file', async () => {
    const dataDir = path.join(dir, 'cli-data');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'humanitarian', ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    const sheet = await run('activities', path.join(SAMPLES, 'activities-3w.hxl.csv'));
    expect(sheet.code).toBe(0);
    expect(sheet.stdout).toContain('activities-3w.hxl.csv (hxl, activities): 8 rows read');
    expect(sheet.stdout).toContain('8 created');
    const bad = await run('crossing-reports', write('cli-bad.csv', `${REPORT_HEADER}\n2026-01-01,Ashdod,UN2720,yes,1,1,1,0`));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('row 2, crossing "Ashdod": Unknown crossing');
    const unknownKind = await run('rainfall', 'x.csv');
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.stdout).toContain('crossing-reports');
    // Each run is a new process that opens (and the first time migrates and seeds) the embedded database.
  }, 180_000);
});
