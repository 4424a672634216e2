import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { checkWindow } from './validate.ts';

const CLOSURE_PAGE = { defaultFirst: 20, maxFirst: 200 };

type CrossingKey = { id: string };

export const Crossing: Resolvers<Loaders>['Crossing'] = {
  // Any crossing id is a valid reference: humanitarian owns the crossing, this subgraph only adds its security picture.
  __resolveReference: (reference: CrossingKey) => ({ id: reference.id }),

  threatLevel: async (crossing: CrossingKey, _args, { loaders }) => (await loaders.threatAssessmentByCrossing.load(crossing.id))?.level ?? null,
  threatAssessment: (crossing: CrossingKey, _args, { loaders }) => loaders.threatAssessmentByCrossing.load(crossing.id),

  async closures(crossing: CrossingKey, args: { since?: Date | null; until?: Date | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, CLOSURE_PAGE, 'id');
    const rows = await loaders.closuresByCrossing({ window: checkWindow(args.since, args.until), page }).load(crossing.id);
    return rows.slice(0, page.limit);
  },
};
