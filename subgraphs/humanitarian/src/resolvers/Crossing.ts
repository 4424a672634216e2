import { badUserInput, parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Crossing as CrossingRecord, CrossingDailyReport as ReportRecord } from '../data/repository.ts';
import {
  gapOf,
  reportKey,
  throughputOf,
  type CrossingStatusPeriod,
  type CrossingStreamReport as StreamRecord,
  type CrossingThroughput as ThroughputRecord,
  type StagingArea as StagingAreaRecord,
  type StagingAreaObservation as ObservationRecord,
} from '../data/flow-repository.ts';
import { periodOn } from '../data/crossings.ts';
import { checkPeriod, PAGES } from './validate.ts';

type Context = { loaders: Loaders };
const today = () => new Date().toISOString().slice(0, 10);

/** The status period of a crossing in force on `at` (default today), or null when none is recorded. */
async function periodAt(crossing: CrossingRecord, at: string | null | undefined, loaders: Loaders): Promise<CrossingStatusPeriod | null> {
  return periodOn(await loaders.statusPeriodsByCrossing.load(crossing.id), at ?? today());
}

/** Like `periodAt`, but a day without a recorded status is the caller's error. */
async function recordedPeriodAt(crossing: CrossingRecord, at: string | null | undefined, loaders: Loaders): Promise<CrossingStatusPeriod> {
  const period = await periodAt(crossing, at, loaders);
  if (!period) throw badUserInput(`No status of ${crossing.id} is recorded for ${at ?? today()}; see statusHistory for the days recorded`, 'at');
  return period;
}

export const Crossing: Resolvers<Loaders>['Crossing'] = {
  __resolveReference: (reference: { id: string }, { loaders }: Context) => loaders.crossingById.load(reference.id),
  area: (crossing: CrossingRecord) => ({ pcode: crossing.areaPcode }),

  status: async (crossing: CrossingRecord, args: { at?: string | null }, { loaders }: Context) => (await recordedPeriodAt(crossing, args.at, loaders)).status,
  allowedTraffic: async (crossing: CrossingRecord, args: { at?: string | null }, { loaders }: Context) => (await periodAt(crossing, args.at, loaders))?.allowedTraffic ?? [],
  statusSince: async (crossing: CrossingRecord, _args, { loaders }: Context) => (await periodAt(crossing, null, loaders))?.validFrom ?? null,
  statusNote: async (crossing: CrossingRecord, _args, { loaders }: Context) => (await recordedPeriodAt(crossing, null, loaders)).note,
  statusSource: async (crossing: CrossingRecord, _args, { loaders }: Context) => (await recordedPeriodAt(crossing, null, loaders)).source,
  statusPeriod: (crossing: CrossingRecord, args: { at?: string | null }, { loaders }: Context) => periodAt(crossing, args.at, loaders),
  statusHistory: (crossing: CrossingRecord, _args, { loaders }: Context) => loaders.statusPeriodsByCrossing.load(crossing.id),

  async throughput(crossing: CrossingRecord, args: { since: string; until?: string | null }, { loaders }: Context): Promise<ThroughputRecord> {
    const until = args.until ?? null;
    if (until !== null && until < args.since) throw badUserInput(`"until" must not be before "since"; got since ${args.since} and until ${until}`, 'until');
    const rows = await loaders.streamsInPeriod({ since: args.since, until }).load(crossing.id);
    return throughputOf(crossing.id, args.since, until, rows);
  },

  stagingAreas: (crossing: CrossingRecord, _args, { loaders }: Context) => loaders.stagingAreasByCrossing.load(crossing.id),

  async streamReports(crossing: CrossingRecord, args: PageArgs & { since?: string | null; until?: string | null }, { loaders }: Context) {
    const page = parsePage(args, PAGES.dailyReports, 'id');
    const filter = { since: args.since ?? null, until: args.until ?? null };
    if (filter.since && filter.until && filter.until < filter.since) throw badUserInput(`"until" must not be before "since"`, 'until');
    return (await loaders.streamPagesByCrossing({ filter, page }).load(crossing.id)).slice(0, page.limit);
  },

  async dailyReports(crossing: CrossingRecord, args: PageArgs & { since?: Date | null; until?: Date | null }, { loaders }: Context) {
    const page = parsePage(args, PAGES.dailyReports, 'id');
    const filter = { since: args.since ?? null, until: args.until ?? null };
    if (filter.since && filter.until) checkPeriod(filter.since, filter.until);
    return (await loaders.reportsByCrossing({ filter, page }).load(crossing.id)).slice(0, page.limit);
  },
};

export const CrossingDailyReport: Resolvers<Loaders>['CrossingDailyReport'] = {
  crossing: (report: ReportRecord, _args, { loaders }: Context) => loaders.crossingById.load(report.crossingId),
  byStream: (report: ReportRecord, _args, { loaders }: Context) => loaders.streamsByReport.load(reportKey(report.crossingId, report.date, report.source)),
  history: (report: ReportRecord, _args, { loaders }: Context) => loaders.historyOf('CrossingDailyReport').load(report.id),
};

export const CrossingStreamReport: Resolvers<Loaders>['CrossingStreamReport'] = {
  crossing: (report: StreamRecord, _args, { loaders }: Context) => loaders.crossingById.load(report.crossingId),
  history: (report: StreamRecord, _args, { loaders }: Context) => loaders.historyOf('CrossingStreamReport').load(report.id),
};

export const CrossingThroughput: Resolvers<Loaders>['CrossingThroughput'] = {
  crossing: (throughput: ThroughputRecord, _args, { loaders }: Context) => loaders.crossingById.load(throughput.crossingId),
  gap: (throughput: ThroughputRecord, args: { sourceA?: string | null; sourceB?: string | null }) => gapOf(throughput, args.sourceA ?? 'COGAT', args.sourceB ?? 'UN2720'),
};

export const StagingArea: Resolvers<Loaders>['StagingArea'] = {
  __resolveReference: (reference: { id: string }, { loaders }: Context) => loaders.stagingAreaById.load(reference.id),
  feeds: (area: StagingAreaRecord, _args, { loaders }: Context) => loaders.crossingById.load(area.feedsCrossingId),
  async latestObservation(area: StagingAreaRecord, _args, { loaders }: Context) {
    const [latest] = await loaders.observationsByArea({ filter: { since: null, until: null }, page: { limit: 1, afterId: null } }).load(area.id);
    return latest ?? null;
  },
  async observations(area: StagingAreaRecord, args: PageArgs & { since?: string | null; until?: string | null }, { loaders }: Context) {
    const page = parsePage(args, PAGES.dailyReports, 'id');
    const filter = { since: args.since ?? null, until: args.until ?? null };
    if (filter.since && filter.until && filter.until < filter.since) throw badUserInput(`"until" must not be before "since"`, 'until');
    return (await loaders.observationsByArea({ filter, page }).load(area.id)).slice(0, page.limit);
  },
};

export const StagingAreaObservation: Resolvers<Loaders>['StagingAreaObservation'] = {
  stagingArea: (observation: ObservationRecord, _args, { loaders }: Context) => loaders.stagingAreaById.load(observation.stagingAreaId),
};
