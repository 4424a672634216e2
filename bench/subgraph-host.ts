// A benchmark child process: one subgraph on fixed seeded data (in-memory PGlite, the deterministic seed), on a free
// port, counting the GraphQL requests it answers. Talks to bench/gateways.ts over IPC (bench/host-ipc.ts): sends `{ url }` when ready;
// answers `counts` with `{ requests }`; after `record` it keeps the interval ([start, end], epoch milliseconds) of each
// request it serves, and `intervals` hands them over and stops recording. Env: BENCH_SHARED_SECRET.
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { buildSubgraph, createLogger, listen, loadDefinition, openDatabase, prepareDatabase, schemaNameOf, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { recordRequests } from './host-ipc.ts';

const name = process.argv[2];
const definition = (await loadDefinition(name, PROJECT_ROOT)) as SubgraphDefinition<unknown>;
const db = await openDatabase({ schema: schemaNameOf(name) });
await prepareDatabase(definition, db);
const { handler } = await buildSubgraph(definition, db, createLogger(name, 'silent'), new TextEncoder().encode(process.env.BENCH_SHARED_SECRET));
const record = recordRequests();
const { url } = await listen((request, response) => {
  if (request.method === 'POST') record(response);
  return handler(request, response);
}, 0);
process.send!({ url });
