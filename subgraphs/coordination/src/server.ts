import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';
import { HumanitarianNotification } from './resolvers/HumanitarianNotification.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { Participant } from './resolvers/Participant.ts';
import { Query } from './resolvers/Query.ts';
import { Convoy, Crossing, Facility, SecurityIncident } from './resolvers/references.ts';

/** The coordination working group's subgraph: owner of `Participant`, `CoordinationRequest` and `HumanitarianNotification`. */
export const coordination: SubgraphDefinition<Loaders> = {
  name: 'coordination',
  defaultPort: 4008,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, Subscription, CoordinationRequest, HumanitarianNotification, Participant, Area, Convoy, Crossing, Facility, SecurityIncident },
  createLoaders,
  seed,
};
