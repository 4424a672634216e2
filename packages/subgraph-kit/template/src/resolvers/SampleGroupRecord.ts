import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { SampleGroupRecord as SampleGroupRecordRow } from '../data/repository.ts';

export const SampleGroupRecord: Resolvers<Loaders>['SampleGroupRecord'] = {
  // Another subgraph's reference to a withheld record is null with FORBIDDEN, as a lookup by id is.
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.sampleGroupRecordById.load(reference.id),
  area: (record: SampleGroupRecordRow) => ({ pcode: record.areaPcode }),
  history: (record: SampleGroupRecordRow, _args, { loaders }) => loaders.historyOf('SampleGroupRecord').load(record.id),
};
