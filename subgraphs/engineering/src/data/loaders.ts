import { DataLoader, historyByEntity, loaderFamily, type Database, type Page, type Principal } from '../../../kit/src/index.ts';
import { createRepository, type DebrisFilter, type FacilityFilter, type TaskFilter } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement. */
export function createLoaders(db: Database, _principal: Principal) {
  const repository = createRepository(db);
  const facilityById = new DataLoader((ids: readonly string[]) => repository.facilitiesById(ids));
  return {
    facilityById,
    facilitiesByArea: loaderFamily(
      ({ filter, page }: { filter: FacilityFilter; page: Page }) =>
        new DataLoader(async (pcodes: readonly string[]) => {
          const pages = await repository.facilitiesByArea(pcodes, filter, page);
          // A facility listed under an area need not be read again when something refers to it by id.
          for (const facility of pages.flat()) facilityById.prime(facility.id, facility);
          return pages;
        }),
    ),
    assessmentsByFacility: loaderFamily(
      ({ page }: { page: Page }) => new DataLoader((ids: readonly string[]) => repository.assessmentsByFacility(ids, page)),
    ),
    assessmentById: new DataLoader((ids: readonly string[]) => repository.assessmentsById(ids)),
    taskById: new DataLoader((ids: readonly string[]) => repository.tasksById(ids)),
    tasksByArea: loaderFamily(
      ({ filter, page }: { filter: TaskFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.tasksByArea(pcodes, filter, page)),
    ),
    debrisEstimateByArea: new DataLoader((pcodes: readonly string[]) => repository.debrisEstimateByArea(pcodes)),
    debrisByArea: loaderFamily(
      ({ filter, page }: { filter: DebrisFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.debrisByArea(pcodes, filter, page)),
    ),
    structureDamageByArea: new DataLoader((pcodes: readonly string[]) => repository.structureDamageByArea(pcodes)),
    accessRoadByCrossing: new DataLoader((ids: readonly string[]) => repository.accessRoadsByCrossing(ids)),
    routeHazardByConvoy: new DataLoader((ids: readonly string[]) => repository.routeHazardsByConvoy(ids)),
    /** Change history by record id, one loader per entity type (`Facility`, `DamageAssessment`, `ExplosiveHazardTask`). */
    historyOf: loaderFamily((entityType: string) => new DataLoader((ids: readonly string[]) => historyByEntity(db, entityType, ids))),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
