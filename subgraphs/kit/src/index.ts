// The subgraph kit: everything here is public API for the working groups' subgraphs; add with intention.
export * from './config.ts';
export * from './db.ts';
export * from './errors.ts';
export * from './http.ts';
export * from './loaders.ts';
export * from './logger.ts';
export * from './marking.ts';
export * from './migrate.ts';
export * from './pagination.ts';
export * from './principal.ts';
export * from './scalars.ts';
export * from './seed.ts';
export * from './subgraph.ts';
export * from './reference.ts';
export * from './sql.ts';
export * from './write.ts';
export * from './import.ts';
