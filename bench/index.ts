// `npm run bench [-- import shaping gateways]`: prints the performance figures of the platform; by default every part, or the
// parts named. Bounded in size and time; loopback only.
//   BENCH_IMPORT_ROWS       rows in the import benchmark (default 100000)
//   BENCH_DATABASE_URL      also benchmark the import against this Postgres
//   BENCH_SHAPING_CALLS     result-shaping calls per round and implementation (default 200)
//   BENCH_ABUSE_REQUESTS    fragment bombs sent to measure their refusal (default 20)
//   BENCH_DURATION          seconds measured per gateway and operation (default 10)
//   BENCH_WARMUP            seconds of warm-up before each measurement (default 3)
//   BENCH_CONNECTIONS       concurrent connections (default 16)
//   BENCH_SERIAL_REQUESTS   requests sent one at a time per gateway and operation, for the latency, the subgraphs'
//                           critical path and the gateway overhead (default 30; 0: skip)
//   BENCH_ROUNDS            interleaved rounds (default 1); the report gives medians
//   BENCH_GATEWAYS          which gateways (default cmcc,apollo,hive,hive-rust)
//   BENCH_OPERATIONS        saved operations to drive (default SituationByGovernorate,OperationsFloorDashboard)
//   BENCH_CPU_PROFILE       write CPU profiles of this gateway (node --cpu-prof) into this folder
//   BENCH_WRITE_DOCS        write the gateway results into docs/benchmarks.md (default true)
import { parseCli, usageError } from '@cmcc/platform';

const PARTS = ['import', 'shaping', 'abuse', 'gateways'];
const USAGE = `Usage: npm run bench [-- <part> ...]   prints the platform's performance figures
  <part>   ${PARTS.join(', ')} (default: all); settings are environment variables (BENCH_*, see bench/index.ts)`;
const asked = parseCli({ usage: USAGE, allowPositionals: true }).positionals;
const unknown = asked.filter((part) => !PARTS.includes(part));
if (unknown.length > 0) usageError(USAGE, `Unknown benchmark part ${unknown.join(', ')}; the parts are ${PARTS.join(', ')} (default: all)`);
const parts = asked.length > 0 ? asked : PARTS;
// Loaded after the command line is read, so `--help` answers at once.
const { benchGateways } = await import('./gateways.ts');
const { benchImport } = await import('./import.ts');
const { benchShaping } = await import('./shaping.ts');
const { benchAbuse } = await import('./abuse.ts');
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`${name} must be a number of at least 0, got "${process.env[name]}"`);
    process.exit(2);
  }
  return value;
};
const list = (name: string, fallback: string) => (process.env[name] || fallback).split(',').map((s) => s.trim()).filter(Boolean);

console.log(`CMCC Supergraph benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${process.platform}/${process.arch}\n`);
if (parts.includes('import')) await benchImport(number('BENCH_IMPORT_ROWS', 100_000), process.env.BENCH_DATABASE_URL || undefined);
if (parts.includes('shaping')) await benchShaping(list('BENCH_OPERATIONS', 'SituationByGovernorate,OperationsFloorDashboard'), number('BENCH_SHAPING_CALLS', 200));
if (parts.includes('abuse')) await benchAbuse(Math.max(1, number('BENCH_ABUSE_REQUESTS', 20)));
if (parts.includes('gateways')) {
  await benchGateways({
    durationSeconds: number('BENCH_DURATION', 10),
    warmupSeconds: number('BENCH_WARMUP', 3),
    connections: number('BENCH_CONNECTIONS', 16),
    serialRequests: number('BENCH_SERIAL_REQUESTS', 30),
    rounds: Math.max(1, number('BENCH_ROUNDS', 1)),
    gateways: list('BENCH_GATEWAYS', 'cmcc,apollo,hive,hive-rust'),
    operations: list('BENCH_OPERATIONS', 'SituationByGovernorate,OperationsFloorDashboard'),
    cpuProfileDir: process.env.BENCH_CPU_PROFILE || undefined,
    writeDocs: process.env.BENCH_WRITE_DOCS !== 'false',
  });
}
process.exit(0);
