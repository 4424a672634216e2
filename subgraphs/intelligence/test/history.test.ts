import { afterAll, beforeAll, describe, it } from 'vitest';
import { intelligence } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { expectHistoryAsProtectedAsTheRecord, HISTORY_SELECTION, GBR_RESTRICTED, US_SECRET } from '@cmcc/test-support/history';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(intelligence);
});
afterAll(() => subgraph?.close());

describe('intelligence history', () => {
  it("a report's history: the summary only to holders of intel:read, no entry of a version not released to the reader", async () => {
    await expectHistoryAsProtectedAsTheRecord({
      subgraph,
      table: 'intelligence_report',
      entityType: 'IntelligenceReport',
      id: 'IR-HISTORY-1',
      versions: [
        { summary: 'Summary one', title: 'Title one' },
        { summary: 'Summary two', title: 'Title two' },
        { summary: 'Summary three', title: 'Title three' },
        { summary: 'Summary four', title: 'Title four' },
      ],
      query: `{ intelligenceReport(id: "IR-HISTORY-1") { ${HISTORY_SELECTION} } }`,
      pick: (data) => data.intelligenceReport,
      protectedColumn: 'summary',
      plainColumn: 'title',
      open: { classification: 'RESTRICTED', releasable_to: ['CMCC'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] },
      holder: { ...US_SECRET, scopes: ['intel:read'] },
      readers: [GBR_RESTRICTED],
    });
  });
});
