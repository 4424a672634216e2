import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Area as AreaRecord } from '../data/repository.ts';

const SITE_PAGE = { defaultFirst: 50, maxFirst: 500 };
const MOVEMENT_PAGE = { defaultFirst: 100, maxFirst: 1000 };

/** Published surfaces [R], by P-code: the Gaza Strip is about 365 km². */
const PUBLISHED_SURFACE_KM2: Readonly<Record<string, number>> = Object.freeze({ PS02: 365 });

export const Area: Resolvers<Loaders>['Area'] = {
  __resolveReference: (reference: { pcode: string }, { loaders }) => loaders.areaByPcode.load(reference.pcode),
  parent: (area: AreaRecord, _args, { loaders }) => (area.parentPcode ? loaders.areaByPcode.load(area.parentPcode) : null),
  children: (area: AreaRecord, _args, { loaders }) => loaders.areasByParent.load(area.pcode),
  surfaceKm2: (area: AreaRecord) => PUBLISHED_SURFACE_KM2[area.pcode] ?? null,
  populationEstimates: (area: AreaRecord, _args, { loaders }) => loaders.populationByArea.load(area.pcode),
  municipalities: (area: AreaRecord, _args, { loaders }) => loaders.municipalitiesByArea.load(area.pcode),

  async displacementSites(area: AreaRecord, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, SITE_PAGE, 'id');
    const rows = await loaders.sitesByArea({ filter: { areaPcode: null, type: null }, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  async populationMovements(area: AreaRecord, args: { since?: Date | null; until?: Date | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, MOVEMENT_PAGE, 'id');
    const filter = { since: args.since ?? null, until: args.until ?? null };
    const rows = await loaders.movementsByArea({ filter, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },
};
