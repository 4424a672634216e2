import { yellowLineSideOf, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { HumanitarianNotification as NotificationRow } from '../data/repository.ts';

export const HumanitarianNotification: Resolvers<Loaders>['HumanitarianNotification'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.notificationById.load(reference.id),
  area: (record: NotificationRow) => ({ pcode: record.areaPcode }),
  // The coordinates are guarded by the gateway (@requiresScopes deconfliction:read) and redacted in history by the kit.
  history: (record: NotificationRow, _args, { loaders }) => loaders.historyOf('HumanitarianNotification').load(record.id),
  /** The sides of the line the site or the movement's route points lie on, each once, in route order. */
  yellowLineSides(record: NotificationRow, args: { at?: Date | null }) {
    const at = args.at ?? record.windowStart;
    const points = record.route ?? (record.latitude != null && record.longitude != null ? [{ latitude: record.latitude, longitude: record.longitude }] : []);
    const sides = points.map((point) => yellowLineSideOf(point.latitude, point.longitude, at));
    if (sides.some((side) => side === null)) return null;
    return [...new Set(sides)];
  },
};
