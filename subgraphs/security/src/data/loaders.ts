import { DataLoader, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository, type IncidentFilter, type ObservationFilter, type ViolationReportFilter, type Window } from './repository.ts';

/**
 * Per-request loaders, named by their key; each batch is one statement. The repository reads every marked table
 * through the releasability rule for this request's principal, so nothing cached here outlives what it may see.
 */
export function createLoaders(db: Database, principal: Principal) {
  const viewer = viewerOf(principal);
  const repository = createRepository(db, viewer);
  return {
    incidentById: new DataLoader((ids: readonly string[]) => repository.incidentsById(ids)),
    incidentsByArea: loaderFamily(
      ({ filter, page }: { filter: Omit<IncidentFilter, 'areaPcode'>; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.incidentsByArea(pcodes, filter, page)),
    ),
    incidentsByConvoy: loaderFamily(
      ({ page }: { page: Page }) => new DataLoader((convoyIds: readonly string[]) => repository.incidentsByConvoy(convoyIds, page)),
    ),
    violationReportById: new DataLoader((ids: readonly string[]) => repository.violationReportsById(ids)),
    violationReportsByArea: loaderFamily(
      ({ filter, page }: { filter: ViolationReportFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.violationReportsByArea(pcodes, filter, page)),
    ),
    observationById: new DataLoader((ids: readonly string[]) => repository.observationsById(ids)),
    observationsByArea: loaderFamily(
      ({ filter, page }: { filter: ObservationFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.observationsByArea(pcodes, filter, page)),
    ),
    hostageReturnById: new DataLoader((ids: readonly string[]) => repository.hostageReturnsById(ids)),
    threatAssessmentByArea: new DataLoader((pcodes: readonly string[]) => repository.latestAssessmentByArea(pcodes)),
    threatAssessmentByCrossing: new DataLoader((crossingIds: readonly string[]) => repository.latestAssessmentByCrossing(crossingIds)),
    closuresByCrossing: loaderFamily(
      ({ window, page }: { window: Window; page: Page }) =>
        new DataLoader((crossingIds: readonly string[]) => repository.closuresByCrossing(crossingIds, window, page)),
    ),
    /** Change history by record id, one loader per entity type (SecurityIncident, CeasefireViolationReport). */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
