import { checkPcode, DEFAULT_PAGE, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { IncidentFilter, ObservationFilter, ViolationReportFilter } from '../data/repository.ts';
import { checkWindow } from './validate.ts';
import { controlLineQueries } from './ControlLine.ts';

type PageArgs = { first?: number; after?: string | null };
type Input<T> = { [K in keyof T]?: T[K] | null };

const areaOf = (pcode: string | null | undefined) => (pcode ? checkPcode(pcode, 'areaPcode') : null);

export const Query: Resolvers<Loaders>['Query'] = {
  ...controlLineQueries,

  async incidents(_root, args: PageArgs & { filter?: Input<IncidentFilter> | null }, { loaders }) {
    const page = parsePage(args, DEFAULT_PAGE, 'opaque');
    const input = args.filter ?? {};
    const filter: IncidentFilter = {
      areaPcode: areaOf(input.areaPcode),
      ...checkWindow(input.since, input.until),
      eventType: input.eventType ?? null,
      verification: input.verification ?? null,
      affectsAid: input.affectsAid ?? null,
    };
    const { areaPcode, ...rest } = filter;
    const [rows, total] = await Promise.all([loaders.incidentsByArea({ filter: rest, page }).load(areaPcode ?? ''), loaders.repository.countIncidents(filter)]);
    return toConnection(rows, page, total);
  },

  async incident(_root, args: { id: string }, { loaders }) {
    const incident = await loaders.incidentById.load(args.id);
    if (!incident) throw notFound(`No security incident has the id "${args.id}"; list them with incidents(filter:)`);
    return incident;
  },

  async ceasefireViolationReports(_root, args: PageArgs & { filter?: Input<ViolationReportFilter> | null }, { loaders }) {
    const page = parsePage(args, DEFAULT_PAGE, 'opaque');
    const input = args.filter ?? {};
    const filter: ViolationReportFilter = {
      areaPcode: areaOf(input.areaPcode),
      ...checkWindow(input.since, input.until),
      verification: input.verification ?? null,
      violationType: input.violationType ?? null,
      yellowLineSide: input.yellowLineSide ?? null,
    };
    const [rows, total] = await Promise.all([loaders.violationReportsByArea({ filter, page }).load(filter.areaPcode ?? ''), loaders.repository.countViolationReports(filter)]);
    return toConnection(rows, page, total);
  },

  async ceasefireViolationReport(_root, args: { id: string }, { loaders }) {
    const report = await loaders.violationReportById.load(args.id);
    if (!report) throw notFound(`No ceasefire violation report has the id "${args.id}"; list them with ceasefireViolationReports`);
    return report;
  },

  async isrObservations(_root, args: PageArgs & { filter?: Input<ObservationFilter> | null }, { loaders }) {
    const page = parsePage(args, DEFAULT_PAGE, 'opaque');
    const input = args.filter ?? {};
    const filter: ObservationFilter = {
      areaPcode: areaOf(input.areaPcode),
      ...checkWindow(input.since, input.until),
      platform: input.platform ?? null,
    };
    const [rows, total] = await Promise.all([loaders.observationsByArea({ filter, page }).load(filter.areaPcode ?? ''), loaders.repository.countObservations(filter)]);
    return toConnection(rows, page, total);
  },

  ceasefirePhases: (_root, _args, { loaders }) => loaders.repository.ceasefirePhases(),

  hostageReturns: (_root, args: { living?: boolean | null }, { loaders }) => loaders.repository.hostageReturns(args.living ?? null),

  detaineeReleases: (_root, _args, { loaders }) => loaders.repository.detaineeReleases(),

  async isrObservation(_root, args: { id: string }, { loaders }) {
    const observation = await loaders.observationById.load(args.id);
    if (!observation) throw notFound(`No ISR observation has the id "${args.id}"; list them with isrObservations`);
    return observation;
  },
};
