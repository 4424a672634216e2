import { DataLoader, primeById, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository, type ReferenceColumn } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement, read as far as the principal may see. */
export function createLoaders(db: Database, principal: Principal) {
  const viewer = viewerOf(principal);
  const repository = createRepository(db, viewer);
  const coordinationRequestById = new DataLoader((ids: readonly string[]) => repository.coordinationRequestsById(ids));
  const notificationById = new DataLoader((ids: readonly string[]) => repository.notificationsById(ids));
  return {
    viewer,
    coordinationRequestById,
    coordinationRequestsByArea: loaderFamily(
      ({ page, status }: { page: Page; status: string | readonly string[] | null }) =>
        new DataLoader(async (pcodes: readonly string[]) => primeById(coordinationRequestById, await repository.coordinationRequestsByArea(pcodes, page, status))),
    ),
    /** Requests naming each entity, by the column that holds its key (convoy_id, crossing_id, facility_id, incident_id). */
    coordinationRequestsByReference: loaderFamily(
      ({ column, page }: { column: ReferenceColumn; page: Page }) =>
        new DataLoader(async (ids: readonly string[]) => primeById(coordinationRequestById, await repository.coordinationRequestsByReference(column, ids, page))),
    ),
    decisionsByRequest: new DataLoader((ids: readonly string[]) => repository.decisionsByRequest(ids)),
    participantById: new DataLoader((ids: readonly string[]) => repository.participantsById(ids)),
    notificationById,
    notificationsByArea: loaderFamily(
      ({ page }: { page: Page }) => new DataLoader(async (pcodes: readonly string[]) => primeById(notificationById, await repository.notificationsByArea(pcodes, page))),
    ),
    /** Change history by record id; only reached through a record released to the viewer. */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
