import { parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { AidDeliverySummary as SummaryRecord } from '../data/repository.ts';
import { checkPeriod, PAGES } from './validate.ts';

type AreaReference = { pcode: string };

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil-administration owns the area, this subgraph only adds its figures.
  __resolveReference: (reference: AreaReference) => ({ pcode: reference.pcode }),

  aidDeliveries(area: AreaReference, args: { since: Date; until?: Date | null }, { loaders }) {
    const period = { since: args.since, until: args.until ?? null };
    checkPeriod(period.since, period.until);
    return loaders.deliveriesByArea(period).load(area.pcode);
  },

  async activities(area: AreaReference, args: PageArgs, { loaders }) {
    const page = parsePage(args, PAGES.activities, 'id');
    return (await loaders.activitiesByArea(page).load(area.pcode)).slice(0, page.limit);
  },
};

export const AidDeliverySummary: Resolvers<Loaders>['AidDeliverySummary'] = {
  area: (summary: SummaryRecord) => ({ pcode: summary.areaPcode }),
};
