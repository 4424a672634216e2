import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { security } from '../src/server.ts';
import { incidents } from '../src/data/importers.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { importFile, type ImportProblem } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-security-import-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SAMPLES = path.join(PROJECT_ROOT, 'subgraphs', 'security', 'samples');
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const counts = async () => ({ incidents: await count('security_incident'), history: await count('record_change') });
// The marking of rows that state none: an import states its marking, per row or for the whole file.
const options = {
  subject: 'import:test',
  marking: { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] },
};
const byRow = (problems: ImportProblem[]) => [...problems].sort((a, b) => a.row - b.row || String(a.column).localeCompare(String(b.column)));
const incidentBy = async (eventId: string) => (await subgraph.db.query<Record<string, any>>('SELECT * FROM security_incident WHERE source_event_id = $1', [eventId]))[0];

/** A small ACLED-style file: the header of ACLED's export (the columns this kind reads) and one line per event. */
const HEADER = 'event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,admin1,admin2,admin3,location,latitude,longitude,source,notes,fatalities,cmcc_source';
const line = (id: string, overrides: Partial<Record<string, string>> = {}) => {
  const values: Record<string, string> = {
    event_date: '2025-11-15',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Air/drone strike',
    actor1: 'Military Forces of Israel (2022-)',
    actor2: '',
    admin1: 'Gaza Strip',
    admin2: 'Khan Yunis',
    admin3: 'Bani Suhayla',
    location: 'Bani Suhayla',
    latitude: '31.3398',
    longitude: '34.3221',
    source: 'Synthetic wire report',
    notes: 'Illustrative record',
    fatalities: '0',
    cmcc_source: 'SYNTHETIC',
    ...overrides,
  };
  return [
    id,
    ...HEADER.split(',')
      .slice(1)
      .map((column) => values[column]),
  ].join(',');
};

describe('importing ACLED-style incident exports', () => {
  it('imports the ACLED sample, mapping ACLED wording to the enums and admin names to P-codes', async () => {
    const report = await importFile(subgraph.db, incidents, path.join(SAMPLES, 'incidents-acled.csv'), options);
    expect(report).toMatchObject({ format: 'csv', rowsRead: 8, created: 8, updated: 0, unchanged: 0, rejected: 0, committed: true, problems: [] });

    const strike = await incidentBy('PSE-SYN-0001');
    expect(strike).toMatchObject({
      id: 'INC-X-PSE-SYN-0001',
      event_type: 'EXPLOSIONS_REMOTE_VIOLENCE',
      sub_event_type: 'AIR_DRONE_STRIKE',
      area_pcode: 'PS027002', // admin2 Khan Yunis, admin3 Bani Suhayla
      source: 'SYNTHETIC',
      cited_sources: 'Synthetic wire report',
      verification: 'UNVERIFIED',
      fatalities: 0,
      affects_aid: false,
      recorded_by: 'import:test',
      recorded_via: 'IMPORT:incidents:incidents-acled.csv',
      version: 1,
    });
    const looting = await incidentBy('PSE-SYN-0002');
    expect(looting).toMatchObject({ event_type: 'STRATEGIC_DEVELOPMENTS', sub_event_type: 'LOOTING_PROPERTY_DESTRUCTION', area_pcode: 'PS027001', affects_aid: true });
    // "12 November 2025", as ACLED's export tool writes dates.
    expect(await incidentBy('PSE-SYN-0004')).toMatchObject({ event_date: '2025-11-12', area_pcode: 'PS026001' });
    // Al Qarara is not on the CMCC locality list: the incident stays at its governorate.
    expect(await incidentBy('PSE-SYN-0007')).toMatchObject({ area_pcode: 'PS0270', sub_event_type: 'REMOTE_EXPLOSIVE_LANDMINE_IED' });
    expect(await incidentBy('PSE-SYN-0005')).toMatchObject({ area_pcode: 'PS025503', tlp: 'AMBER', releasable_to: ['UN'] });

    const { data } = await subgraph.execute(`{ incident(id: "INC-X-PSE-SYN-0001") {
      sourceEventId citedSources hxlTags { field } provenance { recordedVia } history { operation via }
    } }`);
    expect(data.incident).toEqual({
      sourceEventId: 'PSE-SYN-0001',
      citedSources: 'Synthetic wire report',
      hxlTags: [],
      provenance: { recordedVia: 'IMPORT:incidents:incidents-acled.csv' },
      history: [{ operation: 'CREATE', via: 'IMPORT:incidents:incidents-acled.csv' }],
    });
  });

  it('imports the JSON sample with a pcode column, its markings and convoy links', async () => {
    const report = await importFile(subgraph.db, incidents, path.join(SAMPLES, 'incidents-partner.json'), options);
    expect(report).toMatchObject({ format: 'json', rowsRead: 3, created: 3, committed: true, problems: [] });
    expect(await incidentBy('PRT-SYN-0101')).toMatchObject({
      area_pcode: 'PS027004',
      occurred_at: new Date('2025-11-14T06:40:00Z'),
      injured: 1,
      convoy_id: 'CONVOY-0012',
      affects_aid: true,
      classification: 'RESTRICTED',
      tlp: 'AMBER',
      releasable_to: ['UN', 'GBR', 'USA'],
      originator: 'XM-DAC-41140',
    });
    expect(await incidentBy('PRT-SYN-0102')).toMatchObject({ fatalities: null, injured: null, latitude: 31.3079 });
  });

  it('finds the HXL hashtag row of an HDX export and keeps the tags on each incident', async () => {
    const report = await importFile(subgraph.db, incidents, path.join(SAMPLES, 'incidents-hdx.hxl.csv'), options);
    expect(report).toMatchObject({ format: 'hxl', rowsRead: 2, created: 2, committed: true, problems: [] });
    expect(report.hxlTags).toMatchObject({ event_type: '#event+type', sub_event_type: '#event+type+sub', admin2: '#adm2+name' });
    const riot = await incidentBy('PSE-SYN-0201');
    expect(riot).toMatchObject({ event_type: 'RIOTS', sub_event_type: 'MOB_VIOLENCE', area_pcode: 'PS025502', affects_aid: true });
    expect(riot.hxl_tags).toMatchObject({ source_event_id: '#event+code', latitude: '#geo+lat', cited_sources: '#meta+source' });
    const { data } = await subgraph.execute(`{ incident(id: "${riot.id}") { hxlTags { field hashtag } } }`);
    expect(data.incident.hxlTags).toContainEqual({ field: 'fatalities', hashtag: '#affected+killed' });
  });

  it('changes nothing when each sample is imported again', async () => {
    for (const sample of ['incidents-acled.csv', 'incidents-partner.json', 'incidents-hdx.hxl.csv']) {
      await importFile(subgraph.db, incidents, path.join(SAMPLES, sample), options);
      const before = await counts();
      const report = await importFile(subgraph.db, incidents, path.join(SAMPLES, sample), options);
      expect(report, sample).toMatchObject({ created: 0, updated: 0, unchanged: report.rowsRead, committed: true });
      expect(await counts()).toEqual(before);
    }
  });

  it('re-imports by event id without duplicating, and updates from an overlapping export with history', async () => {
    const file = write('first.csv', [HEADER, line('PSE-OVL-1'), line('PSE-OVL-2', { fatalities: '1' })].join('\n'));
    expect(await importFile(subgraph.db, incidents, file, options)).toMatchObject({ created: 2, committed: true });
    const before = await counts();
    expect(await importFile(subgraph.db, incidents, file, options)).toMatchObject({ created: 0, updated: 0, unchanged: 2, committed: true });
    expect(await counts()).toEqual(before);

    // ACLED revised one event (fatalities 1 → 3) and added another.
    const overlapping = write('overlap.csv', [HEADER, line('PSE-OVL-2', { fatalities: '3' }), line('PSE-OVL-3')].join('\n'));
    expect(await importFile(subgraph.db, incidents, overlapping, options)).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    const revised = await incidentBy('PSE-OVL-2');
    expect(revised).toMatchObject({ fatalities: 3, version: 2, updated_by: 'import:test' });
    const history = await subgraph.db.query<{ version: number; previous: unknown; changes: unknown; via: string }>(
      'SELECT version, previous, changes, via FROM record_change WHERE entity_id = $1 ORDER BY version',
      [revised.id],
    );
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    expect(history[1]).toEqual({ version: 2, previous: { fatalities: 1 }, changes: { fatalities: 3 }, via: 'IMPORT:incidents:overlap.csv' });
    expect(await count("security_incident WHERE source_event_id LIKE 'PSE-OVL-%'")).toBe(3);
  });

  it("never overwrites the working group's verification of an imported incident", async () => {
    const file = write('verified.csv', [HEADER, line('PSE-VER-1')].join('\n'));
    await importFile(subgraph.db, incidents, file, options);
    const imported = await incidentBy('PSE-VER-1');
    const { data } = await subgraph.execute(
      `mutation { updateIncidentVerification(input: { id: "${imported.id}", version: 1, verification: CONFIRMED, note: "ISR imagery" }) { userErrors { code } } }`,
    );
    expect(data.updateIncidentVerification.userErrors).toEqual([]);
    await importFile(subgraph.db, incidents, write('verified-again.csv', [HEADER, line('PSE-VER-1', { fatalities: '2' })].join('\n')), options);
    expect(await incidentBy('PSE-VER-1')).toMatchObject({ verification: 'CONFIRMED', verification_note: 'ISR imagery', fatalities: 2, version: 3 });
  });
});

describe('bad incident exports', () => {
  it('reports each bad row with its row, column, value and problem, and imports nothing by default', async () => {
    const before = await counts();
    const file = write(
      'bad.csv',
      [
        HEADER,
        line('PSE-BAD-1'),
        line('PSE-BAD-2', { admin2: 'Gaza Norte' }),
        line('PSE-BAD-3', { event_date: '15/11/2025' }),
        line('PSE-BAD-4', { event_type: 'Air strikes' }),
        line('PSE-BAD-1', { fatalities: '4' }),
        line('PSE-BAD-5', { event_type: 'Protests', sub_event_type: 'Armed clash' }),
        line('PSE-BAD-6', { latitude: '31.525', longitude: '34.596' }),
        line('PSE-BAD-7', { admin1: 'West Bank', admin2: 'Hebron', admin3: '', latitude: '31.53', longitude: '35.09' }),
        line('PSE-BAD-8', { event_date: '2999-01-01', fatalities: 'several' }),
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, incidents, file, options);
    expect(report).toMatchObject({ committed: false, created: 0, updated: 0, rowsRead: 9, rejected: 8 });
    expect(byRow(report.problems)).toEqual([
      {
        row: 3,
        column: 'admin2',
        value: 'Gaza Norte',
        problem: 'Unknown governorate; must be one of North Gaza, Gaza, Deir Al-Balah, Khan Younis, Rafah (or give a pcode column)',
      },
      { row: 4, column: 'event_date', value: '15/11/2025', problem: 'Must be a date written YYYY-MM-DD (e.g. 2025-10-31) or as ACLED writes it (31 October 2025)' },
      {
        row: 5,
        column: 'event_type',
        value: 'Air strikes',
        problem: expect.stringContaining("Unknown event type; ACLED's event types are Battles, Explosions/Remote violence, Violence against civilians"),
      },
      { row: 6, column: null, value: null, problem: 'Duplicate of row 2: same source_event_id' },
      { row: 7, column: 'sub_event_type', value: 'ARMED_CLASH', problem: expect.stringContaining('ARMED_CLASH is a sub-event type of BATTLES, not of PROTESTS') },
      { row: 8, column: 'latitude', value: '31.525, 34.596', problem: expect.stringContaining('lies outside the Gaza Strip') },
      { row: 9, column: 'admin1', value: 'West Bank', problem: 'Outside the Gaza Strip; only incidents in the Gaza Strip are recorded here' },
      { row: 9, column: 'admin2', value: 'Hebron', problem: expect.stringContaining('Unknown governorate') },
      { row: 10, column: 'event_date', value: '2999-01-01', problem: 'Is in the future; an incident is recorded once it has happened' },
      { row: 10, column: 'fatalities', value: 'several', problem: 'Must be a whole number from 0 to 100000' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('names an unknown P-code in a pcode column', async () => {
    const file = write(
      'pcodes.json',
      JSON.stringify([
        { event_id: 'PRT-PC-1', event_date: '2025-11-01', event_type: 'Riots', actor1: 'Rioters (Palestine)', pcode: 'PS0299', location: 'Somewhere' },
        { event_id: 'PRT-PC-2', event_date: '2025-11-01', event_type: 'Riots', actor1: 'Rioters (Palestine)', pcode: 'PS', location: 'Palestine' },
        { event_id: 'PRT-PC-3', event_date: '2025-11-01', event_type: 'Riots', actor1: 'Rioters (Palestine)', pcode: 'Gaza', location: 'Gaza' },
      ]),
    );
    const report = await importFile(subgraph.db, incidents, file, options);
    expect(report.committed).toBe(false);
    expect(byRow(report.problems)).toEqual([
      { row: 1, column: 'pcode', value: 'PS0299', problem: 'Unknown P-code; must be a P-code of the CMCC area list (e.g. PS0255 or PS025501)' },
      { row: 2, column: 'pcode', value: 'PS', problem: 'Unknown P-code; must be a P-code of the CMCC area list (e.g. PS0255 or PS025501)' },
      { row: 3, column: 'pcode', value: 'Gaza', problem: 'Must be a P-code of the CMCC area list (e.g. PS0255 or PS025501)' },
    ]);
  });

  it('imports the good rows and reports the rest with --skip-invalid', async () => {
    const before = await counts();
    const file = write(
      'mixed.csv',
      [HEADER, line('PSE-MIX-1'), line('PSE-MIX-2', { event_type: 'Skirmish' }), line('PSE-MIX-1'), line('PSE-MIX-3', { admin1: 'West Bank' })].join('\n'),
    );
    const report = await importFile(subgraph.db, incidents, file, { ...options, skipInvalid: true });
    expect(report).toMatchObject({ committed: true, created: 1, rejected: 3, problemCount: 3 });
    expect(byRow(report.problems).map((p) => [p.row, p.column])).toEqual([
      [3, 'event_type'],
      [4, null],
      [5, 'admin1'],
    ]);
    expect(await counts()).toEqual({ incidents: before.incidents + 1, history: before.history + 1 });
  });

  it('refuses a file without an event id column, naming it', async () => {
    const file = write('no-id.csv', ['event_date,event_type,actor1,admin2,location', '2025-11-01,Riots,Rioters (Palestine),Rafah,Rafah'].join('\n'));
    await expect(importFile(subgraph.db, incidents, file, options)).rejects.toThrow(/no column for "event_id_cnty"/);
  });

  it('leaves nothing behind when the database fails in the middle of a large import', async () => {
    const before = await counts();
    const rows = Array.from({ length: 2500 }, (_, i) => line(`PSE-BIG-${i}`, { fatalities: String(i % 7) }));
    const file = write('large.csv', [HEADER, ...rows].join('\n'));
    let inserts = 0;
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO security_incident') && ++inserts === 2) throw new Error('injected failure in the second batch');
    });
    try {
      await expect(importFile(subgraph.db, incidents, file, options)).rejects.toThrow('injected failure');
    } finally {
      stop();
    }
    expect(inserts).toBe(2);
    expect(await counts()).toEqual(before);
    expect(await count("security_incident WHERE source_event_id LIKE 'PSE-BIG-%'")).toBe(0);
  });
});

describe('npm run import -- security incidents', () => {
  it('imports the samples into the embedded database, and exits 1 for a bad file', async () => {
    const dataDir = path.join(dir, 'cli-data');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'security', ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    const ok = await run('incidents', path.join(SAMPLES, 'incidents-acled.csv'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Imported: 8 created, 0 updated, 0 unchanged, 0 rejected.');
    // A file without marking columns: refused row by row (no default marking), unless the import gives the file's marking.
    const unmarkedFile = write('cli-unmarked.csv', [HEADER, line('PSE-CLI-2')].join('\n'));
    const unmarked = await run('incidents', unmarkedFile);
    expect(unmarked.code).toBe(1);
    expect(unmarked.stdout).toContain('states no marking');
    const marking = { classification: 'RESTRICTED', tlp: 'TLP:AMBER', releasableTo: ['CMCC'], originator: 'CMCC' };
    const marked = await run('incidents', unmarkedFile, '--marking', JSON.stringify(marking));
    expect(marked.stdout).toContain('Imported: 1 created');
    expect(marked.code).toBe(0);
    const bad = await run('incidents', write('cli-bad.csv', [HEADER, line('PSE-CLI-1', { event_type: 'Skirmish' })].join('\n')));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('row 2, event_type "Skirmish": Unknown event type');
    expect(bad.stdout).toContain('Nothing imported');
  }, 120_000);
});
