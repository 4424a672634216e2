import type { Resolvers } from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import type { ExplosiveHazardTask as Task, RouteHazardStatus as RouteHazard } from '../data/repository.ts';

export const Convoy: Resolvers<Loaders>['Convoy'] = {
  // Any convoy id is a valid reference: humanitarian owns the convoy, this subgraph only adds its route hazards.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  routeHazardStatus: (convoy: { id: string }, _args, { loaders }) => loaders.routeHazardByConvoy.load(convoy.id),
};

export const RouteHazardStatus: Resolvers<Loaders>['RouteHazardStatus'] = {
  async hazardTasks(status: RouteHazard, _args, { loaders }) {
    const tasks = await loaders.taskById.loadMany(status.hazardTaskIds);
    return tasks.filter((task): task is Task => task !== null && !(task instanceof Error));
  },
};
