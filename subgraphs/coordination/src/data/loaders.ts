import { DataLoader, primeById, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement, read as far as the principal may see. */
export function createLoaders(db: Database, principal: Principal) {
  const repository = createRepository(db, viewerOf(principal));
  const coordinationRequestById = new DataLoader((ids: readonly string[]) => repository.coordinationRequestsById(ids));
  return {
    coordinationRequestById,
    coordinationRequestsByArea: loaderFamily(
      ({ page }: { page: Page }) =>
        new DataLoader(async (pcodes: readonly string[]) => primeById(coordinationRequestById, await repository.coordinationRequestsByArea(pcodes, page))),
    ),
    /** Change history by record id; only reached through a record released to the viewer. */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
