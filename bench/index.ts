// `npm run bench [-- import shaping gateways]`: prints the performance figures of the platform; by default every part, or the
// parts named. Bounded in size and time; loopback only.
// Settings: the BENCH_* environment variables (bench/env.ts; README "Configuration"). BENCH_OPERATIONS may also name
// `foreign`: the gateways part then drives every gateway on The Guild's benchmark subgraphs and query (bench/foreign/).
import { parseCli, readEnv, usageError } from '@cmcc/platform';
import { BENCH_ENV } from './env.ts';

const PARTS = ['import', 'shaping', 'abuse', 'gateways', 'subscriptions'];
const USAGE = `Usage: npm run bench [-- <part> ...]   prints the platform's performance figures
  <part>   ${PARTS.join(', ')} (default: all); settings are environment variables (BENCH_*, see bench/env.ts)
  BENCH_OPERATIONS   saved operations to drive (schema/operations/<name>.graphql); the name \`foreign\` adds the foreign
                     workload to the gateways part: four subgraphs that are not ours, shaped like The Guild's federation
                     gateways benchmark (bench/foreign/), and its query, e.g.
                     BENCH_OPERATIONS=SituationByGovernorate,foreign npm run bench -- gateways`;
const asked = parseCli({ usage: USAGE, allowPositionals: true }).positionals;
const unknown = asked.filter((part) => !PARTS.includes(part));
if (unknown.length > 0) usageError(USAGE, `Unknown benchmark part ${unknown.join(', ')}; the parts are ${PARTS.join(', ')} (default: all)`);
const parts = asked.length > 0 ? asked : PARTS;
// Loaded after the command line is read, so `--help` answers at once.
const { benchGateways, FOREIGN_WORKLOAD } = await import('./gateways.ts');
const { benchImport } = await import('./import.ts');
const { benchShaping } = await import('./shaping.ts');
const { benchAbuse } = await import('./abuse.ts');
const { benchSubscriptions } = await import('./subscriptions.ts');
const problems: string[] = [];
const env = readEnv(process.env, BENCH_ENV, problems);
if (problems.length > 0) {
  console.error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  process.exit(2);
}

console.log(`CMCC Supergraph benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${process.platform}/${process.arch}\n`);
if (parts.includes('import')) await benchImport(env.BENCH_IMPORT_ROWS, env.BENCH_DATABASE_URL);
// The foreign workload is the gateways part's only: shaping measures our saved operations on our supergraph.
if (parts.includes('shaping'))
  await benchShaping(
    env.BENCH_OPERATIONS.filter((name) => name !== FOREIGN_WORKLOAD),
    env.BENCH_SHAPING_CALLS,
  );
if (parts.includes('abuse')) await benchAbuse(env.BENCH_ABUSE_REQUESTS);
if (parts.includes('gateways')) {
  await benchGateways({
    durationSeconds: env.BENCH_DURATION,
    warmupSeconds: env.BENCH_WARMUP,
    connections: env.BENCH_CONNECTIONS,
    serialRequests: env.BENCH_SERIAL_REQUESTS,
    rounds: env.BENCH_ROUNDS,
    gateways: env.BENCH_GATEWAYS,
    operations: env.BENCH_OPERATIONS,
    cpuProfileDir: env.BENCH_CPU_PROFILE,
    writeDocs: env.BENCH_WRITE_DOCS,
  });
}
if (parts.includes('subscriptions')) {
  await benchSubscriptions({ subscribers: env.BENCH_SUBSCRIBERS, principals: env.BENCH_SUBSCRIBER_PRINCIPALS, events: env.BENCH_SUBSCRIPTION_EVENTS });
}
process.exit(0);
