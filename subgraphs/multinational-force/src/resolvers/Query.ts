import { checkPcode, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';
import { checkNation } from './validate.ts';

interface FilterArgs {
  nation?: string | null;
  role?: string | null;
  readiness?: string | null;
  status?: string | null;
  areaPcode?: string | null;
}

export const Query: Resolvers<Loaders>['Query'] = {
  async forceContributions(_root, args: { filter?: FilterArgs | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode, 'areaPcode') : null;
    const filter = {
      nation: args.filter?.nation ? checkNation(args.filter.nation) : null,
      role: args.filter?.role ?? null,
      readiness: args.filter?.readiness ?? null,
      status: args.filter?.status ?? null,
    };
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.forceContributionsByArea({ filter, page }).load(areaPcode ?? ''),
      loaders.repository.countForceContributions(areaPcode, filter),
    ]);
    return toConnection(rows, page, total);
  },

  // The empty P-code is a prefix of every P-code: the whole graph's released contributions.
  forceCommitments: (_root, _args, { loaders }) => loaders.forceCommitmentsByArea.load(''),

  async forceContribution(_root, args: { id: string }, { loaders }) {
    // A contribution not released to the principal rejects with FORBIDDEN (the loader's error for that key).
    const contribution = await loaders.forceContributionById.load(args.id);
    if (!contribution) throw notFound(`No force contribution has the id "${args.id}"; list them with forceContributions`);
    return contribution;
  },
};
