import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { FACILITY_PAGE, FUEL_PAGE, TASK_PAGE, UTILITY_PAGE } from './limits.ts';

interface AreaRef {
  pcode: string;
}

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil administration owns the area, this subgraph only adds to it.
  __resolveReference: (reference: AreaRef) => ({ pcode: reference.pcode }),

  async facilities(area: AreaRef, args: { type?: string | null; status?: string | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, FACILITY_PAGE, 'id');
    const filter = { type: args.type ?? null, status: args.status ?? null };
    const rows = await loaders.facilitiesByArea({ filter, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  debrisEstimate: (area: AreaRef, _args, { loaders }) => loaders.debrisEstimateByArea.load(area.pcode),

  async explosiveHazardTasks(area: AreaRef, args: { status?: string | null; since?: Date | null; until?: Date | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, TASK_PAGE, 'id');
    const filter = { status: args.status ?? null, since: args.since ?? null, until: args.until ?? null };
    const rows = await loaders.tasksByArea({ filter, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  async utilityServices(area: AreaRef, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, UTILITY_PAGE, 'id');
    const rows = await loaders.utilitiesByArea({ page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  async fuelAllocations(area: AreaRef, args: { consumer?: string | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, FUEL_PAGE, 'id');
    const rows = await loaders.fuelByArea({ filter: { consumer: args.consumer ?? null }, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  structureDamage: (area: AreaRef, _args, { loaders }) => loaders.structureDamageByArea.load(area.pcode),
  hospitalFunctionality: (area: AreaRef, _args, { loaders }) => loaders.hospitalFunctionalityByArea.load(area.pcode),
};
