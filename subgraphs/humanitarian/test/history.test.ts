import { afterAll, beforeAll, describe, it } from 'vitest';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
});
afterAll(() => subgraph?.close());

describe('humanitarian history', () => {
  it("a convoy's history: route only to the sensitive-location policy, no entry of a version not released to the reader", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'convoy',
      entityType: 'Convoy',
      id: 'CONVOY-HISTORY-1',
      versions: [
        { route: 'Route one', status: 'REQUESTED' },
        { route: 'Route two', status: 'IMPEDED' },
        { route: 'Route three', status: 'FACILITATED' },
        { route: 'Route four', status: 'DENIED' },
      ],
      query: `{ convoy(id: "CONVOY-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.convoy,
      protectedColumn: 'route',
      plainColumn: 'status',
    });
  });
});
