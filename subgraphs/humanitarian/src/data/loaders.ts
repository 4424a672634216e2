import { DataLoader, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createFlowRepository } from './flow-repository.ts';
import { createRepository, type ActivityFilter, type ConvoyFilter, type DeliveryPeriod, type ReportFilter } from './repository.ts';
import { createMedevacRepository, type MedevacFilter } from './medevac.ts';

/**
 * Per-request loaders, named by their key; each batch is one statement. Every statement on a marked table applies
 * the releasability rule for this request's principal (`viewerOf(principal)`).
 */
export function createLoaders(db: Database, principal: Principal) {
  const viewer = viewerOf(principal);
  const repository = createRepository(db, viewer);
  const flow = createFlowRepository(db, viewer);
  const medevacs = createMedevacRepository(db, viewer);
  return {
    statusPeriodsByCrossing: new DataLoader((ids: readonly string[]) => flow.statusPeriodsByCrossing(ids)),
    /** Stream reports of a daily report, by `reportKey(crossing, date, source)`. */
    streamsByReport: new DataLoader((keys: readonly string[]) => flow.streamsByReport(keys)),
    streamsInPeriod: loaderFamily(
      ({ since, until }: { since: string; until: string | null }) => new DataLoader((ids: readonly string[]) => flow.streamsInPeriod(ids, since, until)),
    ),
    streamPagesByCrossing: loaderFamily(
      ({ filter, page }: { filter: { since: string | null; until: string | null }; page: Page }) =>
        new DataLoader((ids: readonly string[]) => flow.streamPagesByCrossing(ids, filter, page)),
    ),
    stagingAreaById: new DataLoader((ids: readonly string[]) => flow.stagingAreasById(ids)),
    stagingAreasByCrossing: new DataLoader((ids: readonly string[]) => flow.stagingAreasByCrossing(ids)),
    observationsByArea: loaderFamily(
      ({ filter, page }: { filter: { since: string | null; until: string | null }; page: Page }) =>
        new DataLoader((ids: readonly string[]) => flow.observationsByArea(ids, filter, page)),
    ),
    flow,
    organizationById: new DataLoader((ids: readonly string[]) => repository.organizationsById(ids)),
    organizationsByConvoy: new DataLoader((ids: readonly string[]) => repository.organizationsByConvoy(ids)),
    crossingById: new DataLoader((ids: readonly string[]) => repository.crossingsById(ids)),
    convoyById: new DataLoader((ids: readonly string[]) => repository.convoysById(ids)),
    activityById: new DataLoader((ids: readonly string[]) => repository.activitiesById(ids)),
    reportById: new DataLoader((ids: readonly string[]) => repository.reportsById(ids)),
    consignmentById: new DataLoader((ids: readonly string[]) => repository.consignmentsById(ids)),
    reportsByCrossing: loaderFamily(
      ({ filter, page }: { filter: ReportFilter; page: Page }) =>
        new DataLoader((ids: readonly string[]) => repository.reportsByCrossing(ids, filter, page)),
    ),
    convoysByDestination: loaderFamily(
      ({ filter, page }: { filter: ConvoyFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.convoysByDestination(pcodes, filter, page)),
    ),
    consignmentsByConvoy: loaderFamily(
      (page: Page) => new DataLoader((ids: readonly string[]) => repository.consignmentsByConvoy(ids, page)),
    ),
    deliveriesByArea: loaderFamily(
      (period: DeliveryPeriod) => new DataLoader((pcodes: readonly string[]) => repository.deliveriesByArea(pcodes, period)),
    ),
    activitiesByArea: loaderFamily(
      (page: Page) => new DataLoader((pcodes: readonly string[]) => repository.activitiesByArea(pcodes, page)),
    ),
    activitiesByFacility: loaderFamily(
      (page: Page) => new DataLoader((ids: readonly string[]) => repository.activitiesByFacility(ids, page)),
    ),
    activitiesByOrganization: loaderFamily(
      (page: Page) => new DataLoader((ids: readonly string[]) => repository.activitiesByOrganization(ids, page)),
    ),
    activitiesFiltered: loaderFamily(
      ({ filter, page }: { filter: ActivityFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => repository.activitiesFiltered(pcodes, filter, page)),
    ),
    medevacById: new DataLoader((ids: readonly string[]) => medevacs.medevacsById(ids)),
    medevacsByArea: loaderFamily(
      ({ filter, page }: { filter: MedevacFilter; page: Page }) =>
        new DataLoader((pcodes: readonly string[]) => medevacs.medevacsByArea(pcodes, filter, page)),
    ),
    medevacsByCrossing: loaderFamily((page: Page) => new DataLoader((ids: readonly string[]) => medevacs.medevacsByCrossing(ids, page))),
    /** Change history by record id, one loader per entity type (CrossingDailyReport, Convoy, TruckConsignment, Activity). */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
    medevacs,
    viewer,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
