// A benchmark child process: one subgraph on fixed seeded data (in-memory PGlite, the deterministic seed), on a free
// port, counting the GraphQL requests it answers. Talks to bench/gateways.ts over IPC: sends `{ url }` when ready;
// answers `counts` with `{ requests }`; after `record` it keeps the interval ([start, end], epoch milliseconds) of each
// request it serves, and `intervals` hands them over and stops recording. Env: BENCH_SHARED_SECRET.
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { buildSubgraph, createLogger, listen, loadDefinition, openDatabase, prepareDatabase, schemaNameOf, type SubgraphDefinition } from '@cmcc/subgraph-kit';

const name = process.argv[2];
const definition = (await loadDefinition(name, PROJECT_ROOT)) as SubgraphDefinition<unknown>;
const db = await openDatabase({ schema: schemaNameOf(name) });
await prepareDatabase(definition, db);
const { handler } = await buildSubgraph(definition, db, createLogger(name, 'silent'), new TextEncoder().encode(process.env.BENCH_SHARED_SECRET));
const now = () => performance.timeOrigin + performance.now();
let requests = 0;
let intervals: [number, number][] | null = null;
const { url } = await listen((request, response) => {
  if (request.method !== 'POST') return handler(request, response);
  requests++;
  const start = now();
  const recording = intervals;
  if (recording) response.once('finish', () => recording.push([start, now()]));
  return handler(request, response);
}, 0);
process.on('message', (message) => {
  if (message === 'counts') process.send!({ requests });
  if (message === 'record') {
    intervals = [];
    process.send!({ recording: true });
  }
  if (message === 'intervals') {
    process.send!({ intervals: intervals ?? [] });
    intervals = null;
  }
});
process.send!({ url });
