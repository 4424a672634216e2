import { DataLoader, primeById, historyLoaders, loaderFamily, viewerOf, type Database, type Page, type Principal } from '@cmcc/subgraph-kit';
import { createRepository, type ContributionFilter } from './repository.ts';

/** Per-request loaders, named by their key; each batch is one statement, read as far as the principal may see. */
export function createLoaders(db: Database, principal: Principal) {
  const repository = createRepository(db, viewerOf(principal));
  const forceContributionById = new DataLoader((ids: readonly string[]) => repository.forceContributionsById(ids));
  return {
    forceContributionById,
    forceContributionsByArea: loaderFamily(
      ({ filter, page }: { filter: ContributionFilter; page: Page }) =>
        new DataLoader(async (pcodes: readonly string[]) => primeById(forceContributionById, await repository.forceContributionsByArea(pcodes, filter, page))),
    ),
    forceStrengthByArea: new DataLoader((pcodes: readonly string[]) => repository.forceStrengthByArea(pcodes)),
    forceCommitmentsByArea: new DataLoader((pcodes: readonly string[]) => repository.forceCommitmentsByArea(pcodes)),
    /** Change history by contribution id; only reached through a contribution released to the viewer. */
    historyOf: historyLoaders(db, principal, new URL('../../schema.graphql', import.meta.url)),
    repository,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
