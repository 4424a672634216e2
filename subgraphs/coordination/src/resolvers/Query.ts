import { checkPcode, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { RECORD_PAGE } from './limits.ts';

export const Query: Resolvers<Loaders>['Query'] = {
  async coordinationRequests(_root, args: { filter?: { areaPcode?: string | null } | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode, 'areaPcode') : null;
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.coordinationRequestsByArea({ page }).load(areaPcode ?? ''),
      loaders.repository.countCoordinationRequests(areaPcode),
    ]);
    return toConnection(rows, page, total);
  },

  async coordinationRequest(_root, args: { id: string }, { loaders }) {
    // A record not released to the principal rejects with FORBIDDEN (the loader's error for that key).
    const record = await loaders.coordinationRequestById.load(args.id);
    if (!record) throw notFound(`No coordination request has the id "${args.id}"; list them with coordinationRequests`);
    return record;
  },
};
