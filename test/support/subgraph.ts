import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
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
  type SeedMode,
  type UsedTokenRegistry,
  type SubgraphDefinition,
  type SubgraphEventOptions,
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
  /** The response's own extensions (e.g. `stale` when the gateway filled a failed subgraph's fields). */
  extensions?: Record<string, unknown>;
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
  /** Whether the seed is written; as `SEED`'s default when absent (PGlite yes, Postgres no): a Postgres test that needs the seed says so. */
  seed?: SeedMode;
  /** Where the subgraph records the principal headers it accepted; absent means its own memory. */
  usedTokens?: UsedTokenRegistry;
  /** Change events: retention for resumes, poll interval (defaults as in production). */
  events?: SubgraphEventOptions;
}

/**
 * The folder where this test run keeps seeded PGlite templates (test/global-setup.ts creates it for the run and removes
 * it after; absent outside vitest, where every database starts empty).
 */
export const TEMPLATE_DIR_ENV = 'CMCC_TEST_PGLITE_TEMPLATES';

/** What a template depends on: the subgraph, its schema name, its migrations and its seed. */
function templateKey(definition: SubgraphDefinition<unknown>, schema: string): string {
  const hash = createHash('sha256').update(`${definition.name}\0${schema}\0${definition.root}\0${definition.seed.toString()}`);
  const migrations = path.join(definition.root, 'src', 'data', 'migrations');
  if (fs.existsSync(migrations)) {
    for (const file of fs.readdirSync(migrations).sort()) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(migrations, file)));
  }
  return `${definition.name}-${hash.digest('hex').slice(0, 16)}`;
}

/** Writes the template of a database migrated and seeded for `definition` (aside, then renamed: never half a file). */
async function keepTemplate(db: Database, file: string): Promise<void> {
  if (!db.dump) return;
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(partial, Buffer.from(await (await db.dump()).arrayBuffer()));
  fs.renameSync(partial, file);
}

/**
 * Makes the run's template of `definition`'s database if there is none yet (test/global-setup.ts makes every listed
 * subgraph's before the first test file starts).
 */
export async function makeTemplate(definition: SubgraphDefinition<unknown>, schema = schemaNameOf(definition.name)): Promise<void> {
  const dir = process.env[TEMPLATE_DIR_ENV];
  if (!dir) throw new Error(`${TEMPLATE_DIR_ENV} names no folder: templates are made only inside a vitest run`);
  const file = path.join(dir, `${templateKey(definition, schema)}.tar`);
  if (fs.existsSync(file)) return;
  const db = await openDatabase({ schema });
  try {
    await prepareDatabase(definition, db);
    await keepTemplate(db, file);
  } finally {
    await db.close();
  }
}

/**
 * Opens an in-memory PGlite database migrated and seeded for `definition`. PGlite's initdb costs seconds per database,
 * so each subgraph's database is migrated and seeded once per run (before the first test file for the listed
 * subgraphs, else by the first test that needs it) and kept as a copy of its data folder in the run's template folder;
 * every test opens that copy and runs `prepareDatabase` again, which finds every migration applied and the seed
 * written. The database is the same either way.
 */
export async function openSeededPglite(definition: SubgraphDefinition<unknown>, schema = schemaNameOf(definition.name)): Promise<Database> {
  const dir = process.env[TEMPLATE_DIR_ENV];
  const file = dir ? path.join(dir, `${templateKey(definition, schema)}.tar`) : undefined;
  if (file && fs.existsSync(file)) {
    const db = await openDatabase({ schema, template: new Blob([fs.readFileSync(file)]) });
    await prepareDatabase(definition, db);
    return db;
  }
  const db = await openDatabase({ schema });
  await prepareDatabase(definition, db);
  if (file) await keepTemplate(db, file);
  return db;
}

/** Migrates, seeds and serves a subgraph on a free port, exactly as `npm start` does but with a throwaway database. */
export async function startTestSubgraph<L>(definition: SubgraphDefinition<L>, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  const schema = options.schema ?? schemaNameOf(definition.name);
  let db: Database;
  if (options.databaseUrl || options.dataDir) {
    db = await openDatabase({ schema, databaseUrl: options.databaseUrl, dataDir: options.dataDir });
    await prepareDatabase(definition as SubgraphDefinition<unknown>, db, { seed: options.seed });
  } else {
    db = await openSeededPglite(definition as SubgraphDefinition<unknown>, schema);
  }
  const logger = options.logger ?? createLogger(definition.name, 'silent');
  const { apollo, handler, events } = await buildSubgraph(
    definition,
    db,
    logger,
    TEST_SHARED_SECRET,
    { tracing: options.tracing },
    { usedTokens: options.usedTokens },
    options.events,
  );
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
      events.stop();
      await close(server as http.Server);
      await apollo.stop();
      await db.close();
    },
  };
}

export async function postGraphQL<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}
