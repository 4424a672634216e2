import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { importers } from './data/importers.ts';
import { Activity, ReportedAidFigure } from './resolvers/Activity.ts';
import { AidDeliverySummary, Area } from './resolvers/Area.ts';
import { Convoy, TruckConsignment } from './resolvers/Convoy.ts';
import { Crossing, CrossingDailyReport } from './resolvers/Crossing.ts';
import { Facility } from './resolvers/Facility.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Organization } from './resolvers/Organization.ts';
import { Query } from './resolvers/Query.ts';
import { SecurityIncident } from './resolvers/SecurityIncident.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';

/** The humanitarian working group's subgraph: owner of `Organization`, `Crossing` and `Convoy`. */
export const humanitarian: SubgraphDefinition<Loaders> = {
  name: 'humanitarian',
  defaultPort: 4002,
  root: subgraphRoot(import.meta.url),
  resolvers: {
    Query,
    Mutation,
    Organization,
    Crossing,
    CrossingDailyReport,
    Convoy,
    TruckConsignment,
    Activity,
    ReportedAidFigure,
    Area,
    AidDeliverySummary,
    Facility,
    SecurityIncident,
    CoordinationRequest,
  },
  createLoaders,
  seed,
  importers,
};
