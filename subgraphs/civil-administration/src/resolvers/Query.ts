import { checkPcode, notFound, parsePage, toConnection, DEFAULT_PAGE, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

export const Query: Resolvers<Loaders>['Query'] = {
  areas: (_root, args: { level?: string | null }, { loaders }) => loaders.repository.areasByLevel(args.level ?? null),

  async area(_root, args: { pcode: string }, { loaders }) {
    const area = await loaders.areaByPcode.load(checkPcode(args.pcode, 'pcode'));
    if (!area) throw notFound(`No area has the P-code "${args.pcode}"; list them with areas(level: GOVERNORATE)`);
    return area;
  },

  async displacementSites(_root, args: { areaPcode?: string | null; type?: string | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, DEFAULT_PAGE, 'opaque');
    const filter = { areaPcode: args.areaPcode ? checkPcode(args.areaPcode, 'areaPcode') : null, type: args.type ?? null };
    const [rows, total] = await Promise.all([loaders.sitesByArea({ filter, page }).load(filter.areaPcode ?? ''), loaders.repository.countSites(filter)]);
    return toConnection(rows, page, total);
  },

  governingBodies: (_root, _args, { loaders }) => loaders.repository.governingBodies(),

  governingBodyMembers: (_root, _args, { loaders }) => loaders.repository.governingBodyMembers(),

  async governingBody(_root, args: { id: string }, { loaders }) {
    const body = await loaders.governingBodyById.load(args.id);
    if (!body) throw notFound(`No governing body has the id "${args.id}"; list them with governingBodies`);
    return body;
  },

  displacementSite: (_root, args: { id: string }, { loaders }) => loaders.siteById.load(args.id),
};
