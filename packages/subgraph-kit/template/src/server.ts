import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { Area } from './resolvers/Area.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { SampleGroupRecord } from './resolvers/SampleGroupRecord.ts';

/** The sample group working group's subgraph: owner of `SampleGroupRecord`. */
export const sampleGroup: SubgraphDefinition<Loaders> = {
  name: 'sample-group',
  defaultPort: 4999,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, SampleGroupRecord, Area },
  createLoaders,
  seed,
};
