import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

export const Facility: Resolvers<Loaders>['Facility'] = {
  // Any facility id is a valid reference: engineering owns the facility, this subgraph only adds its status.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  serviceStatus: (facility: { id: string }, _args, { loaders }) => loaders.serviceStatusByFacility.load(facility.id),
};

export const ServiceStatus: Resolvers<Loaders>['ServiceStatus'] = {
  history: (status: { facilityId: string }, _args, { loaders }) => loaders.historyOf('ServiceStatus').load(status.facilityId),
};
