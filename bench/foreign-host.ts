// A benchmark child process: one of the foreign subgraphs (bench/foreign/: accounts, inventory, products, reviews), a
// plain @apollo/subgraph schema served by @apollo/server on node:http, on a free port. Like the subgraphs of The
// Guild's benchmark it sends no cache headers (Apollo Server's cache-control plugin, which would answer
// `cache-control: no-store`, is off) and no traces, and ignores every header the gateways add (the principal ours signs).
// Same IPC protocol as bench/subgraph-host.ts: sends `{ url }` when ready; answers `counts` with `{ requests }`; after
// `record` it keeps the interval ([start, end], epoch milliseconds) of each request it serves, and `intervals` hands
// them over and stops recording.
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { FOREIGN_SUBGRAPHS } from './foreign/index.ts';
import { recordRequests } from './host-ipc.ts';

const subgraph = FOREIGN_SUBGRAPHS.find((each) => each.name === process.argv[2]);
if (!subgraph) throw new Error(`No foreign subgraph ${process.argv[2]}; there are ${FOREIGN_SUBGRAPHS.map((each) => each.name).join(', ')}`);
const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs: subgraph.typeDefs, resolvers: subgraph.resolvers }),
  plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled()],
});
await server.start();

async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    response.writeHead(400, { 'content-type': 'text/plain' }).end('The body is not JSON');
    return;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: new URL(request.url ?? '/', 'http://localhost').search, body },
    context: async () => ({}),
  });
  response.statusCode = result.status ?? 200;
  for (const [key, value] of result.headers) response.setHeader(key, value);
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

const record = recordRequests();
const httpServer = http.createServer((request, response) => {
  if (request.method === 'POST') record(response);
  handle(request, response).catch(() => {
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
httpServer.keepAliveTimeout = 65_000;
httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address() as { port: number };
  process.send!({ url: `http://127.0.0.1:${port}` });
});
