import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { createGateway, type Gateway } from '@cmcc/gateway/server';
import { close, createLogger, listen, type EventFeed } from '@cmcc/subgraph-kit';
import { postGraphQL, TEST_SHARED_SECRET, type GraphQLResponse } from './subgraph.ts';
import { ANALYST_CLAIMS, type TestStack } from './stack.ts';

export interface ExtraGateway {
  readonly url: string;
  readonly gateway: Gateway;
  readonly logs: string[];
  /** Sends an operation as the principal of `claims` (tokens of the stack's development key are accepted). */
  query<T = any>(text: string, variables?: Record<string, unknown>, claims?: Record<string, unknown>, extensions?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * Another gateway in front of a running stack's subgraphs, with its own settings (`env`) and data folder (its own
 * audit trail), accepting the stack's development tokens: one set of subgraphs serves several gateway configurations.
 */
export async function startGateway(stack: TestStack, env: Record<string, string> = {}, options: { feed?: EventFeed } = {}): Promise<ExtraGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gateway-'));
  fs.mkdirSync(path.join(dir, 'auth'), { recursive: true });
  fs.copyFileSync(path.join(stack.dataDir, 'auth', 'dev-signing-key.json'), path.join(dir, 'auth', 'dev-signing-key.json'));
  const config = loadGatewayConfig({
    SUPERGRAPH_PATH: stack.supergraphPath,
    SUPERGRAPH_POLL_MS: '100',
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    // As in startStack: the response cache is opt-in in tests.
    GATEWAY_RESPONSE_CACHE: 'false',
    ...env,
  });
  return serveGateway(config, dir, (claims) => stack.token(claims), options.feed);
}

/** Starts a gateway on port 0 with `config`, logging into memory; `close` also removes its data folder `dir`. */
async function serveGateway(
  config: ReturnType<typeof loadGatewayConfig>,
  dir: string,
  token: (claims: Record<string, unknown>) => Promise<string>,
  feed?: EventFeed,
): Promise<ExtraGateway> {
  const logs: string[] = [];
  const gateway = await createGateway(config, createLogger('gateway', config.logLevel, { write: (line: string) => void logs.push(line) }), { feed });
  const { server, url } = await listen(gateway.handler, 0);
  // Live subscriptions over WebSocket, when the gateway has a change event feed.
  server.on('upgrade', gateway.handleUpgrade);
  return {
    url,
    gateway,
    logs,
    async query(text, variables, claims = ANALYST_CLAIMS, extensions) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(claims)}` },
        body: JSON.stringify({ query: text, variables, extensions }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await close(server);
      await gateway.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port where nothing answers: a lone gateway's subgraphs. */
const NOWHERE = 'http://127.0.0.1:9/graphql';

/**
 * A gateway alone, serving the repository's composed supergraph with every subgraph unreachable: for what the gateway
 * decides before it calls any subgraph (limits, authentication, its own routes), without a stack's start-up time.
 * `token(claims)` signs a development token it accepts.
 */
export async function startLoneGateway(env: Record<string, string> = {}): Promise<ExtraGateway & { token(claims?: Record<string, unknown>): Promise<string>; dataDir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-lone-gateway-'));
  const nowhere = Object.fromEntries(loadSubgraphList().map((entry) => [`SUBGRAPH_${entry.name.toUpperCase().replace(/-/g, '_')}_URL`, NOWHERE]));
  const config = loadGatewayConfig({
    SUPERGRAPH_PATH: path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'),
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    GATEWAY_RESPONSE_CACHE: 'false',
    ...nowhere,
    ...env,
  });
  const token = (claims: Record<string, unknown> = ANALYST_CLAIMS) => signDevToken(dir, claims);
  return { ...(await serveGateway(config, dir, token)), dataDir: dir, token };
}

export { postGraphQL };
