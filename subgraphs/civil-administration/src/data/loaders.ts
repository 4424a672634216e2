import { DataLoader, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository, type MovementFilter, type SiteFilter } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement. */
export function createLoaders(db: Database, principal: Principal) {
  const repository = createRepository(db, viewerOf(principal));
  return {
    areaByPcode: new DataLoader((pcodes: readonly string[]) => repository.areasByPcode(pcodes)),
    areasByParent: new DataLoader((pcodes: readonly string[]) => repository.childrenByParent(pcodes)),
    populationByArea: new DataLoader((pcodes: readonly string[]) => repository.populationByArea(pcodes)),
    municipalitiesByArea: new DataLoader((pcodes: readonly string[]) => repository.municipalitiesByArea(pcodes)),
    siteById: new DataLoader((ids: readonly string[]) => repository.sitesById(ids)),
    sitesByArea: loaderFamily(
      ({ filter, page }: { filter: SiteFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.sitesByArea(pcodes, filter, page)),
    ),
    movementsByArea: loaderFamily(
      ({ filter, page }: { filter: MovementFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.movementsByArea(pcodes, filter, page)),
    ),
    serviceStatusByFacility: new DataLoader((ids: readonly string[]) => repository.serviceStatusByFacility(ids)),
    governingBodyById: new DataLoader((ids: readonly string[]) => repository.governingBodiesById(ids)),
    stepsByBody: new DataLoader((ids: readonly string[]) => repository.stepsByBody(ids)),
    membersByBody: new DataLoader((ids: readonly string[]) => repository.membersByBody(ids)),
    movementById: new DataLoader((ids: readonly string[]) => repository.movementsById(ids)),
    /** Change history by record id, one loader per entity type. */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
