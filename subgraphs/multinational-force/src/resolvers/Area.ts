import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';

interface AreaRef {
  pcode: string;
}

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil administration owns the area, this subgraph only adds to it.
  __resolveReference: (reference: AreaRef) => ({ pcode: reference.pcode }),

  async forceContributions(area: AreaRef, args: { readiness?: string | null; status?: string | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'id');
    const filter = { nation: null, role: null, readiness: args.readiness ?? null, status: args.status ?? null };
    const rows = await loaders.forceContributionsByArea({ filter, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  forceStrength: (area: AreaRef, _args, { loaders }) => loaders.forceStrengthByArea.load(area.pcode),

  forceCommitments: (area: AreaRef, _args, { loaders }) => loaders.forceCommitmentsByArea.load(area.pcode),
};
