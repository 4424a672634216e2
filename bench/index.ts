// `npm run bench`: prints the performance figures of the platform. Bounded in size and time; loopback only.
//   BENCH_IMPORT_ROWS   rows in the import benchmark (default 100000)
//   BENCH_DATABASE_URL  also benchmark against this Postgres
import { benchImport } from './import.ts';

const rows = Number(process.env.BENCH_IMPORT_ROWS || 100_000);
console.log(`CMCC Supergraph benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${process.platform}/${process.arch}\n`);
await benchImport(rows, process.env.BENCH_DATABASE_URL || undefined);
