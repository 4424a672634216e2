// Peer (b): a plain @apollo/gateway + @apollo/server with their defaults. Its only addition is what the subgraphs
// require of any caller: the signed single-use principal header (SigningDataSource).
// Env: BENCH_PORT, BENCH_SUPERGRAPH (file), BENCH_SHARED_SECRET, BENCH_PRINCIPAL (JSON).
import fs from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { SigningDataSource } from './signing-data-source.ts';

const secret = new TextEncoder().encode(process.env.BENCH_SHARED_SECRET);
const principal = JSON.parse(process.env.BENCH_PRINCIPAL!);
const gateway = new ApolloGateway({
  supergraphSdl: fs.readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8'),
  buildService: ({ name, url }) => new SigningDataSource(name, url!, principal, secret),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.BENCH_PORT), host: '127.0.0.1' } });
console.log(`apollo-gateway listening at ${url}`);
