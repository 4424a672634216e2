import { subscriptionField, withinArea, type Resolvers, type SubgraphContext } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { CoordinationRequest } from '../data/repository.ts';

/** Each root field answers one change event for one subscriber (subgraph-kit subscriptions.ts), through the by-id loaders. */
export const Subscription: Resolvers<Loaders>['Subscription'] = {
  coordinationRequestUpdated: subscriptionField<SubgraphContext<Loaders>, CoordinationRequest, { area?: string | null }>({
    entityType: 'CoordinationRequest',
    load: (id, { loaders }) => loaders.coordinationRequestById.load(id),
    matches: (request, { area }) => withinArea(request.areaPcode, area),
  }),
};
