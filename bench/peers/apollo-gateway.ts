// Peer (b): a plain @apollo/gateway + @apollo/server with their defaults. Its only addition is what our subgraphs
// require of any caller: the signed single-use principal header (SigningDataSource), for the subgraphs listed in
// BENCH_SUBGRAPHS; any other subgraph (the foreign workload's) gets a plain RemoteGraphQLDataSource.
// Env: BENCH_PORT, BENCH_SUPERGRAPH (file), BENCH_SHARED_SECRET, BENCH_PRINCIPAL (JSON), BENCH_SUBGRAPHS (JSON: subgraph
// URL → name, the token's audience).
import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { SigningDataSource } from './signing-data-source.ts';

const secret = new TextEncoder().encode(process.env.BENCH_SHARED_SECRET);
const principal = JSON.parse(process.env.BENCH_PRINCIPAL!);
const signed = JSON.parse(process.env.BENCH_SUBGRAPHS ?? '{}') as Record<string, string>;
const gateway = new ApolloGateway({
  supergraphSdl: fs.readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8'),
  buildService: ({ name, url }) => (signed[url!] ? new SigningDataSource(name, url!, principal, secret) : new RemoteGraphQLDataSource({ url })),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.BENCH_PORT), host: '127.0.0.1' } });
console.log(`apollo-gateway listening at ${url}`);
