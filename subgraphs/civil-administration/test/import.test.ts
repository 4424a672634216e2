import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAdministration } from '../src/server.ts';
import { displacementSites, populationMovements } from '../src/data/importers.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { ImportFileError, importFile } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(civilAdministration);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-import-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SAMPLES = path.join(PROJECT_ROOT, 'subgraphs', 'civil-administration', 'samples');
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
// The marking of rows that state none: an import states its marking, per row or for the whole file.
const options = {
  subject: 'import:test',
  marking: { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] },
};
const HEADER = 'monitoring_point,pcode,date,direction,count';

describe('importing HXL-tagged displacement site lists', () => {
  it('finds the hashtag row, keeps the tags on each record, and re-imports by natural key without duplicating', async () => {
    const file = path.join(SAMPLES, 'displacement-sites.hxl.csv');
    const first = await importFile(subgraph.db, displacementSites, file, options);
    expect(first).toMatchObject({ format: 'hxl', rowsRead: 3, created: 3, updated: 0, committed: true, problems: [] });
    const [site] = await subgraph.db.query<{ hxl_tags: Record<string, string>; recorded_via: string; recorded_by: string }>(
      `SELECT hxl_tags, recorded_via, recorded_by FROM displacement_site WHERE id = 'SITE-IOM-0001'`,
    );
    expect(site.hxl_tags).toMatchObject({ area_pcode: '#adm3+code', individuals: '#population+ind' });
    expect(site).toMatchObject({ recorded_via: 'IMPORT:displacement-sites:displacement-sites.hxl.csv', recorded_by: 'import:test' });

    const again = await importFile(subgraph.db, displacementSites, file, options);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });

    // An overlapping file: one site changed, one new.
    const overlapping = fs
      .readFileSync(file, 'utf8')
      .replace('1450,8120', '1500,8400')
      .replace(/\nSITE-IOM-0003.*\n?$/, '\nSITE-IOM-0004,Rafah west,MAKESHIFT_SITE,PS027502,90,480,,,,,2025-11-21,UNCLASSIFIED,GREEN,CMCC,CMCC\n');
    const third = await importFile(subgraph.db, displacementSites, write('overlap.hxl.csv', overlapping), options);
    expect(third).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const history = await subgraph.db.query<{ version: number; previous: Record<string, unknown> }>(
      `SELECT version, previous FROM record_change WHERE entity_id = 'SITE-IOM-0001' ORDER BY version`,
    );
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    expect(history[1].previous).toEqual({ households: 1450, individuals: 8120 });
  });
});

describe('bad import files', () => {
  it('reports each bad row with its row, column, value and problem, and imports nothing by default', async () => {
    const before = await count('population_movement');
    const file = write(
      'bad.csv',
      [
        HEADER,
        'Point A,PS026002,2026-02-01,S_TO_N,100',
        'Point A,PS0299,2026-02-01,N_TO_S,100',
        'Point A,PS026002,01/02/2026,S_TO_N,100',
        'Point A,PS026002,2026-02-01,S_TO_N,100',
        'Point B,PS026002,2026-02-01,SIDEWAYS,-4',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, populationMovements, file, options);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { row: 3, column: 'pcode', value: 'PS0299', problem: expect.stringContaining('Unknown P-code') },
      { row: 4, column: 'date', value: '01/02/2026', problem: expect.stringContaining('YYYY-MM-DD') },
      { row: 5, column: null, value: null, problem: 'Duplicate of row 2: same monitoring_point + date + direction' },
      { row: 6, column: 'direction', value: 'SIDEWAYS', problem: expect.stringContaining('S_TO_N') },
      { row: 6, column: 'count', value: '-4', problem: expect.stringContaining('whole number') },
    ]);
    expect(await count('population_movement')).toBe(before);
  });

  it('imports the good rows and reports the rest with --skip-invalid', async () => {
    const before = await count('population_movement');
    const file = write('mixed.csv', [HEADER, 'Point C,PS026002,2026-02-02,S_TO_N,10', 'Point C,PS026002,2026-02-02,N_TO_S,ten'].join('\n'));
    const report = await importFile(subgraph.db, populationMovements, file, { ...options, skipInvalid: true });
    expect(report).toMatchObject({ committed: true, created: 1, rejected: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ row: 3, column: 'count', value: 'ten' })]);
    expect(await count('population_movement')).toBe(before + 1);
  });

  it('refuses a file that is not UTF-8, naming the encoding problem', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\nDeir al-Bala`), Buffer.from([0xe9]), Buffer.from(',PS026504,2026-02-03,S_TO_N,5\n')]);
    await expect(importFile(subgraph.db, populationMovements, write('latin1.csv', latin1), options)).rejects.toThrow(/not valid UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]);
    await expect(importFile(subgraph.db, populationMovements, write('utf16.csv', utf16), options)).rejects.toThrow(/UTF-16/);
  });

  it('refuses a file missing a required column, and an HXL-only kind without its hashtag row', async () => {
    await expect(importFile(subgraph.db, populationMovements, write('nocount.csv', 'monitoring_point,pcode,date,direction\nA,PS02,2026-01-01,S_TO_N'), options)).rejects.toThrow(
      ImportFileError,
    );
    const hxlOnly = { ...populationMovements, hxl: 'required' as const };
    await expect(importFile(subgraph.db, hxlOnly, write('plain.csv', `${HEADER}\nA,PS02,2026-01-01,S_TO_N,1`), options)).rejects.toThrow(/No HXL hashtag row .* first 25 rows/);
  });

  it('leaves nothing behind when the database fails in the middle of a large import', async () => {
    const before = { moves: await count('population_movement'), history: await count('record_change') };
    const rows = Array.from({ length: 2500 }, (_, i) => `Point Z,PS026002,2027-01-01,${i % 2 ? 'S_TO_N' : 'N_TO_S'},${i}`.replace('Point Z', `Point Z${Math.floor(i / 2)}`));
    const file = write('large.csv', [HEADER, ...rows].join('\n'));
    let inserts = 0;
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO population_movement') && ++inserts === 2) throw new Error('injected failure in the second batch');
    });
    try {
      await expect(importFile(subgraph.db, populationMovements, file, options)).rejects.toThrow('injected failure');
    } finally {
      stop();
    }
    expect(inserts).toBe(2);
    expect({ moves: await count('population_movement'), history: await count('record_change') }).toEqual(before);
  });

  it('refuses each row of a file that states no marking when the import gives none either: there is no default marking', async () => {
    const marked = write('marked.csv', `${HEADER},classification,tlp,releasable_to,originator\nPoint K,PS026002,2026-04-01,S_TO_N,10,CONFIDENTIAL,AMBER,FVEY,USA`);
    expect(await importFile(subgraph.db, populationMovements, marked, options)).toMatchObject({ created: 1 });
    const plain = write('plain-update.csv', `${HEADER}\nPoint K,PS026002,2026-04-01,S_TO_N,12\nPoint L,PS026002,2026-04-01,S_TO_N,5`);
    const report = await importFile(subgraph.db, populationMovements, plain, { subject: 'import:test' });
    expect(report).toMatchObject({ committed: false, created: 0, updated: 0, rejected: 2 });
    expect(report.problems).toEqual([2, 3].map((row) => expect.objectContaining({ row, column: null, problem: expect.stringMatching(/states no marking.*no default marking/) })));
    const [row] = await subgraph.db.query<{ count: number; classification: string; tlp: string; releasable_to: string[] }>(
      `SELECT count, classification, tlp, releasable_to FROM population_movement WHERE monitoring_point = 'Point K'`,
    );
    expect(row).toEqual({ count: 10, classification: 'CONFIDENTIAL', tlp: 'AMBER', releasable_to: ['FVEY'] });
  });

  it('accepts the canonical TLP labels as well as the enum names, and refuses an unknown TLP', async () => {
    const file = write(
      'labels.csv',
      [
        `${HEADER},classification,tlp,releasable_to,originator,recipients`,
        'Point M,PS026002,2026-04-02,S_TO_N,1,UNCLASSIFIED,TLP:CLEAR,CMCC,CMCC,',
        'Point M,PS026002,2026-04-03,S_TO_N,1,UNCLASSIFIED,TLP:AMBER+STRICT,CMCC,CMCC,',
        'Point M,PS026002,2026-04-04,S_TO_N,1,UNCLASSIFIED,tlp:red,CMCC,CMCC,XI-CMCC-PRCS',
        'Point M,PS026002,2026-04-05,S_TO_N,1,UNCLASSIFIED,AMBER_STRICT,CMCC,CMCC,',
        'Point M,PS026002,2026-04-06,S_TO_N,1,UNCLASSIFIED,TLP:WHITE,CMCC,CMCC,',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, populationMovements, file, { ...options, skipInvalid: true });
    expect(report.problems).toEqual([expect.objectContaining({ row: 6, value: 'TLP:WHITE' })]);
    const rows = await subgraph.db.query<{ date: string; tlp: string }>(`SELECT date, tlp FROM population_movement WHERE monitoring_point = 'Point M' ORDER BY date`);
    expect(rows).toEqual([
      { date: '2026-04-02', tlp: 'CLEAR' },
      { date: '2026-04-03', tlp: 'AMBER_STRICT' },
      { date: '2026-04-04', tlp: 'RED' },
      { date: '2026-04-05', tlp: 'AMBER_STRICT' },
    ]);
  });

  it('imports JSON files with the same fields', async () => {
    const file = write('moves.json', JSON.stringify([{ monitoring_point: 'Point J', pcode: 'PS026501', date: '2026-03-01', direction: 'N_TO_S', count: 77 }]));
    expect(await importFile(subgraph.db, populationMovements, file, options)).toMatchObject({ format: 'json', created: 1, committed: true });
  });
});

describe('npm run import', () => {
  it('imports a sample into the embedded database and exits 0, then exits 1 for a bad file', async () => {
    const dataDir = path.join(dir, 'cli-data');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'civil-administration', ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    const ok = await run('population-movements', path.join(SAMPLES, 'population-movements.csv'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('3 created');
    const bad = await run('population-movements', write('cli-bad.csv', `${HEADER}\nA,PS0299,2026-01-01,S_TO_N,1`));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('row 2, pcode "PS0299": Unknown P-code');
    const unknownKind = await run('rainfall', 'x.csv');
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.stdout).toContain('displacement-sites');
  });
});
