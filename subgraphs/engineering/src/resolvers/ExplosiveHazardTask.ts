import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { DebrisEstimate as Debris, ExplosiveHazardTask as Task, FuelAllocation as Fuel, UtilityService as Utility } from '../data/repository.ts';

export const ExplosiveHazardTask: Resolvers<Loaders>['ExplosiveHazardTask'] = {
  area: (task: Task) => ({ pcode: task.areaPcode }),
  facility: (task: Task, _args, { loaders }) => (task.facilityId ? loaders.facilityById.load(task.facilityId) : null),
  requestedBy: (task: Task) => (task.requestedByOrgId ? { id: task.requestedByOrgId } : null),
  history: (task: Task, _args, { loaders }) => loaders.historyOf('ExplosiveHazardTask').load(task.id),
};

export const DebrisEstimate: Resolvers<Loaders>['DebrisEstimate'] = {
  area: (estimate: Debris) => ({ pcode: estimate.areaPcode }),
};

export const UtilityService: Resolvers<Loaders>['UtilityService'] = {
  area: (service: Utility) => ({ pcode: service.areaPcode }),
};

export const FuelAllocation: Resolvers<Loaders>['FuelAllocation'] = {
  area: (allocation: Fuel) => ({ pcode: allocation.areaPcode }),
};
