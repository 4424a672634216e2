import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFile, openDatabase, prepareDatabase, type Database } from '@cmcc/subgraph-kit';
import { civilAdministration } from '@cmcc/subgraph-civil-administration/server';
import { populationMovements } from '@cmcc/subgraph-civil-administration/data/importers';

/** Writes a synthetic flow-monitoring CSV of `rows` distinct rows (points × days × two directions). */
function writeCsv(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'monitoring_point,pcode,date,direction,count,source,classification,tlp,releasable_to,originator\n');
  const start = Date.UTC(2020, 0, 1);
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const point = Math.floor(i / 2) % 100;
    const day = Math.floor(i / 200);
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    lines.push(`Bench point ${point},PS026002,${date},${i % 2 ? 'S_TO_N' : 'N_TO_S'},${(i * 7919) % 5000},SYNTHETIC,UNCLASSIFIED,GREEN,CMCC,CMCC`);
    if (lines.length === 10_000) {
      fs.writeSync(out, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) fs.writeSync(out, `${lines.join('\n')}\n`);
  fs.closeSync(out);
}

/** Samples resident memory while `work` runs; returns its result, the seconds it took and the peak RSS. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const started = process.hrtime.bigint();
  try {
    const result = await work();
    return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1_048_576) };
  } finally {
    clearInterval(timer);
  }
}

async function run(label: string, db: Database, file: string, rows: number): Promise<void> {
  // The same reference data on both databases (Postgres alone would start empty).
  await prepareDatabase(civilAdministration as never, db, { seed: 'synthetic' });
  const baseline = Math.round(process.memoryUsage().rss / 1_048_576);
  for (const pass of ['first import', 're-import (unchanged)']) {
    const { result, seconds, peakRssMb } = await measure(() => importFile(db, populationMovements, file, { subject: 'bench' }));
    if (!result.committed) throw new Error(`bench import failed: ${JSON.stringify(result.problems.slice(0, 3))}`);
    console.log(
      `  ${label.padEnd(9)} ${pass.padEnd(22)} ${String(rows).padStart(7)} rows  ${seconds.toFixed(1).padStart(6)} s  ${Math.round(rows / seconds)
        .toString()
        .padStart(7)} rows/s  peak RSS ${peakRssMb} MiB (before: ${baseline} MiB)  created ${result.created}, unchanged ${result.unchanged}`,
    );
  }
}

/** Imports a 100,000-row file (or `rows`) into embedded PGlite and, when `databaseUrl` is given, Postgres. */
export async function benchImport(rows: number, databaseUrl: string | undefined): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-bench-import-'));
  const file = path.join(dir, 'movements.csv');
  writeCsv(file, rows);
  console.log(`Import throughput: ${rows} rows of population-movements (${Math.round(fs.statSync(file).size / 1_048_576)} MiB CSV), streamed in batches of 1000, one transaction`);
  try {
    const pglite = await openDatabase({ schema: 'civil_administration', dataDir: path.join(dir, 'pglite') });
    await run('PGlite', pglite, file, rows).finally(() => pglite.close());
    if (databaseUrl) {
      const schema = `bench_import_${process.pid}`;
      const postgres = await openDatabase({ schema, databaseUrl });
      try {
        await run('Postgres', postgres, file, rows);
      } finally {
        await postgres.exec(`DROP SCHEMA ${schema} CASCADE`);
        await postgres.close();
      }
    } else {
      console.log('  Postgres  skipped: set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to include it');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
