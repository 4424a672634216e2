import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { importers } from './data/importers.ts';
import { seed } from './data/seed.ts';
import { Activity } from './resolvers/Activity.ts';
import { Area } from './resolvers/Area.ts';
import { Convoy, RouteHazardStatus } from './resolvers/Convoy.ts';
import { AccessRoadStatus, Crossing } from './resolvers/Crossing.ts';
import { DebrisEstimate, ExplosiveHazardTask, FuelAllocation, UtilityService } from './resolvers/ExplosiveHazardTask.ts';
import { DamageAssessment, Facility } from './resolvers/Facility.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { Query } from './resolvers/Query.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';

/** The engineering & infrastructure working group's subgraph: owner of `Facility`. */
export const engineering: SubgraphDefinition<Loaders> = {
  name: 'engineering',
  defaultPort: 4004,
  root: subgraphRoot(import.meta.url),
  resolvers: {
    Query,
    Mutation,
    Subscription,
    Facility,
    DamageAssessment,
    ExplosiveHazardTask,
    DebrisEstimate,
    UtilityService,
    FuelAllocation,
    Area,
    Crossing,
    AccessRoadStatus,
    Convoy,
    RouteHazardStatus,
    Activity,
    CoordinationRequest,
  },
  createLoaders,
  seed,
  importers,
};
