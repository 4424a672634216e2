import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for an incident: its key and, through @requires, the convoy id security holds. */
type IncidentRepresentation = { id: string; convoyId?: string | null };

export const SecurityIncident: Resolvers<Loaders>['SecurityIncident'] = {
  __resolveReference: (reference: IncidentRepresentation) => reference,
  /** A convoy not released to the caller: null with the loader's FORBIDDEN error, which names no convoy. */
  convoy: (incident: IncidentRepresentation, _args, { loaders }) => (incident.convoyId ? loaders.convoyById.load(incident.convoyId) : null),
};
