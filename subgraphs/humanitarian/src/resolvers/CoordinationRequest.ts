import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for a coordination request: its key and, through @requires, the convoy id coordination holds. */
type RequestRepresentation = { id: string; convoyId?: string | null };

export const CoordinationRequest: Resolvers<Loaders>['CoordinationRequest'] = {
  __resolveReference: (reference: RequestRepresentation) => reference,
  /** A convoy not released to the caller: null with the loader's FORBIDDEN error, which names no convoy. */
  convoy: (request: RequestRepresentation, _args, { loaders }) => (request.convoyId ? loaders.convoyById.load(request.convoyId) : null),
};
