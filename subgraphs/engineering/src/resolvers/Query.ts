import { checkPcode, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { ASSESSMENT_LIST_PAGE, DEBRIS_PAGE, FACILITY_PAGE, FUEL_PAGE, TASK_PAGE, UTILITY_PAGE } from './limits.ts';

type ConnectionArgs<F> = { filter?: F | null; first?: number; after?: string | null };

const areaOf = (filter: { areaPcode?: string | null } | null | undefined) => (filter?.areaPcode ? checkPcode(filter.areaPcode, 'areaPcode') : null);

export const Query: Resolvers<Loaders>['Query'] = {
  async facilities(_root, args: ConnectionArgs<{ type?: string | null; status?: string | null; areaPcode?: string | null }>, { loaders }) {
    const page = parsePage(args, FACILITY_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const filter = { type: args.filter?.type ?? null, status: args.filter?.status ?? null };
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.facilitiesByArea({ filter, page }).load(areaPcode ?? ''),
      loaders.repository.countFacilities(areaPcode, filter),
    ]);
    return toConnection(rows, page, total);
  },

  async facility(_root, args: { id: string }, { loaders }) {
    const facility = await loaders.facilityById.load(args.id);
    if (!facility) throw notFound(`No facility has the id "${args.id}"; list them with facilities(filter: { type: HOSPITAL })`);
    return facility;
  },

  async damageAssessments(_root, args: ConnectionArgs<{ areaPcode?: string | null; method?: string | null; damageClass?: string | null }>, { loaders }) {
    const page = parsePage(args, ASSESSMENT_LIST_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const filter = { method: args.filter?.method ?? null, damageClass: args.filter?.damageClass ?? null };
    const [rows, total] = await Promise.all([loaders.assessmentsByArea({ filter, page }).load(areaPcode ?? ''), loaders.repository.countAssessments(areaPcode, filter)]);
    return toConnection(rows, page, total);
  },

  async explosiveHazardTasks(
    _root,
    args: ConnectionArgs<{ areaPcode?: string | null; status?: string | null; requestedSince?: Date | null; requestedUntil?: Date | null }>,
    { loaders },
  ) {
    const page = parsePage(args, TASK_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const filter = { status: args.filter?.status ?? null, since: args.filter?.requestedSince ?? null, until: args.filter?.requestedUntil ?? null };
    const [rows, total] = await Promise.all([loaders.tasksByArea({ filter, page }).load(areaPcode ?? ''), loaders.repository.countTasks(areaPcode, filter)]);
    return toConnection(rows, page, total);
  },

  async explosiveHazardTask(_root, args: { id: string }, { loaders }) {
    const task = await loaders.taskById.load(args.id);
    if (!task) throw notFound(`No explosive hazard task has the id "${args.id}"; list them with explosiveHazardTasks`);
    return task;
  },

  async debrisEstimates(_root, args: ConnectionArgs<{ areaPcode?: string | null; source?: string | null }>, { loaders }) {
    const page = parsePage(args, DEBRIS_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const filter = { source: args.filter?.source ?? null };
    const [rows, total] = await Promise.all([loaders.debrisByArea({ filter, page }).load(areaPcode ?? ''), loaders.repository.countDebris(areaPcode, filter)]);
    return toConnection(rows, page, total);
  },

  async utilityServices(_root, args: ConnectionArgs<{ areaPcode?: string | null }>, { loaders }) {
    const page = parsePage(args, UTILITY_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const [rows, total] = await Promise.all([loaders.utilitiesByArea({ page }).load(areaPcode ?? ''), loaders.repository.countUtilities(areaPcode)]);
    return toConnection(rows, page, total);
  },

  async fuelAllocations(_root, args: ConnectionArgs<{ areaPcode?: string | null; consumer?: string | null }>, { loaders }) {
    const page = parsePage(args, FUEL_PAGE, 'opaque');
    const areaPcode = areaOf(args.filter);
    const filter = { consumer: args.filter?.consumer ?? null };
    const [rows, total] = await Promise.all([loaders.fuelByArea({ filter, page }).load(areaPcode ?? ''), loaders.repository.countFuel(areaPcode, filter)]);
    return toConnection(rows, page, total);
  },
};
