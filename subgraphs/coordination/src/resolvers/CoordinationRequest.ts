import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { CoordinationRequest as CoordinationRequestRow } from '../data/repository.ts';

export const CoordinationRequest: Resolvers<Loaders>['CoordinationRequest'] = {
  // Another subgraph's reference to a withheld request is null with FORBIDDEN, as a lookup by id is.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.coordinationRequestById.load(reference.id),
  area: (record: CoordinationRequestRow) => ({ pcode: record.areaPcode }),
  // Crossings are public reference data (no marking): the reference names nothing withheld.
  crossing: (record: CoordinationRequestRow) => (record.crossingId ? { id: record.crossingId } : null),
  raisedBy: (record: CoordinationRequestRow, _args, { loaders }) => loaders.participantById.load(record.marking.originator),
  decisions: (record: CoordinationRequestRow, _args, { loaders }) => loaders.decisionsByRequest.load(record.id),
  history: (record: CoordinationRequestRow, _args, { loaders }) => loaders.historyOf('CoordinationRequest').load(record.id),
};
