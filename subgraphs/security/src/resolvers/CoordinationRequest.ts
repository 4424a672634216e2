import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for a coordination request: its key and, through @requires, the incident id coordination holds. */
type RequestRepresentation = { id: string; incidentId?: string | null };

export const CoordinationRequest: Resolvers<Loaders>['CoordinationRequest'] = {
  __resolveReference: (reference: RequestRepresentation) => reference,
  /** An incident not released to the caller: null with the loader's FORBIDDEN error, which names no incident. */
  incident: (request: RequestRepresentation, _args, { loaders }) => (request.incidentId ? loaders.incidentById.load(request.incidentId) : null),
};
