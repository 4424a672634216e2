import type { Resolvers } from '../../../kit/src/index.ts';
import { unlessWithheld, type Loaders } from '../data/loaders.ts';
import type { IsrObservation as Observation } from '../data/repository.ts';

export const IsrObservation: Resolvers<Loaders>['IsrObservation'] = {
  area: (observation: Observation) => ({ pcode: observation.areaPcode }),
  incident: (observation: Observation, _args, { loaders }) => (observation.incidentId ? unlessWithheld(loaders.incidentById.load(observation.incidentId)) : null),
};
