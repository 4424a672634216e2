import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for an activity: its key and, through @requires, the facility id humanitarian holds. */
type ActivityRepresentation = { id: string; facilityId?: string | null };

export const Activity: Resolvers<Loaders>['Activity'] = {
  __resolveReference: (reference: ActivityRepresentation) => reference,
  /** A facility not released to the caller: null with the loader's FORBIDDEN error, which names no facility. */
  facility: (activity: ActivityRepresentation, _args, { loaders }) => (activity.facilityId ? loaders.facilityById.load(activity.facilityId) : null),
};
