import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSubgraphConfig, openDatabase, prepareDatabase, seedOnce, type Database, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { eventually } from '@cmcc/test-support/eventually';
import { loadDefinition } from '@cmcc/test-support/stack';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '@cmcc/test-support/services';

/**
 * Postgres as operators run it (issue 18, point 3): replicas starting at once, the seed only when asked, the statement
 * timeout, the pool size, TLS, and configuration refused with the variable's name.
 */

const available = await postgresAvailable();
const KIT_MIGRATIONS = path.resolve(import.meta.dirname, '..', 'packages', 'subgraph-kit', 'migrations');
const schemas: string[] = [];
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-postgres-'));
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (available) for (const schema of schemas) await dropSchema(schema);
});

function freshSchema(prefix: string): string {
  const schema = uniqueSchema(prefix);
  schemas.push(schema);
  return schema;
}

/** The names of the rows of every table of `db`'s schema but the kit's bookkeeping, with their row counts. */
async function rowCounts(db: Database): Promise<Record<string, number>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('kit_schemaversion', 'group_schemaversion', 'seed_state') ORDER BY table_name`,
    [db.schema],
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) counts[table_name] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table_name}`))[0].n;
  return counts;
}

describe.skipIf(!available)('replicas of one subgraph starting at once on a new Postgres schema', () => {
  it('apply each migration exactly once and write the seed once; every replica starts, the later ones finding nothing to do', async () => {
    const root = path.join(tmp, 'probe-group');
    const migrations = path.join(root, 'src', 'data', 'migrations');
    fs.mkdirSync(migrations, { recursive: true });
    fs.writeFileSync(path.join(migrations, '001_ledger.sql'), 'CREATE TABLE ledger (entry text NOT NULL);\n');
    // No key: a second application would add a second row instead of failing.
    fs.writeFileSync(path.join(migrations, '002_first_entry.sql'), "INSERT INTO ledger (entry) VALUES ('migration 002');\n");
    // Longer than the statement timeout the replicas run with: migrations are not held to it.
    fs.writeFileSync(path.join(migrations, '003_slow.sql'), 'SELECT pg_sleep(0.3);\n');
    let seedWrites = 0;
    const definition = {
      name: 'probe-group',
      root,
      async seed(db: Database) {
        await seedOnce(db, 'probe-v1', async (tx) => {
          seedWrites++;
          await tx.query('SELECT pg_sleep(0.3)');
          await tx.query(`INSERT INTO ledger (entry) VALUES ('seed')`);
        });
      },
    } as unknown as SubgraphDefinition<unknown>;
    const every = [
      ...fs
        .readdirSync(KIT_MIGRATIONS)
        .filter((f) => f.endsWith('.sql'))
        .map((f) => `kit/${f.replace(/\.sql$/, '')}`),
      '001_ledger',
      '002_first_entry',
      '003_slow',
    ];

    const schema = freshSchema('replicas');
    const replicas = 5;
    const databases = await Promise.all(
      Array.from({ length: replicas }, () => openDatabase({ schema, databaseUrl: TEST_DATABASE_URL, postgres: { poolMax: 3, statementTimeoutMs: 100 } })),
    );
    try {
      const applied = await Promise.all(databases.map((db) => prepareDatabase(definition, db, { seed: 'synthetic' })));
      expect(applied.flat().sort()).toEqual([...every].sort());
      expect(applied.filter((list) => list.length === 0)).toHaveLength(replicas - 1);
      expect(seedWrites).toBe(1);
      expect(await databases[0].query('SELECT entry FROM ledger ORDER BY entry')).toEqual([{ entry: 'migration 002' }, { entry: 'seed' }]);
      expect((await databases[0].query<{ n: number }>('SELECT count(*)::int AS n FROM seed_state'))[0].n).toBe(1);
    } finally {
      await Promise.all(databases.map((db) => db.close()));
    }
  });
});

describe.skipIf(!available)('the seed on Postgres', () => {
  it('is not written when DATABASE_URL is set and SEED is not: every table of the subgraph starts empty', async () => {
    const config = loadSubgraphConfig('humanitarian', 0, { DATABASE_URL: TEST_DATABASE_URL });
    const db = await openDatabase({ schema: freshSchema('seed_none'), databaseUrl: config.databaseUrl, postgres: config.postgres });
    try {
      expect((await prepareDatabase(await loadDefinition('humanitarian'), db, { seed: config.seed })).length).toBeGreaterThan(0);
      const counts = await rowCounts(db);
      expect(Object.keys(counts).length).toBeGreaterThan(3);
      expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('is written when SEED=synthetic asks for it', async () => {
    const config = loadSubgraphConfig('humanitarian', 0, { DATABASE_URL: TEST_DATABASE_URL, SEED: 'synthetic' });
    const db = await openDatabase({ schema: freshSchema('seed_synthetic'), databaseUrl: config.databaseUrl, postgres: config.postgres });
    try {
      await prepareDatabase(await loadDefinition('humanitarian'), db, { seed: config.seed });
      const counts = await rowCounts(db);
      expect(counts.convoy).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!available)('a subgraph connection to Postgres', () => {
  it('has a statement running past DATABASE_STATEMENT_TIMEOUT_MS cancelled with an error naming the setting, and the pool goes on serving', async () => {
    const db = await openDatabase({ schema: freshSchema('timeout'), databaseUrl: TEST_DATABASE_URL, postgres: { poolMax: 2, statementTimeoutMs: 200 } });
    try {
      await expect(db.query('SELECT pg_sleep(60)')).rejects.toThrow('ran longer than DATABASE_STATEMENT_TIMEOUT_MS (200 ms)');
      await expect(db.transaction((tx) => tx.query('SELECT pg_sleep(60)'))).rejects.toMatchObject({ name: 'StatementTimeoutError', code: '57014' });
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('opens no more than DATABASE_POOL_MAX connections, however many statements wait', async () => {
    const schema = freshSchema('pool');
    const db = await openDatabase({ schema, databaseUrl: TEST_DATABASE_URL, postgres: { poolMax: 2, statementTimeoutMs: 0 } });
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    const key = String(BigInt(`0x${Buffer.from(schema).toString('hex').slice(0, 15)}`));
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      // Six statements that each hold their connection until the lock is released.
      const statements = Array.from({ length: 6 }, () =>
        db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid FROM (SELECT pg_advisory_xact_lock_shared($1::bigint)) AS waited', [key]),
      );
      const backends = () =>
        holder
          .query<{ n: number; waiting: number }>(
            `SELECT count(*)::int AS n, count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS waiting FROM pg_stat_activity WHERE application_name = $1`,
            [`cmcc-${schema}`],
          )
          .then((result) => result.rows[0]);
      expect(await eventually(backends, ({ waiting }) => waiting >= 2)).toEqual({ n: 2, waiting: 2 });
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      const pids = new Set((await Promise.all(statements)).map(([row]) => row.pid));
      expect(pids.size).toBe(2);
    } finally {
      await holder.end();
      await db.close();
    }
  });

  it('asks for TLS when DATABASE_SSL says so (the test server offers none, so the connection is refused), and not when it says disable', async () => {
    const base = { DATABASE_URL: TEST_DATABASE_URL };
    const required = loadSubgraphConfig('humanitarian', 0, { ...base, DATABASE_SSL: 'require' });
    await expect(openDatabase({ schema: freshSchema('tls'), databaseUrl: required.databaseUrl, postgres: required.postgres })).rejects.toThrow(/does not support SSL/);
    const disabled = loadSubgraphConfig('humanitarian', 0, { ...base, DATABASE_SSL: 'disable' });
    const db = await openDatabase({ schema: freshSchema('tls'), databaseUrl: disabled.databaseUrl, postgres: disabled.postgres });
    expect(await db.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toEqual([{ ssl: false }]);
    await db.close();
  });
});

describe('the Postgres settings of a subgraph', () => {
  const URL = 'postgres://cmcc:db-password-not-to-show@db.example:5432/cmcc';
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadSubgraphConfig('security', 4003, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('default to a pool of 10, a 30 s statement timeout, TLS as the URL says, and the seed only on the embedded database', () => {
    const postgres = loadSubgraphConfig('security', 4003, { DATABASE_URL: URL });
    expect(postgres.postgres).toEqual({ poolMax: 10, statementTimeoutMs: 30_000 });
    expect(postgres.seed).toBe('none');
    expect(loadSubgraphConfig('security', 4003, {}).seed).toBe('synthetic');
    expect(loadSubgraphConfig('security', 4003, { SEED: 'none' }).seed).toBe('none');
  });

  it('take verify-full with a CA file, whose certificates are used', () => {
    const ca = path.join(tmp, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadSubgraphConfig('security', 4003, {
      DATABASE_URL: URL,
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: ca,
      DATABASE_POOL_MAX: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
    });
    expect(config.postgres).toEqual({ poolMax: 25, statementTimeoutMs: 0, tls: { verify: true, ca: fs.readFileSync(ca, 'utf8') } });
    expect(loadSubgraphConfig('security', 4003, { DATABASE_URL: URL, DATABASE_SSL: 'require' }).postgres.tls).toEqual({ verify: false });
    expect(loadSubgraphConfig('security', 4003, { DATABASE_URL: URL, DATABASE_SSL: 'disable' }).postgres.tls).toBe(false);
  });

  it.each([
    [{ DATABASE_POOL_MAX: '0' }, /^DATABASE_POOL_MAX must be a positive whole number/],
    [{ DATABASE_POOL_MAX: 'ten' }, /^DATABASE_POOL_MAX must be a positive whole number.*got "ten"/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '-5' }, /^DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 0/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '30s' }, /^DATABASE_STATEMENT_TIMEOUT_MS must be/],
    [{ DATABASE_SSL: 'yes' }, /^DATABASE_SSL must be disable, require or verify-full, got "yes"/],
    [{ SEED: 'demo' }, /^SEED must be synthetic or none, got "demo"/],
    [{ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/nonexistent/ca.pem' }, /^DATABASE_SSL_CA names a file that cannot be read: \/nonexistent\/ca.pem \(ENOENT\)/],
    [{ DATABASE_SSL: 'require', DATABASE_SSL_CA: '/etc/hostname' }, /^DATABASE_SSL_CA is used only with DATABASE_SSL=verify-full/],
  ])('refuse %o with a problem naming the variable', (env, problem) => {
    const problems = problemsOf({ DATABASE_URL: URL, ...env });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
    expect(problems[0]).not.toContain('db-password-not-to-show');
  });

  it('refuse a PEM-less CA file, TLS chosen both in the URL and by DATABASE_SSL, and Postgres settings without DATABASE_URL', () => {
    const notPem = path.join(tmp, 'not-a-certificate.txt');
    fs.writeFileSync(notPem, 'hello');
    expect(problemsOf({ DATABASE_URL: URL, DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: notPem })).toEqual([
      `DATABASE_SSL_CA must be a PEM file of certificates (-----BEGIN CERTIFICATE-----), got ${notPem}`,
    ]);
    const both = problemsOf({ DATABASE_URL: `${URL}?sslmode=require`, DATABASE_SSL: 'verify-full' });
    expect(both).toEqual(['DATABASE_URL sets sslmode and DATABASE_SSL is set too: choose TLS in one place (remove sslmode from DATABASE_URL)']);
    expect(problemsOf({ DATABASE_POOL_MAX: '20', DATABASE_SSL: 'require' })).toEqual([
      'DATABASE_POOL_MAX applies to Postgres only, but DATABASE_URL is unset (the embedded database is used): set DATABASE_URL or unset DATABASE_POOL_MAX',
      'DATABASE_SSL applies to Postgres only, but DATABASE_URL is unset (the embedded database is used): set DATABASE_URL or unset DATABASE_SSL',
    ]);
  });
});
