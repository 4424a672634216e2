import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { importers } from './data/importers.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { CeasefireViolationReport } from './resolvers/CeasefireViolationReport.ts';
import { Convoy } from './resolvers/Convoy.ts';
import { Crossing } from './resolvers/Crossing.ts';
import { HostageReturn } from './resolvers/HostageReturn.ts';
import { IntelligenceReport } from './resolvers/IntelligenceReport.ts';
import { IsrObservation } from './resolvers/IsrObservation.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { Query } from './resolvers/Query.ts';
import { SecurityIncident } from './resolvers/SecurityIncident.ts';
import { CrossingClosure, ThreatAssessment } from './resolvers/ThreatAssessment.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';

/** The security working group's subgraph: owner of `SecurityIncident`. */
export const security: SubgraphDefinition<Loaders> = {
  name: 'security',
  defaultPort: 4003,
  root: subgraphRoot(import.meta.url),
  resolvers: {
    Query,
    Mutation,
    Subscription,
    SecurityIncident,
    CeasefireViolationReport,
    IsrObservation,
    ThreatAssessment,
    CrossingClosure,
    HostageReturn,
    Area,
    Crossing,
    Convoy,
    IntelligenceReport,
    CoordinationRequest,
  },
  createLoaders,
  seed,
  importers,
};
