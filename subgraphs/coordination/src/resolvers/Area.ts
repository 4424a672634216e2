import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';

interface AreaRef {
  pcode: string;
}

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil administration owns the area, this subgraph only adds to it.
  __resolveReference: (reference: AreaRef) => ({ pcode: reference.pcode }),

  async coordinationRequests(area: AreaRef, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'id');
    const rows = await loaders.coordinationRequestsByArea({ page, status: null }).load(area.pcode);
    return rows.slice(0, page.limit);
  },
};
