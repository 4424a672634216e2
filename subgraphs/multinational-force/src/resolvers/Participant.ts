import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';

/**
 * `Participant` is owned by the coordination subgraph; this group adds a participating nation's contributions. The
 * gateway asks for them only with a participant already released to the caller, and each contribution is read as
 * far as its own marking releases it (the same loader as `forceContributions(filter: { nation })`).
 */
export const Participant: Resolvers<Loaders>['Participant'] = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),

  async forceContributions(participant: { id: string }, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'id');
    const filter = { nation: participant.id, role: null, readiness: null, status: null };
    // The empty P-code is a prefix of every P-code: the nation's contributions wherever they would deploy.
    const rows = await loaders.forceContributionsByArea({ filter, page }).load('');
    return rows.slice(0, page.limit);
  },
};
