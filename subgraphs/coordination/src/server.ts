import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';

/** The coordination working group's subgraph: owner of `CoordinationRequest`. */
export const coordination: SubgraphDefinition<Loaders> = {
  name: 'coordination',
  defaultPort: 4008,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, CoordinationRequest, Area },
  createLoaders,
  seed,
};
