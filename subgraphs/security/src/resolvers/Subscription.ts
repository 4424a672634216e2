import { subscriptionField, withinArea, type Resolvers, type SubgraphContext } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { SecurityIncident } from '../data/repository.ts';

/** Each root field answers one change event for one subscriber (subgraph-kit subscriptions.ts), through the by-id loaders. */
export const Subscription: Resolvers<Loaders>['Subscription'] = {
  incidentUpdated: subscriptionField<SubgraphContext<Loaders>, SecurityIncident, { area?: string | null }>({
    entityType: 'SecurityIncident',
    load: (id, { loaders }) => loaders.incidentById.load(id),
    matches: (incident, { area }) => withinArea(incident.areaPcode, area),
  }),
};
