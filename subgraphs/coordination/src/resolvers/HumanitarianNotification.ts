import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { HumanitarianNotification as NotificationRow } from '../data/repository.ts';

export const HumanitarianNotification: Resolvers<Loaders>['HumanitarianNotification'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.notificationById.load(reference.id),
  area: (record: NotificationRow) => ({ pcode: record.areaPcode }),
  // The coordinates are guarded by the gateway (@requiresScopes deconfliction:read) and redacted in history by the kit.
  history: (record: NotificationRow, _args, { loaders }) => loaders.historyOf('HumanitarianNotification').load(record.id),
};
