import { afterAll, beforeAll, describe, it } from 'vitest';
import { security } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
});
afterAll(() => subgraph?.close());

describe('security history', () => {
  it("an incident's history: coordinates only to the sensitive-location policy, no entry of a version not released to the reader", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'security_incident',
      entityType: 'SecurityIncident',
      id: 'INC-HISTORY-1',
      versions: [
        { latitude: 31.501, location_name: 'Place one' },
        { latitude: 31.512, location_name: 'Place two' },
        { latitude: 31.523, location_name: 'Place three' },
        { latitude: 31.534, location_name: 'Place four' },
      ],
      query: `{ incident(id: "INC-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.incident,
      protectedColumn: 'latitude',
      plainColumn: 'location_name',
    });
  });
});
