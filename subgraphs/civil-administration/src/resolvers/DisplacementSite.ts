import { yellowLineSideOf, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { DisplacementSite as Site, PopulationMovement as Movement } from '../data/repository.ts';

export const DisplacementSite: Resolvers<Loaders>['DisplacementSite'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.siteById.load(reference.id),
  area: (site: Site, _args, { loaders }) => loaders.areaByPcode.load(site.areaPcode),
  siteManager: (site: Site) => (site.siteManagerOrgId ? { id: site.siteManagerOrgId } : null),
  history: (site: Site, _args, { loaders }) => loaders.historyOf('DisplacementSite').load(site.id),
  yellowLineSide(site: Site, args: { at?: Date | null }) {
    if (site.latitude == null || site.longitude == null) return null;
    return yellowLineSideOf(site.latitude, site.longitude, args.at ?? new Date());
  },
};

export const PopulationMovement: Resolvers<Loaders>['PopulationMovement'] = {
  area: (movement: Movement, _args, { loaders }) => loaders.areaByPcode.load(movement.areaPcode),
  history: (movement: Movement, _args, { loaders }) => loaders.historyOf('PopulationMovement').load(movement.id),
};
