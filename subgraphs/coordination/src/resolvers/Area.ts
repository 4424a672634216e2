import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';

interface AreaRef {
  pcode: string;
}

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil administration owns the area, this subgraph only adds to it.
  __resolveReference: (reference: AreaRef) => ({ pcode: reference.pcode }),

  async coordinationRequests(area: AreaRef, args: { status?: readonly string[] | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'id');
    // An omitted or null filter lists every status; the filter is applied in SQL beside rule v2, so the page holds only released matches.
    const status = args.status ? [...new Set(args.status)].sort() : null;
    const rows = await loaders.coordinationRequestsByArea({ page, status }).load(area.pcode);
    return rows.slice(0, page.limit);
  },
};
