import type http from 'node:http';
import {
  buildSubgraph,
  close,
  createLogger,
  listen,
  openDatabase,
  prepareDatabase,
  schemaNameOf,
  PRINCIPAL_HEADER,
  signPrincipal,
  type Database,
  type Logger,
  type Principal,
  type SubgraphDefinition,
  type Tracing,
} from '@cmcc/subgraph-kit';

/** The secret test subgraphs share with the test "gateway" (this module, signing each request). */
export const TEST_SHARED_SECRET = new TextEncoder().encode('test-shared-secret-of-at-least-32-characters');

/**
 * The principal tests act as unless they say otherwise: a US analyst cleared SECRET, a CMCC participant, editor of
 * every working group. It sees most seeded records (not those originator-only or TLP:RED for others).
 */
export const TEST_PRINCIPAL: Principal = Object.freeze({
  subject: 'test-editor',
  nation: 'USA',
  organization: 'CMCC',
  workingGroups: ['civil-administration', 'humanitarian', 'security', 'engineering'],
  roles: ['editor'],
  scopes: ['write:civil-administration', 'write:humanitarian', 'write:security', 'write:engineering'],
  clearance: 'SECRET',
  participant: true,
  caveats: [],
});

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestSubgraph {
  readonly url: string;
  readonly db: Database;
  /** POSTs an operation to the subgraph's real HTTP endpoint, signed as the gateway would for `principal`. */
  execute<T = any>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<GraphQLResponse<T>>;
  /** Runs `work` and returns the SQL statements the subgraph ran meanwhile. */
  statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  close(): Promise<void>;
}

export interface TestSubgraphOptions {
  /** Postgres URL; absent means PGlite. */
  databaseUrl?: string;
  /** Postgres schema (defaults to the subgraph's own). */
  schema?: string;
  /** PGlite folder; absent means in memory. */
  dataDir?: string;
  /** Where the subgraph logs; absent means nowhere. */
  logger?: Logger;
  /** Where its spans go; absent means no tracing. */
  tracing?: Tracing | null;
}

/** Migrates, seeds and serves a subgraph on a free port, exactly as `npm start` does but with a throwaway database. */
export async function startTestSubgraph<L>(definition: SubgraphDefinition<L>, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  const db = await openDatabase({ schema: options.schema ?? schemaNameOf(definition.name), databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  await prepareDatabase(definition as SubgraphDefinition<unknown>, db);
  const logger = options.logger ?? createLogger(definition.name, 'silent');
  const { apollo, handler } = await buildSubgraph(definition, db, logger, TEST_SHARED_SECRET, { tracing: options.tracing });
  const { server, url } = await listen(handler, 0);
  return {
    url,
    db,
    execute: async (query, variables, principal = TEST_PRINCIPAL) =>
      postGraphQL(`${url}/graphql`, query, variables, { [PRINCIPAL_HEADER]: await signPrincipal(principal, TEST_SHARED_SECRET, definition.name) }),
    async statementsDuring(work) {
      const statements: string[] = [];
      const stop = db.onQuery((sql) => statements.push(sql));
      try {
        return { result: await work(), statements };
      } finally {
        stop();
      }
    },
    async close() {
      await close(server as http.Server);
      await apollo.stop();
      await db.close();
    },
  };
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}
