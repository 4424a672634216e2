import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './db.ts';

export interface Migration {
  /** The file name without `.sql`, e.g. `001_init`; applied in this order, each once. */
  version: string;
  sql: string;
}

/** Reads `NNN_name.sql` files from a folder, in version order. */
export function readMigrations(folder: string): Migration[] {
  return fs
    .readdirSync(folder)
    .filter((file) => /^\d{3,}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: file.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(folder, file), 'utf8') }));
}

/**
 * Creates the bookkeeping tables (`schema_migrations`, `seed_state`) and applies every migration not yet recorded, each in its own transaction.
 * On Postgres an advisory lock keeps two replicas starting at once from applying the same migration twice.
 * Returns the versions it applied.
 */
export async function migrate(db: Database, migrations: Migration[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS seed_state (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${db.schema}`]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

/** Splits a migration script on semicolons that end a line; migrations keep to plain DDL, no function bodies. */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
