import { subgraphRoot, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { importers } from './data/importers.ts';
import { Area } from './resolvers/Area.ts';
import { DisplacementSite, PopulationMovement } from './resolvers/DisplacementSite.ts';
import { Facility, ServiceStatus } from './resolvers/Facility.ts';
import { GoverningBody, GoverningBodyMember } from './resolvers/GoverningBody.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Municipality } from './resolvers/Municipality.ts';
import { Query } from './resolvers/Query.ts';

/** The civil-administration working group's subgraph: owner of `Area`. */
export const civilAdministration: SubgraphDefinition<Loaders> = {
  name: 'civil-administration',
  defaultPort: 4001,
  root: subgraphRoot(import.meta.url),
  resolvers: { Query, Mutation, Area, DisplacementSite, PopulationMovement, Facility, ServiceStatus, Municipality, GoverningBody, GoverningBodyMember },
  createLoaders,
  seed,
  importers,
};
