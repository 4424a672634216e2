import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT, type SubgraphEntry } from '@cmcc/governance/composition';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { createGateway, type Gateway } from '@cmcc/gateway/server';
import { close, createLogger, listen, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { postGraphQL, startTestSubgraph, TEST_SHARED_SECRET, type GraphQLResponse, type TestSubgraph, type TestSubgraphOptions } from './subgraph.ts';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { loadDefinition as loadDefinitionFrom } from '@cmcc/subgraph-kit';

/** Imports a subgraph's definition from `subgraphs/<name>/src/server.ts`, whatever the export is called. */
export function loadDefinition(name: string): Promise<SubgraphDefinition<unknown>> {
  return loadDefinitionFrom(name, PROJECT_ROOT);
}

/** Composes a supergraph whose routing URLs point at the given running subgraphs, written to a temporary file. */
export function writeSupergraph(entries: SubgraphEntry[], urls: Record<string, string>, file: string): void {
  const result = composeSupergraph(
    entries.map((entry) => ({
      name: entry.name,
      routingUrl: `${urls[entry.name]}/graphql`,
      sdl: fs.readFileSync(path.join(PROJECT_ROOT, entry.schema), 'utf8'),
    })),
  );
  if (!result.ok) throw new Error(result.problems.map((p) => `[${p.subgraph}] ${p.message}`).join('\n'));
  fs.writeFileSync(`${file}.tmp`, result.supergraphSdl);
  fs.renameSync(`${file}.tmp`, file);
}

export interface TestStack {
  readonly gatewayUrl: string;
  readonly gateway: Gateway;
  readonly subgraphs: Record<string, TestSubgraph>;
  readonly supergraphPath: string;
  readonly entries: SubgraphEntry[];
  readonly logs: string[];
  /** The gateway's data folder (development key, API keys). */
  readonly dataDir: string;
  /** A development token for these claims (signed with the stack's development key). */
  token(claims: Record<string, unknown>): Promise<string>;
  /** Sends an operation to the gateway as the principal of `claims` (default: a US analyst cleared SECRET). */
  query<T = any>(text: string, variables?: Record<string, unknown>, claims?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * A subgraph that reads what the gateway writes (the `audit` subgraph reads its audit trail) exports a definition with
 * `withEnv(env)`: it is given the gateway's environment (DATA_DIR, AUDIT_*, REDIS_URL). Other definitions are unchanged.
 */
function forGateway(definition: SubgraphDefinition<unknown>, env: Record<string, string>): SubgraphDefinition<unknown> {
  const configurable = definition as SubgraphDefinition<unknown> & { withEnv?: (env: Record<string, string>) => SubgraphDefinition<unknown> };
  return typeof configurable.withEnv === 'function' ? configurable.withEnv(env) : definition;
}

/** The claims tests use unless they say otherwise. */
export const ANALYST_CLAIMS = Object.freeze({ sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true });

/** Every subgraph on a free port with its own throwaway database, and the gateway in front of them. */
export async function startStack(options: { env?: Record<string, string>; subgraph?: TestSubgraphOptions } = {}): Promise<TestStack> {
  const entries = loadSubgraphList();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-stack-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  const gatewayEnv: Record<string, string> = {
    SUPERGRAPH_PATH: supergraphPath,
    SUPERGRAPH_POLL_MS: '100',
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    // Tests count subgraph calls and SQL statements of repeated queries: the response cache is opt-in here.
    GATEWAY_RESPONSE_CACHE: 'false',
    ...options.env,
  };
  const subgraphs: Record<string, TestSubgraph> = {};
  await Promise.all(
    entries.map(async (entry) => {
      subgraphs[entry.name] = await startTestSubgraph(forGateway(await loadDefinition(entry.name), gatewayEnv), options.subgraph);
    }),
  );
  writeSupergraph(entries, Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])), supergraphPath);
  const config = loadGatewayConfig(gatewayEnv);
  // Keep the gateway's log lines in memory so tests can assert what an operator would read.
  const logs: string[] = [];
  const logger = createLogger('gateway', config.logLevel, { write: (line: string) => void logs.push(line) });
  const gateway = await createGateway(config, logger);
  const { server, url } = await listen(gateway.handler, 0);
  server.on('upgrade', gateway.handleUpgrade);
  return {
    gatewayUrl: url,
    gateway,
    subgraphs,
    supergraphPath,
    entries,
    logs,
    dataDir: dir,
    token: (claims) => signDevToken(dir, claims),
    async query(text, variables, claims = ANALYST_CLAIMS) {
      return postGraphQL(`${url}/graphql`, text, variables, { authorization: `Bearer ${await signDevToken(dir, claims)}` });
    },
    async close() {
      await close(server);
      await gateway.stop();
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
