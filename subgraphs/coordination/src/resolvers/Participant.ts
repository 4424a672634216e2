import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

export const Participant: Resolvers<Loaders>['Participant'] = {
  // A withheld participant asked for by reference (e.g. from multinational-force) is null with FORBIDDEN.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.participantById.load(reference.id),
};
