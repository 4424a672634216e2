// The subgraph kit: everything here is public API for the working groups' subgraphs; add with intention.
export * from '@cmcc/platform';
export * from './db.ts';
export * from '@cmcc/contracts';
export * from './loaders.ts';
export { migrate, migrationSets, readMigrations, type MigrationSet } from './migrate.ts';
export * from './pagination.ts';
export * from './seed.ts';
export * from './subgraph.ts';
export * from './used-tokens.ts';
export * from './definitions.ts';
export * from './reference.ts';
export * from './sql.ts';
export * from './write.ts';
export * from './history.ts';
export * from './write-rule.ts';
export * from './import.ts';
export * from './validate.ts';
export * from './geography.ts';
