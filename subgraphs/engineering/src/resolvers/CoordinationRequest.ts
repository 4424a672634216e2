import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for a coordination request: its key and, through @requires, the facility id coordination holds. */
type RequestRepresentation = { id: string; facilityId?: string | null };

export const CoordinationRequest: Resolvers<Loaders>['CoordinationRequest'] = {
  __resolveReference: (reference: RequestRepresentation) => reference,
  /** A facility not released to the caller: null with the loader's FORBIDDEN error, which names no facility. */
  facility: (request: RequestRepresentation, _args, { loaders }) => (request.facilityId ? loaders.facilityById.load(request.facilityId) : null),
};
