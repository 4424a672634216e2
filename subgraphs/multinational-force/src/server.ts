import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { ForceContribution } from './resolvers/ForceContribution.ts';
import { Participant } from './resolvers/Participant.ts';

/** The multinational force working group's subgraph: owner of `ForceContribution`. */
export const multinationalForce: SubgraphDefinition<Loaders> = {
  name: 'multinational-force',
  defaultPort: 4007,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, ForceContribution, Area, Participant },
  createLoaders,
  seed,
};
