import { parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { PAGES } from './validate.ts';

export const Facility: Resolvers<Loaders>['Facility'] = {
  // Any facility id is a valid reference: engineering owns the facility, this subgraph only adds its activities.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),

  async activities(facility: { id: string }, args: PageArgs, { loaders }) {
    const page = parsePage(args, PAGES.activities, 'id');
    return (await loaders.activitiesByFacility(page).load(facility.id)).slice(0, page.limit);
  },
};
