import { checkPcode, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { PARTICIPANT_COUNTS, COORDINATION_CENTER } from '../data/participant-counts.ts';
import { RECORD_PAGE } from './limits.ts';

type ListArgs<F> = { filter?: F | null; first?: number; after?: string | null };

export const Query: Resolvers<Loaders>['Query'] = {
  async coordinationRequests(_root, args: ListArgs<{ areaPcode?: string | null; status?: string | null }>, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode, 'areaPcode') : null;
    const status = args.filter?.status ?? null;
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.coordinationRequestsByArea({ page, status }).load(areaPcode ?? ''),
      loaders.repository.countCoordinationRequests(areaPcode, status),
    ]);
    return toConnection(rows, page, total);
  },

  async coordinationRequest(_root, args: { id: string }, { loaders }) {
    // A request not released to the principal rejects with FORBIDDEN (the loader's error for that key).
    const record = await loaders.coordinationRequestById.load(args.id);
    if (!record) throw notFound(`No coordination request has the id "${args.id}"; list them with coordinationRequests`);
    return record;
  },

  async humanitarianNotifications(_root, args: ListArgs<{ areaPcode?: string | null }>, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode, 'areaPcode') : null;
    const [rows, total] = await Promise.all([loaders.notificationsByArea({ page }).load(areaPcode ?? ''), loaders.repository.countNotifications(areaPcode)]);
    return toConnection(rows, page, total);
  },

  async humanitarianNotification(_root, args: { id: string }, { loaders }) {
    const record = await loaders.notificationById.load(args.id);
    if (!record) throw notFound(`No humanitarian notification has the id "${args.id}"; list them with humanitarianNotifications`);
    return record;
  },

  participants: (_root, _args, { loaders }) => loaders.repository.participants(),

  async participant(_root, args: { id: string }, { loaders }) {
    const record = await loaders.participantById.load(args.id);
    if (!record) throw notFound(`No participant has the id "${args.id}"; list them with participants`);
    return record;
  },

  participantCounts: () => PARTICIPANT_COUNTS,
  coordinationCenter: () => COORDINATION_CENTER,
};
