import { subscriptionField, withinArea, type Resolvers, type SubgraphContext } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Facility } from '../data/repository.ts';

/** Each root field answers one change event for one subscriber (subgraph-kit subscriptions.ts), through the by-id loaders. */
export const Subscription: Resolvers<Loaders>['Subscription'] = {
  facilityUpdated: subscriptionField<SubgraphContext<Loaders>, Facility, { area?: string | null }>({
    entityType: 'Facility',
    load: (id, { loaders }) => loaders.facilityById.load(id),
    matches: (facility, { area }) => withinArea(facility.areaPcode, area),
  }),
};
