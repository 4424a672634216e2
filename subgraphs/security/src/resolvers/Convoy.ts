import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

const INCIDENT_PAGE = { defaultFirst: 50, maxFirst: 200 };

type ConvoyKey = { id: string };

export const Convoy: Resolvers<Loaders>['Convoy'] = {
  // Any convoy id is a valid reference: humanitarian owns the convoy, this subgraph only adds its incidents.
  __resolveReference: (reference: ConvoyKey) => ({ id: reference.id }),

  async incidents(convoy: ConvoyKey, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, INCIDENT_PAGE, 'id');
    const rows = await loaders.incidentsByConvoy({ page }).load(convoy.id);
    return rows.slice(0, page.limit);
  },
};
