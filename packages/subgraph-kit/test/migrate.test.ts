import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '@cmcc/test-support/services';
import { migrate, migrationSets, openDatabase, type Database } from '../src/index.ts';

let tmp: string;
let kitFolder: string;
let groupFolder: string;

function write(folder: string, file: string, sql: string): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, file), sql);
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-migrate-'));
  kitFolder = path.join(tmp, 'kit');
  groupFolder = path.join(tmp, 'group');
  write(kitFolder, '001_shared.sql', '-- The kit table.\nCREATE TABLE shared_thing (id text PRIMARY KEY);\n');
  write(kitFolder, '002_shared_note.sql', 'ALTER TABLE shared_thing ADD COLUMN note text;\n');
  // The group's first migration uses the kit's table: it only works if the kit's migrations ran first.
  write(groupFolder, '001_init.sql', "CREATE TABLE own_thing (id text PRIMARY KEY);\nINSERT INTO shared_thing (id, note) VALUES ('from-group', 'kit first');\n");
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sets = () => migrationSets(kitFolder, groupFolder);

/**
 * What the runner before postgrator did, written again from its description as the oracle of what older databases
 * hold: `schema_migrations (version text, applied_at)`, one row per file, the kit's as `kit/NNN_title`, and
 * `seed_state`.
 */
async function migrateAsBefore(db: Database, folders: { folder: string; prefix: string }[]): Promise<void> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS seed_state (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const { folder, prefix } of folders) {
    for (const file of fs.readdirSync(folder).sort()) {
      await db.exec(fs.readFileSync(path.join(folder, file), 'utf8'));
      await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [`${prefix}${file.replace(/\.sql$/, '')}`]);
    }
  }
}

async function tables(db: Database): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [db.schema]);
  return rows.map((r) => r.table_name);
}

describe('migrations on embedded PGlite (postgrator)', () => {
  it('applies the kit migrations before the group ones, each once, and a restart applies nothing', async () => {
    const dataDir = path.join(tmp, 'data');
    let db = await openDatabase({ schema: 'sample_group', dataDir });
    expect(await migrate(db, sets())).toEqual(['kit/001_shared', 'kit/002_shared_note', '001_init']);
    expect(await tables(db)).toEqual(['group_schemaversion', 'kit_schemaversion', 'own_thing', 'seed_state', 'shared_thing']);
    await db.close();
    db = await openDatabase({ schema: 'sample_group', dataDir });
    expect(await migrate(db, sets())).toEqual([]);
    expect(await db.query('SELECT id, note FROM shared_thing')).toEqual([{ id: 'from-group', note: 'kit first' }]);
    write(groupFolder, '002_more.sql', 'ALTER TABLE own_thing ADD COLUMN more text;\n');
    expect(await migrate(db, sets())).toEqual(['002_more']);
    await db.close();
  });

  it('adopts the record of a data directory migrated by the runner before postgrator: nothing runs twice, later migrations run', async () => {
    const dataDir = path.join(tmp, 'old-data');
    let db = await openDatabase({ schema: 'sample_group', dataDir });
    await migrateAsBefore(db, [
      { folder: kitFolder, prefix: 'kit/' },
      { folder: groupFolder, prefix: '' },
    ]);
    await db.query(`INSERT INTO own_thing VALUES ('written-before-the-upgrade')`);
    await db.close();

    write(kitFolder, '003_shared_more.sql', 'ALTER TABLE shared_thing ADD COLUMN more text;\n');
    db = await openDatabase({ schema: 'sample_group', dataDir });
    // Re-running 001_init would fail (the table exists, the row is a duplicate): only the new kit migration runs.
    expect(await migrate(db, sets())).toEqual(['kit/003_shared_more']);
    expect(await db.query('SELECT id FROM own_thing')).toEqual([{ id: 'written-before-the-upgrade' }]);
    const adopted = await db.query<{ version: number; name: string }>('SELECT version, name FROM group_schemaversion WHERE version > 0 ORDER BY version');
    expect(adopted).toEqual([{ version: 1, name: 'init' }]);
    expect(await migrate(db, sets())).toEqual([]);
    await db.close();
  });

  it('refuses to adopt a record with a hole in it, naming the missing migration', async () => {
    const db = await openDatabase({ schema: 'sample_group' });
    await migrateAsBefore(db, [{ folder: kitFolder, prefix: 'kit/' }]);
    await db.query(`DELETE FROM schema_migrations WHERE version = 'kit/001_shared'`);
    await expect(migrate(db, sets())).rejects.toThrow(/records 002_shared_note as applied but not 001_shared/);
    await db.close();
  });

  it('refuses a migration edited after it was applied, naming the file, also for one adopted from the old record', async () => {
    const db = await openDatabase({ schema: 'sample_group' });
    await migrateAsBefore(db, [{ folder: kitFolder, prefix: 'kit/' }]);
    await migrate(db, sets());
    const original = fs.readFileSync(path.join(groupFolder, '001_init.sql'), 'utf8');
    write(groupFolder, '001_init.sql', 'CREATE TABLE own_thing (id text PRIMARY KEY, edited text);\n');
    await expect(migrate(db, sets())).rejects.toThrow(/001_init\.sql was edited after it was applied to schema sample_group .*make the change in a new migration/);
    write(groupFolder, '001_init.sql', original);
    write(kitFolder, '002_shared_note.sql', 'ALTER TABLE shared_thing ADD COLUMN note varchar;\n');
    await expect(migrate(db, sets())).rejects.toThrow(/002_shared_note\.sql was edited after it was applied/);
    await db.close();
  });

  it('applies nothing when a migration fails, and says which file failed and why', async () => {
    const db = await openDatabase({ schema: 'sample_group' });
    write(groupFolder, '002_broken.sql', 'ALTER TABLE no_such_table ADD COLUMN x text;\n');
    await expect(migrate(db, sets())).rejects.toThrow(/Migration .*002_broken\.sql failed on schema sample_group, nothing was applied: .*no_such_table/);
    expect(await tables(db)).toEqual([]);
    await db.close();
  });

  it('refuses a .sql file not named NNN_title.sql instead of never applying it', async () => {
    const db = await openDatabase({ schema: 'sample_group' });
    write(groupFolder, '003.do.postgrator-style.sql', 'SELECT 1;\n');
    await expect(migrate(db, sets())).rejects.toThrow(/003\.do\.postgrator-style\.sql is not named NNN_title\.sql/);
    await db.close();
  });
});

describe('migrations on Postgres (postgrator)', () => {
  let available = false;
  const schema = uniqueSchema('migrate_test');
  beforeAll(async () => {
    available = await postgresAvailable();
  });
  afterAll(async () => {
    if (available) await dropSchema(schema);
  });

  it('adopts the old record in its own schema only, and two replicas upgrading at once apply a new migration once', async (context) => {
    if (!available) return context.skip('Postgres is not running');
    const other = uniqueSchema('migrate_other');
    const old = await openDatabase({ schema, databaseUrl: TEST_DATABASE_URL });
    await migrateAsBefore(old, [
      { folder: kitFolder, prefix: 'kit/' },
      { folder: groupFolder, prefix: '' },
    ]);
    await old.close();
    // Another subgraph's schema on the same server, already on postgrator: its tables must not be taken for ours.
    const neighbour = await openDatabase({ schema: other, databaseUrl: TEST_DATABASE_URL });
    try {
      await migrate(neighbour, sets());
      write(groupFolder, '002_more.sql', 'ALTER TABLE own_thing ADD COLUMN more text;\n');
      const [a, b] = await Promise.all([openDatabase({ schema, databaseUrl: TEST_DATABASE_URL }), openDatabase({ schema, databaseUrl: TEST_DATABASE_URL })]);
      const applied = await Promise.all([migrate(a, sets()), migrate(b, sets())]);
      expect(applied.flat()).toEqual(['002_more']);
      expect(await a.query('SELECT version::int AS version FROM group_schemaversion WHERE version > 0 ORDER BY version')).toEqual([{ version: 1 }, { version: 2 }]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await neighbour.close();
      await dropSchema(other);
    }
  });
});
