import { boolean, decimal, defineEnv, list, text, url, wholeNumber } from '@cmcc/platform';

const BENCH = ['`npm run bench`'];

const seconds = decimal({ unit: 'seconds' });
const names = list(() => true, 'must be a comma-separated list');

/** The benchmark's settings (`npm run bench`); bench/index.ts reads them. */
export const BENCH_ENV = defineEnv({
  BENCH_IMPORT_ROWS: { description: 'rows in the import benchmark', components: BENCH, default: '100000', ...wholeNumber() },
  BENCH_DATABASE_URL: {
    description: 'also benchmark the import against this Postgres',
    components: BENCH,
    secret: true,
    ...url('postgres://postgres@127.0.0.1:5432/test', ['postgres', 'postgresql']),
  },
  BENCH_SHAPING_CALLS: { description: 'result-shaping calls per round and implementation', components: BENCH, default: '200', ...wholeNumber() },
  BENCH_SUBSCRIBERS: { description: 'concurrent graphql-ws subscribers in the subscriptions benchmark', components: BENCH, default: '1000', ...wholeNumber({ min: 1 }) },
  BENCH_SUBSCRIBER_PRINCIPALS: {
    description: 'distinct principals among the subscribers (each one execution per event)',
    components: BENCH,
    default: '10',
    ...wholeNumber({ min: 1 }),
  },
  BENCH_SUBSCRIPTION_EVENTS: { description: 'change events published in the subscriptions benchmark', components: BENCH, default: '200', ...wholeNumber({ min: 1 }) },
  BENCH_ABUSE_REQUESTS: { description: 'fragment bombs sent to measure their refusal', components: BENCH, default: '20', ...wholeNumber({ min: 1 }) },
  BENCH_DURATION: { description: 'seconds measured per gateway and operation', components: BENCH, default: '10', ...seconds },
  BENCH_WARMUP: { description: 'seconds of warm-up before each measurement', components: BENCH, default: '3', ...seconds },
  BENCH_CONNECTIONS: { description: 'concurrent connections', components: BENCH, default: '16', ...wholeNumber({ min: 1 }) },
  BENCH_SERIAL_REQUESTS: {
    description: "requests sent one at a time per gateway and operation, for the latency, the subgraphs' critical path and the gateway overhead (0: skip)",
    components: BENCH,
    default: '30',
    ...wholeNumber(),
  },
  BENCH_ROUNDS: { description: 'interleaved rounds; the report gives medians', components: BENCH, default: '1', ...wholeNumber({ min: 1 }) },
  BENCH_GATEWAYS: { description: 'which gateways', components: BENCH, default: 'cmcc,apollo,hive,hive-rust', ...names },
  BENCH_OPERATIONS: {
    description: 'saved operations to drive; `foreign` adds The Guild benchmark’s four subgraphs and query (bench/foreign/) to the gateways part',
    components: BENCH,
    default: 'SituationByGovernorate,FloorOverview,OperationsFloorDashboard',
    ...names,
  },
  BENCH_CPU_PROFILE: { description: 'write CPU profiles of this gateway (node --cpu-prof) into this folder', components: BENCH, ...text() },
  BENCH_WRITE_DOCS: { description: 'write the gateway results into docs/benchmarks.md', components: BENCH, default: 'true', ...boolean() },
});
