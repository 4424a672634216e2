import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { HostageReturn as Return } from '../data/repository.ts';

export const HostageReturn: Resolvers<Loaders>['HostageReturn'] = {
  // Like every link between records: null with a FORBIDDEN error (naming no id) when the aggregate is withheld.
  countedIn: (record: Return, _args, { loaders }) => (record.countedInId ? loaders.hostageReturnById.load(record.countedInId) : null),
};
