import { parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Crossing as CrossingRecord, CrossingDailyReport as ReportRecord } from '../data/repository.ts';
import { checkPeriod, PAGES } from './validate.ts';

export const Crossing: Resolvers<Loaders>['Crossing'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.crossingById.load(reference.id),
  area: (crossing: CrossingRecord) => ({ pcode: crossing.areaPcode }),

  async dailyReports(crossing: CrossingRecord, args: PageArgs & { since?: Date | null; until?: Date | null }, { loaders }) {
    const page = parsePage(args, PAGES.dailyReports, 'id');
    const filter = { since: args.since ?? null, until: args.until ?? null };
    if (filter.since && filter.until) checkPeriod(filter.since, filter.until);
    return (await loaders.reportsByCrossing({ filter, page }).load(crossing.id)).slice(0, page.limit);
  },
};

export const CrossingDailyReport: Resolvers<Loaders>['CrossingDailyReport'] = {
  crossing: (report: ReportRecord, _args, { loaders }) => loaders.crossingById.load(report.crossingId),
  history: (report: ReportRecord, _args, { loaders }) => loaders.historyOf('CrossingDailyReport').load(report.id),
};
