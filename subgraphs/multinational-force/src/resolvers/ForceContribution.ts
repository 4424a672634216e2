import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { ForceContribution as ForceContributionRow } from '../data/repository.ts';

export const ForceContribution: Resolvers<Loaders>['ForceContribution'] = {
  // Another subgraph's reference to a withheld record is null with FORBIDDEN, as a lookup by id is.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.forceContributionById.load(reference.id),
  area: (record: ForceContributionRow) => ({ pcode: record.areaPcode }),
  // A record of a nation's position (e.g. a participation objected to) names no unit: the contract's non-null fields say so.
  unit: (record: ForceContributionRow) => record.unit ?? 'No unit named',
  role: (record: ForceContributionRow) => record.role ?? 'UNSPECIFIED',
  personnel: (record: ForceContributionRow) => record.personnel ?? 0,
  readiness: (record: ForceContributionRow) => record.readiness ?? 'NOT_READY',
  history: (record: ForceContributionRow, _args, { loaders }) => loaders.historyOf('ForceContribution').load(record.id),
};
