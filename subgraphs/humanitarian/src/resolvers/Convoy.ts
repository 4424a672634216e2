import { parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Convoy as ConvoyRecord, TruckConsignment as ConsignmentRecord } from '../data/repository.ts';
import { PAGES } from './validate.ts';

export const Convoy: Resolvers<Loaders>['Convoy'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.convoyById.load(reference.id),
  requestingOrganizations: (convoy: ConvoyRecord, _args, { loaders }) => loaders.organizationsByConvoy.load(convoy.id),
  crossing: (convoy: ConvoyRecord, _args, { loaders }) => (convoy.crossingId ? loaders.crossingById.load(convoy.crossingId) : null),
  destination: (convoy: ConvoyRecord) => ({ pcode: convoy.destinationPcode }),
  history: (convoy: ConvoyRecord, _args, { loaders }) => loaders.historyOf('Convoy').load(convoy.id),

  async consignments(convoy: ConvoyRecord, args: PageArgs, { loaders }) {
    const page = parsePage(args, PAGES.consignments, 'id');
    return (await loaders.consignmentsByConvoy(page).load(convoy.id)).slice(0, page.limit);
  },
};

export const TruckConsignment: Resolvers<Loaders>['TruckConsignment'] = {
  convoy: (consignment: ConsignmentRecord, _args, { loaders }) => loaders.convoyById.load(consignment.convoyId),
  history: (consignment: ConsignmentRecord, _args, { loaders }) => loaders.historyOf('TruckConsignment').load(consignment.id),
};
