import type { Resolvers } from '@cmcc/subgraph-kit';
import { releasedAmong, type Loaders } from '../data/loaders.ts';
import type { ExplosiveHazardTask as Task, RouteHazardStatus as RouteHazard } from '../data/repository.ts';

export const Convoy: Resolvers<Loaders>['Convoy'] = {
  // Any convoy id is a valid reference: humanitarian owns the convoy, this subgraph only adds its route hazards.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  // Null when the route is not assessed or the assessment is not released to the principal.
  routeHazardStatus: (convoy: { id: string }, _args, { loaders }) => loaders.routeHazardByConvoy.load(convoy.id),
};

export const RouteHazardStatus: Resolvers<Loaders>['RouteHazardStatus'] = {
  /** The tasks along the route that are released to the principal; the others are absent, as from any list. */
  async hazardTasks(status: RouteHazard, _args, { loaders }) {
    return releasedAmong<Task>(loaders.taskById, status.hazardTaskIds);
  },
};
