import { checkPcode, notFound, parsePage, toConnection, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { ActivityFilter, ConvoyFilter } from '../data/repository.ts';
import { RETIRED_CROSSING_IDS } from '../data/crossings.ts';
import { PAGES } from './validate.ts';

type Nullable<T> = { [K in keyof T]?: T[K] | null };

export const Query: Resolvers<Loaders>['Query'] = {
  organizations: (_root, args: { type?: string | null }, { loaders }) => loaders.repository.organizationsByType(args.type ?? null),

  async organization(_root, args: { id: string }, { loaders }) {
    const organization = await loaders.organizationById.load(args.id);
    if (!organization) throw notFound(`No organisation has the id "${args.id}"; list them with organizations`);
    return organization;
  },

  crossings: (_root, _args, { loaders }) => loaders.repository.allCrossings(),

  async crossing(_root, args: { id: string }, { loaders }) {
    const crossing = await loaders.crossingById.load(args.id);
    if (!crossing) {
      const now = RETIRED_CROSSING_IDS[args.id];
      throw notFound(now ? `"${args.id}" is no longer a crossing id: it is another name of ${now}` : `No crossing has the id "${args.id}"; list them with crossings`);
    }
    return crossing;
  },

  stagingAreas: (_root, _args, { loaders }) => loaders.flow.allStagingAreas(),

  async stagingArea(_root, args: { id: string }, { loaders }) {
    const area = await loaders.stagingAreaById.load(args.id);
    if (!area) throw notFound(`No staging area has the id "${args.id}"; list them with stagingAreas`);
    return area;
  },

  async convoys(_root, args: PageArgs & { filter?: Nullable<ConvoyFilter> | null }, { loaders }) {
    const page = parsePage(args, PAGES.convoys, 'opaque');
    const given = args.filter ?? {};
    const filter: ConvoyFilter = {
      status: given.status ?? null,
      type: given.type ?? null,
      crossingId: given.crossingId ?? null,
      destinationPcode: given.destinationPcode ? checkPcode(given.destinationPcode, 'destinationPcode') : null,
      un2720Monitored: given.un2720Monitored ?? null,
    };
    const [rows, total] = await Promise.all([loaders.convoysByDestination({ filter, page }).load(filter.destinationPcode ?? ''), loaders.repository.countConvoys(filter)]);
    return toConnection(rows, page, total);
  },

  async convoy(_root, args: { id: string }, { loaders }) {
    const convoy = await loaders.convoyById.load(args.id);
    if (!convoy) throw notFound(`No convoy has the id "${args.id}"; list them with convoys`);
    return convoy;
  },

  async activities(_root, args: PageArgs & { filter?: Nullable<ActivityFilter> | null }, { loaders }) {
    const page = parsePage(args, PAGES.activities, 'opaque');
    const given = args.filter ?? {};
    const filter: ActivityFilter = {
      organizationId: given.organizationId ?? null,
      sector: given.sector ?? null,
      status: given.status ?? null,
      areaPcode: given.areaPcode ? checkPcode(given.areaPcode, 'areaPcode') : null,
    };
    const [rows, total] = await Promise.all([loaders.activitiesFiltered({ filter, page }).load(filter.areaPcode ?? ''), loaders.repository.countActivities(filter)]);
    return toConnection(rows, page, total);
  },

  async reportedAidFigures(_root, args: PageArgs & { source?: string | null }, { loaders }) {
    const page = parsePage(args, PAGES.reportedFigures, 'opaque');
    const source = args.source ?? null;
    const [rows, total] = await Promise.all([loaders.repository.reportedFigures(source, page), loaders.repository.countReportedFigures(source)]);
    return toConnection(rows, page, total);
  },
};
