import { subscriptionField, withinArea, type Resolvers, type SubgraphContext } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Convoy, CrossingDailyReport } from '../data/repository.ts';
import type { MedicalEvacuation } from '../data/medevac.ts';

type Context = SubgraphContext<Loaders>;

/** Each root field answers one change event for one subscriber (subgraph-kit subscriptions.ts), through the by-id loaders. */
export const Subscription: Resolvers<Loaders>['Subscription'] = {
  convoyUpdated: subscriptionField<Context, Convoy, { area?: string | null; crossing?: string | null }>({
    entityType: 'Convoy',
    load: (id, { loaders }) => loaders.convoyById.load(id),
    matches: (convoy, { area, crossing }) => withinArea(convoy.destinationPcode, area) && (!crossing || convoy.crossingId === crossing),
  }),
  crossingReportRecorded: subscriptionField<Context, CrossingDailyReport, { crossing?: string | null }>({
    entityType: 'CrossingDailyReport',
    load: (id, { loaders }) => loaders.reportById.load(id),
    matches: (report, { crossing }) => !crossing || report.crossingId === crossing,
  }),
  medicalEvacuationUpdated: subscriptionField<Context, MedicalEvacuation, { area?: string | null }>({
    entityType: 'MedicalEvacuation',
    load: (id, { loaders }) => loaders.medevacById.load(id),
    matches: (medevac, { area }) => withinArea(medevac.areaPcode, area),
  }),
};
