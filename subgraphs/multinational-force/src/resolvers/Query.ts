import { notFound, parsePage, toConnection, type Resolvers } from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';
import { checkPcode } from './validate.ts';

export const Query: Resolvers<Loaders>['Query'] = {
  async forceContributions(_root, args: { filter?: { areaPcode?: string | null } | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode) : null;
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.forceContributionsByArea({ page }).load(areaPcode ?? ''),
      loaders.repository.countForceContributions(areaPcode),
    ]);
    return toConnection(rows, page, total);
  },

  async forceContribution(_root, args: { id: string }, { loaders }) {
    // A record not released to the principal rejects with FORBIDDEN (the loader's error for that key).
    const record = await loaders.forceContributionById.load(args.id);
    if (!record) throw notFound(`No force contribution has the id "${args.id}"; list them with forceContributions`);
    return record;
  },
};
