import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { IsrObservation as Observation } from '../data/repository.ts';

export const IsrObservation: Resolvers<Loaders>['IsrObservation'] = {
  area: (observation: Observation) => ({ pcode: observation.areaPcode }),
  incident: (observation: Observation, _args, { loaders }) => (observation.incidentId ? loaders.incidentById.load(observation.incidentId) : null),
};
