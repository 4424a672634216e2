import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { IntelligenceReport } from './resolvers/IntelligenceReport.ts';
import { SecurityIncident } from './resolvers/SecurityIncident.ts';

/** The intelligence working group's subgraph: owner of `IntelligenceReport`. */
export const intelligence: SubgraphDefinition<Loaders> = {
  name: 'intelligence',
  defaultPort: 4006,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, IntelligenceReport, SecurityIncident, Area },
  createLoaders,
  seed,
};
