import { afterAll, beforeAll, describe, it } from 'vitest';
import { civilAdministration } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(civilAdministration);
});
afterAll(() => subgraph?.close());

describe('civil-administration history', () => {
  it("a site's history: coordinates only to the sensitive-location policy, no entry of a version not released to the reader", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'displacement_site',
      entityType: 'DisplacementSite',
      id: 'DS-HISTORY-1',
      versions: [
        { latitude: 31.301, name: 'Site one' },
        { latitude: 31.312, name: 'Site two' },
        { latitude: 31.323, name: 'Site three' },
        { latitude: 31.334, name: 'Site four' },
      ],
      query: `{ displacementSite(id: "DS-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.displacementSite,
      protectedColumn: 'latitude',
      plainColumn: 'name',
    });
  });
});
