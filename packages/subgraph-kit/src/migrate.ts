import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Postgrator from 'postgrator';
import type { Database, Queryable } from './db.ts';

/** A folder of migrations applied as one set, recorded in its own table (see `migrate`). */
export interface MigrationSet {
  /** Names the set: its table is `<schema>.<name>_schemaversion`, and its versions are reported as `<name>/NNN_title`. */
  name: string;
  /** Folder of `NNN_title.sql` files, applied in version order, each once. */
  folder: string;
  /**
   * How the runner before postgrator recorded a file of this set in `schema_migrations` (its file name without
   * `.sql`, with a prefix for the kit's): used once, to adopt what an older database already holds.
   */
  legacyVersion?: (fileVersion: string) => string;
}

/** The kit's shared tables and the group's own, in the order they apply. */
export function migrationSets(kitFolder: string, groupFolder: string): MigrationSet[] {
  return [
    { name: 'kit', folder: kitFolder, legacyVersion: (version) => `kit/${version}` },
    { name: 'group', folder: groupFolder, legacyVersion: (version) => version },
  ];
}

const FILE = /^(\d{3,})_([\w-]+)\.sql$/;

interface MigrationFile extends Postgrator.Migration {
  /** The file name without `.sql`, e.g. `001_init`. */
  fileVersion: string;
}

/** Reads `NNN_title.sql` files from a folder, in version order; any other `.sql` file there is refused (it would never run). */
export function readMigrations(folder: string): MigrationFile[] {
  const files = fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match) throw new Error(`Migration file ${path.join(folder, file)} is not named NNN_title.sql (e.g. 003_add_index.sql): rename it, or it would never be applied.`);
    const filename = path.join(folder, file);
    const sql = fs.readFileSync(filename, 'utf8');
    const previous = migrations.find((m) => m.version === Number(match[1]));
    if (previous) throw new Error(`Migrations ${previous.fileVersion}.sql and ${file} in ${folder} have the same version ${match[1]}: renumber the newer one.`);
    migrations.push({
      version: Number(match[1]),
      action: 'do',
      filename,
      name: match[2],
      // Postgrator's checksum: the MD5 of the file as read.
      md5: createHash('md5').update(sql, 'utf8').digest('hex'),
      getSql: () => sql,
      fileVersion: file.replace(/\.sql$/, ''),
    });
  }
  return migrations;
}

/** Postgrator over one folder, read with the kit's file naming (`NNN_title.sql`) instead of postgrator's (`NNN.do.title.sql`). */
class FolderPostgrator extends Postgrator {
  constructor(
    options: Postgrator.PostgreSQLOptions,
    private readonly files: MigrationFile[],
  ) {
    super(options);
  }
  override async getMigrations(): Promise<Postgrator.Migration[]> {
    (this as unknown as { migrations: Postgrator.Migration[] }).migrations = this.files;
    return this.files;
  }
}

/**
 * Applies every migration of each set not yet applied, with postgrator, in one transaction: all of them are applied, or
 * none. On Postgres an advisory lock keeps two replicas starting at once from applying the same migration twice. Each
 * set is recorded in its own postgrator table in the subgraph's schema (`kit_schemaversion`, `group_schemaversion`),
 * with the checksum of each file: a migration edited after it was applied is refused.
 *
 * A database the runner before postgrator migrated holds its record in `schema_migrations`; the first run adopts it
 * (records those versions, with the checksums of today's files, in postgrator's table) so that nothing runs twice.
 * Also creates `seed_state`, the seed's bookkeeping. Returns the versions it applied, as `kit/001_title` or `001_title`.
 */
export async function migrate(db: Database, sets: MigrationSet[]): Promise<string[]> {
  const files = sets.map((set) => ({ set, migrations: readMigrations(set.folder) }));
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') {
      // A migration may take longer than a request may (DATABASE_STATEMENT_TIMEOUT_MS), and so may waiting for the lock.
      await tx.query('SET LOCAL statement_timeout = 0');
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${db.schema}`]);
    }
    await tx.query(`CREATE TABLE IF NOT EXISTS ${db.schema}.seed_state (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied: string[] = [];
    for (const { set, migrations } of files) {
      const table = `${set.name}_schemaversion`;
      await adoptLegacyRecord(tx, db.schema, table, set, migrations);
      const postgrator = new FolderPostgrator(
        {
          driver: 'pg',
          schemaTable: `${db.schema}.${table}`,
          validateChecksums: true,
          execQuery: async (query) => ({ rows: await tx.query(query) }),
          execSqlScript: async (script) => {
            for (const statement of splitStatements(script)) await tx.query(statement);
          },
        },
        migrations,
      );
      let current: MigrationFile | undefined;
      postgrator.on('migration-started', (migration) => void (current = migration as MigrationFile));
      try {
        const done = (await postgrator.migrate()) as MigrationFile[];
        applied.push(...done.map((m) => reported(set, m)));
      } catch (error) {
        throw explain(error, set, migrations, current, db.schema);
      }
    }
    return applied;
  });
}

function reported(set: MigrationSet, migration: MigrationFile): string {
  return set.name === 'group' ? migration.fileVersion : `${set.name}/${migration.fileVersion}`;
}

function explain(error: unknown, set: MigrationSet, migrations: MigrationFile[], current: MigrationFile | undefined, schema: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const checksum = /^MD5 checksum failed for migration \[(\d+)\]/.exec(message);
  if (checksum) {
    const file = migrations.find((m) => m.version === Number(checksum[1]));
    return new Error(
      `Migration ${file?.filename ?? checksum[1]} was edited after it was applied to schema ${schema} (its checksum differs from the one recorded): restore it, and make the change in a new migration.`,
      { cause: error },
    );
  }
  if (current) return new Error(`Migration ${current.filename} failed on schema ${schema}, nothing was applied: ${message}`, { cause: error });
  return new Error(`Migrating the ${set.name} tables of schema ${schema} failed: ${message}`, { cause: error });
}

/**
 * Records in postgrator's table the versions the runner before it applied (`schema_migrations`), once: when that
 * table exists and postgrator's does not yet. Those versions must be a prefix of the folder (postgrator applies every
 * version above the highest recorded one); anything else is refused rather than guessed.
 */
async function adoptLegacyRecord(tx: Queryable, schema: string, table: string, set: MigrationSet, migrations: MigrationFile[]): Promise<void> {
  if (!set.legacyVersion) return;
  const [{ legacy, adopted }] = await tx.query<{ legacy: string | null; adopted: string | null }>(`SELECT to_regclass($1)::text AS legacy, to_regclass($2)::text AS adopted`, [
    `${schema}.schema_migrations`,
    `${schema}.${table}`,
  ]);
  if (!legacy || adopted) return;
  const rows = await tx.query<{ version: string; applied_at: string }>(`SELECT version, applied_at::text AS applied_at FROM ${schema}.schema_migrations`);
  const appliedAt = new Map(rows.map((row) => [row.version, row.applied_at]));
  const done = migrations.filter((m) => appliedAt.has(set.legacyVersion!(m.fileVersion)));
  const missing = migrations.slice(0, done.length).filter((m) => !done.includes(m));
  if (missing.length > 0) {
    throw new Error(
      `Schema ${schema} records ${done.map((m) => m.fileVersion).join(', ')} as applied but not ${missing.map((m) => m.fileVersion).join(', ')}, which comes before: the ${set.name} migrations cannot be adopted in order. Apply or renumber the missing one by hand.`,
    );
  }
  await tx.query(`CREATE TABLE ${schema}.${table} (version bigint PRIMARY KEY, name text, md5 text, run_at timestamptz)`);
  await tx.query(`INSERT INTO ${schema}.${table} (version) VALUES (0)`);
  for (const migration of done) {
    await tx.query(`INSERT INTO ${schema}.${table} (version, name, md5, run_at) VALUES ($1, $2, $3, $4)`, [
      migration.version,
      migration.name,
      migration.md5,
      appliedAt.get(set.legacyVersion(migration.fileVersion)),
    ]);
  }
}

/** Splits a migration script on semicolons that end a line; migrations keep to plain DDL, no function bodies. */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
