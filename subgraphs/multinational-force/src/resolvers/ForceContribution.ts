import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { ForceContribution as ForceContributionRow } from '../data/repository.ts';

export const ForceContribution: Resolvers<Loaders>['ForceContribution'] = {
  // Another subgraph's reference to a withheld record is null with FORBIDDEN, as a lookup by id is.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.forceContributionById.load(reference.id),
  area: (record: ForceContributionRow) => ({ pcode: record.areaPcode }),
  history: (record: ForceContributionRow, _args, { loaders }) => loaders.historyOf('ForceContribution').load(record.id),
};
