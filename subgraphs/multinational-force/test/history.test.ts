import { afterAll, beforeAll, describe, it } from 'vitest';
import { multinationalForce } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(multinationalForce);
});
afterAll(() => subgraph?.close());

describe('multinational-force history', () => {
  it("a contribution's history: no entry of a version not released to the reader, no previous values of one", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'force_contribution',
      entityType: 'ForceContribution',
      id: 'FC-HISTORY-1',
      versions: [{ unit: 'Unit one' }, { unit: 'Unit two' }, { unit: 'Unit three' }, { unit: 'Unit four' }],
      query: `{ forceContribution(id: "FC-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.forceContribution,
      protectedColumn: null,
      plainColumn: 'unit',
    });
  });
});
