import { DataLoader, primeById, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository, type IntelligenceReport, type ReportFilter } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement, read as far as the principal may see. */
export function createLoaders(db: Database, principal: Principal) {
  const repository = createRepository(db, viewerOf(principal));
  const intelligenceReportById = new DataLoader((ids: readonly string[]) => repository.intelligenceReportsById(ids));
  // A report listed (so released to the viewer) need not be read again when something refers to it by id.
  const primed = (pages: IntelligenceReport[][]) => primeById(intelligenceReportById, pages);
  return {
    intelligenceReportById,
    intelligenceReportsByArea: loaderFamily(
      ({ filter, page }: { filter: ReportFilter; page: Page }) =>
        new DataLoader(async (pcodes: readonly string[]) => primed(await repository.intelligenceReportsByArea(pcodes, filter, page))),
    ),
    intelligenceReportsByIncident: loaderFamily(
      ({ page }: { page: Page }) => new DataLoader(async (incidentIds: readonly string[]) => primed(await repository.intelligenceReportsByIncident(incidentIds, page))),
    ),
    /** Change history by report id; only reached through a report released to the viewer. */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
