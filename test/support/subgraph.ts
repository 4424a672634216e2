import type http from 'node:http';
import {
  buildSubgraph,
  close,
  createLogger,
  listen,
  openDatabase,
  prepareDatabase,
  schemaNameOf,
  type Database,
  type SubgraphDefinition,
} from '../../subgraphs/kit/src/index.ts';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestSubgraph {
  readonly url: string;
  readonly db: Database;
  /** POSTs an operation to the subgraph's real HTTP endpoint. */
  execute<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
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
}

/** Migrates, seeds and serves a subgraph on a free port, exactly as `npm start` does but with a throwaway database. */
export async function startTestSubgraph<L>(definition: SubgraphDefinition<L>, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  const db = await openDatabase({ schema: options.schema ?? schemaNameOf(definition.name), databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  await prepareDatabase(definition as SubgraphDefinition<unknown>, db);
  const logger = createLogger(definition.name, 'silent');
  const { apollo, handler } = await buildSubgraph(definition, db, logger);
  const { server, url } = await listen(handler, 0);
  return {
    url,
    db,
    execute: (query, variables) => postGraphQL(`${url}/graphql`, query, variables),
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
