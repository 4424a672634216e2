import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphList } from '@cmcc/governance/composition';
import { openDatabase, prepareDatabase, schemaNameOf, type Database, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { loadDefinition } from '@cmcc/test-support/stack';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '@cmcc/test-support/services';

/** Row count and a digest of every row of every table: equal snapshots mean equal data. */
async function snapshot(db: Database): Promise<Record<string, string>> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL TIME ZONE 'UTC'`);
    const tables = await tx.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('schema_migrations', 'kit_schemaversion', 'group_schemaversion', 'seed_state') ORDER BY table_name`,
      [db.schema],
    );
    const result: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [row] = await tx.query<{ n: number; digest: string }>(
        // When a row was recorded differs between two databases; everything else must not.
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest
           FROM (SELECT to_jsonb(t) - 'recorded_at' - 'updated_at' AS r FROM ${table_name} t) rows`,
      );
      result[table_name] = `${row.n}:${row.digest}`;
    }
    return result;
  });
}

const entries = loadSubgraphList();
/** Subgraphs with no tables of their own (an empty database schema). */
const OWNS_NO_TABLES = new Set(['audit']);
const definitions = new Map<string, SubgraphDefinition<unknown>>();
const pgliteSnapshots = new Map<string, Record<string, string>>();
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-db-'));
  for (const entry of entries) definitions.set(entry.name, await loadDefinition(entry.name));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(entries.map((e) => [e.name]))('%s database on embedded PGlite', (name) => {
  it('migrates and seeds, and a restart neither duplicates nor changes the data, while keeping what was written', async () => {
    const definition = definitions.get(name)!;
    const dataDir = path.join(tmp, name);
    let db = await openDatabase({ schema: schemaNameOf(name), dataDir });
    const applied = await prepareDatabase(definition, db);
    expect(applied.length).toBeGreaterThan(0);
    const first = await snapshot(db);
    // Every subgraph seeds some table, except those that own none (audit reads the gateway's trail): only the kit's
    // bookkeeping tables, all empty.
    if (OWNS_NO_TABLES.has(name)) expect(Object.values(first).every((value) => value.startsWith('0:'))).toBe(true);
    else expect(Object.values(first).some((value) => !value.startsWith('0:'))).toBe(true);
    // A record written after seeding (as an editor would) must survive the restart.
    await db.query(`CREATE TABLE restart_probe (id text PRIMARY KEY)`);
    await db.query(`INSERT INTO restart_probe VALUES ('kept')`);
    await db.close();

    db = await openDatabase({ schema: schemaNameOf(name), dataDir });
    expect(await prepareDatabase(definition, db)).toEqual([]);
    const { restart_probe, ...second } = await snapshot(db);
    expect(second).toEqual(first);
    expect(restart_probe).toMatch(/^1:/);
    await db.close();
    pgliteSnapshots.set(name, first);
  });
});

describe.each(entries.map((e) => [e.name]))('%s database on Postgres', (name) => {
  let available = false;
  const schema = uniqueSchema(schemaNameOf(name));
  beforeAll(async () => {
    available = await postgresAvailable();
  });
  afterAll(async () => {
    if (available) await dropSchema(schema);
  });

  it('runs the same migrations, seeds the same data as PGlite when asked (SEED=synthetic), and is idempotent', async (context) => {
    if (!available) return context.skip('Postgres is not running');
    const definition = definitions.get(name)!;
    let db = await openDatabase({ schema, databaseUrl: TEST_DATABASE_URL });
    expect((await prepareDatabase(definition, db, { seed: 'synthetic' })).length).toBeGreaterThan(0);
    const first = await snapshot(db);
    await db.close();
    // Two replicas starting at once must not apply a migration or the seed twice.
    const [a, b] = await Promise.all([openDatabase({ schema, databaseUrl: TEST_DATABASE_URL }), openDatabase({ schema, databaseUrl: TEST_DATABASE_URL })]);
    await Promise.all([prepareDatabase(definition, a, { seed: 'synthetic' }), prepareDatabase(definition, b, { seed: 'synthetic' })]);
    expect(await snapshot(a)).toEqual(first);
    await Promise.all([a.close(), b.close()]);
    db = await openDatabase({ schema, databaseUrl: TEST_DATABASE_URL });
    expect(await snapshot(db)).toEqual(first);
    await db.close();
    const embedded = pgliteSnapshots.get(name);
    if (embedded) expect(first).toEqual(embedded);
  });
});
