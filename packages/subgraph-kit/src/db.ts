import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { DEFAULT_POSTGRES_SETTINGS, type PostgresSettings } from '@cmcc/platform';

/** Anything that can run a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One subgraph's database: its own Postgres schema, on a real server (`pg`) or in embedded PGlite.
 * Every statement passes through `query`, so tests can count them with `onQuery`.
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  readonly schema: string;
  /** Runs `work` in one transaction: all of it is written, or none of it. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` while holding a lock named `name` that no other process on the same database holds meanwhile (on
   * Postgres a session advisory lock on its own connection, so it spans the transactions `work` runs and is released
   * if the process dies; PGlite has one process already). Others asking for it wait.
   */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Calls `listener` with every statement run; returns the function that stops listening. */
  onQuery(listener: (sql: string, params: readonly unknown[]) => void): () => void;
  /** PGlite only: a copy of the whole data folder (a tarball), to open another database from with `template`. */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** The Postgres schema that holds this subgraph's tables (e.g. `civil_administration`). */
  schema: string;
  /** Postgres connection string; absent means embedded PGlite. */
  databaseUrl?: string;
  /** Folder for PGlite's files; absent (with no `databaseUrl`) means an in-memory database, for tests. */
  dataDir?: string;
  /**
   * PGlite only: start from this copy of a data folder (`dump()` of another database) instead of an empty one. Tests
   * open each subgraph's database from one already migrated and seeded, which skips PGlite's initdb.
   */
  template?: Blob;
  /** Postgres only: pool size, statement timeout, TLS (defaults: `DEFAULT_POSTGRES_SETTINGS`, TLS as the URL says). */
  postgres?: PostgresSettings;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// Same JavaScript values from both drivers: counts as numbers, calendar dates as 'YYYY-MM-DD' strings.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parsers: Record<number, (value: string) => unknown> = {
  [INT8]: (value) => Number(value),
  [NUMERIC]: (value) => Number(value),
  [DATE]: (value) => value,
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Database schema name must match ${SCHEMA_NAME}, got "${options.schema}"`);
  }
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.schema, options.postgres ?? DEFAULT_POSTGRES_SETTINGS)
    : openPglite(options.schema, options.dataDir, options.template);
}

class Listeners {
  private readonly listeners = new Set<(sql: string, params: readonly unknown[]) => void>();
  add(listener: (sql: string, params: readonly unknown[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(sql: string, params: readonly unknown[]): void {
    for (const listener of this.listeners) listener(sql, params);
  }
}

/** A statement Postgres cancelled because it ran past `DATABASE_STATEMENT_TIMEOUT_MS`. */
export class StatementTimeoutError extends Error {
  /** Postgres's SQLSTATE for a cancelled statement, kept so callers can tell it apart like the original. */
  readonly code = '57014';
  constructor(
    readonly timeoutMs: number,
    options: ErrorOptions,
  ) {
    super(`Postgres cancelled a statement that ran longer than DATABASE_STATEMENT_TIMEOUT_MS (${timeoutMs} ms); its transaction was rolled back`, options);
    this.name = 'StatementTimeoutError';
  }
}

/** A stable 64-bit advisory lock key for a name, the same in every process and on every server. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(`cmcc:${name}`).digest().readBigInt64BE(0).toString();
}

async function openPostgres(databaseUrl: string, schema: string, settings: PostgresSettings): Promise<Database> {
  const connection: pg.ClientConfig = {
    connectionString: databaseUrl,
    // A database that does not answer (not even with a refusal) must fail a request, not hold it until the gateway gives up.
    connectionTimeoutMillis: 5000,
    // Names the subgraph in pg_stat_activity.
    application_name: `cmcc-${schema}`,
    // Each subgraph sees only its own schema, so no statement qualifies table names; times are read in UTC.
    options: `-c search_path=${schema} -c TimeZone=UTC`,
    types: { getTypeParser: ((oid: number, format?: string) => parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser },
    ...(settings.tls === undefined ? {} : { ssl: settings.tls && { rejectUnauthorized: settings.tls.verify, ca: settings.tls.ca } }),
  };
  const pool = new pg.Pool({ ...connection, max: settings.poolMax, ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}) });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // A lock on its own connection (outside the pool, without the statement timeout: waiting for it may take long).
  const exclusively = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const client = new pg.Client(connection);
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [advisoryLockKey(name)]);
      return await work();
    } finally {
      // Ending the session releases the lock, also when unlocking fails because the connection was lost.
      await client.end().catch(() => undefined);
    }
  };
  // Replicas starting at once on a new database would race to create the schema.
  try {
    await exclusively(`schema:${schema}`, () => pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const listeners = new Listeners();
  const run = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params: unknown[] = []): Promise<T[]> => {
    listeners.emit(sql, params);
    try {
      const result = await client.query(sql, params);
      return result.rows as T[];
    } catch (error) {
      throw timedOut(error, settings) ?? error;
    }
  };
  return {
    kind: 'postgres',
    schema,
    query: (sql, params) => run(pool, sql, params),
    async exec(sql) {
      listeners.emit(sql, []);
      await pool.query(sql).catch((error: unknown) => {
        throw timedOut(error, settings) ?? error;
      });
    },
    exclusively,
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost while checked out emits 'error' on the client, which would crash the process unheard; the
      // statement in flight fails anyway, Postgres rolls the transaction back, and the broken client is discarded.
      let broken: Error | undefined;
      const onError = (error: Error) => void (broken = error);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work({ query: (sql, params) => run(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        broken ??= error instanceof Error && /Connection terminated|ECONNRESET/.test(error.message) ? error : undefined;
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    onQuery: (listener) => listeners.add(listener),
    close: () => pool.end(),
  };
}

function timedOut(error: unknown, settings: PostgresSettings): StatementTimeoutError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== '57014' || typeof message !== 'string' || !message.includes('statement timeout')) return undefined;
  return new StatementTimeoutError(settings.statementTimeoutMs, { cause: error });
}

/**
 * PGlite on disk must have one process at a time: a second one (an import while the subgraph runs) would corrupt
 * it. A lock file beside the folder names the holder; a lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new Error(
          `The embedded database ${dataDir} is in use by process ${holder} (is the subgraph running?). Stop it first, or set DATABASE_URL to share a Postgres server.`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPglite(schema: string, dataDir: string | undefined, template: Blob | undefined): Promise<Database> {
  if (dataDir) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  // (The two-argument constructor drops its options when dataDir is undefined, hence the one-object form.)
  const db = new PGlite({ dataDir, parsers, loadDataDir: template });
  try {
    await db.waitReady;
    // PGlite is a single connection, so the session's search_path holds for every later statement.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}; SET TIME ZONE 'UTC';`);
  } catch (error) {
    unlock();
    throw error;
  }
  const listeners = new Listeners();
  return {
    kind: 'pglite',
    schema,
    async query<T>(sql: string, params: unknown[] = []) {
      listeners.emit(sql, params);
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql) {
      listeners.emit(sql, []);
      await db.exec(sql);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          async query<T>(sql: string, params: unknown[] = []) {
            listeners.emit(sql, params);
            return (await tx.query<T>(sql, params)).rows;
          },
        }),
      ),
    exclusively: (_name, work) => work(),
    onQuery: (listener) => listeners.add(listener),
    dump: async () => db.dumpDataDir('none'),
    async close() {
      await db.close();
      unlock();
    },
  };
}
