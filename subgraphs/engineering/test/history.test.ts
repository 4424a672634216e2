import { afterAll, beforeAll, describe, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
});
afterAll(() => subgraph?.close());

describe('engineering history', () => {
  it("a facility's history: coordinates only to the sensitive-location policy, no entry of a version not released to the reader", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'facility',
      entityType: 'Facility',
      id: 'FAC-HISTORY-1',
      versions: [
        { latitude: 31.401, description: 'one' },
        { latitude: 31.412, description: 'two' },
        { latitude: 31.423, description: 'three' },
        { latitude: 31.434, description: 'four' },
      ],
      query: `{ facility(id: "FAC-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.facility,
      protectedColumn: 'latitude',
      plainColumn: 'description',
    });
  });
});
