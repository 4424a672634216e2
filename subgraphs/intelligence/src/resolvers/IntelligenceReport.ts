import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { IntelligenceReport as IntelligenceReportRow } from '../data/repository.ts';

export const IntelligenceReport: Resolvers<Loaders>['IntelligenceReport'] = {
  // Another subgraph's reference to a withheld record is null with FORBIDDEN, as a lookup by id is.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.intelligenceReportById.load(reference.id),
  area: (record: IntelligenceReportRow) => ({ pcode: record.areaPcode }),
  history: (record: IntelligenceReportRow, _args, { loaders }) => loaders.historyOf('IntelligenceReport').load(record.id),
};
