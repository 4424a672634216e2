import {
  DataLoader,
  ErrorCode,
  historyLoaders,
  loaderFamily,
  primeById,
  viewerOf,
  type Database,
  type Page,
  type Principal,
} from '@cmcc/subgraph-kit';
import { GraphQLError } from 'graphql';
import { createRepository, type AssessmentFilter, type DebrisFilter, type FacilityFilter, type FuelFilter, type TaskFilter } from './repository.ts';

/**
 * The records of a list of keys held by a visible record (a route's hazard tasks) that are released to the viewer:
 * the others are absent, as from any list. A single reference is loaded with `load` instead, so that a withheld one
 * is `null` with the kit's FORBIDDEN error (which names neither the record nor its id).
 */
export async function releasedAmong<V>(loader: DataLoader<string, V | null>, ids: readonly string[]): Promise<V[]> {
  const values = await loader.loadMany(ids);
  return values.filter((value): value is V => {
    if (value instanceof GraphQLError && value.extensions.code === ErrorCode.FORBIDDEN) return false;
    if (value instanceof Error) throw value;
    return value !== null;
  });
}

/** Per-request loaders, named by their key; each batch is one statement, read as far as the principal may see. */
export function createLoaders(db: Database, principal: Principal) {
  const repository = createRepository(db, viewerOf(principal));
  const facilityById = new DataLoader((ids: readonly string[]) => repository.facilitiesById(ids));
  return {
    facilityById,
    facilitiesByArea: loaderFamily(
      ({ filter, page }: { filter: FacilityFilter; page: Page }) =>
        new DataLoader(async (pcodes: readonly string[]) => primeById(facilityById, await repository.facilitiesByArea(pcodes, filter, page))),
    ),
    assessmentsByFacility: loaderFamily(
      ({ page }: { page: Page }) => new DataLoader((ids: readonly string[]) => repository.assessmentsByFacility(ids, page)),
    ),
    assessmentsByArea: loaderFamily(
      ({ filter, page }: { filter: AssessmentFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.assessmentsByArea(pcodes, filter, page)),
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
    utilitiesByArea: loaderFamily(({ page }: { page: Page }) => new DataLoader((pcodes: readonly string[]) => repository.utilitiesByArea(pcodes, page))),
    fuelByArea: loaderFamily(
      ({ filter, page }: { filter: FuelFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.fuelByArea(pcodes, filter, page)),
    ),
    structureDamageByArea: new DataLoader((pcodes: readonly string[]) => repository.structureDamageByArea(pcodes)),
    hospitalFunctionalityByArea: new DataLoader((pcodes: readonly string[]) => repository.hospitalFunctionalityByArea(pcodes)),
    accessRoadByCrossing: new DataLoader((ids: readonly string[]) => repository.accessRoadsByCrossing(ids)),
    routeHazardByConvoy: new DataLoader((ids: readonly string[]) => repository.routeHazardsByConvoy(ids)),
    /** Change history by record id, one loader per entity type (`Facility`, `DamageAssessment`, `ExplosiveHazardTask`). */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
