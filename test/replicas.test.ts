import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '@cmcc/subgraph-humanitarian/server';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '@cmcc/test-support/services';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { convoyRequest } from '@cmcc/test-support/convoys';

/**
 * Two replicas of one subgraph on one Postgres (issue 18, point 1): a retried mutation that lands on the other replica
 * is not applied twice.
 */

const available = await postgresAvailable();
const schema = uniqueSchema('replicas');
let first: TestSubgraph;
let second: TestSubgraph;

beforeAll(async () => {
  if (!available) return;
  [first, second] = await Promise.all([0, 1].map(() => startTestSubgraph(humanitarian, { databaseUrl: TEST_DATABASE_URL, schema, seed: 'synthetic' })));
}, 120_000);

afterAll(async () => {
  if (!available) return;
  await Promise.all([first?.close(), second?.close()]);
  await dropSchema(schema);
});

const REQUEST_CONVOY = `mutation($input: RequestConvoyInput!, $key: String) {
  requestConvoy(input: $input, idempotencyKey: $key) { convoy { id } userErrors { field code message } }
}`;
const CONVOY = convoyRequest({ classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' });

const convoyCount = async () => (await first.db.query<{ n: number }>('SELECT count(*)::int AS n FROM convoy'))[0].n;
const requestAt = async (replica: TestSubgraph, key: string) => {
  const { data, errors } = await replica.execute(REQUEST_CONVOY, { input: CONVOY, key });
  expect(errors).toBeUndefined();
  expect(data.requestConvoy.userErrors).toEqual([]);
  return data.requestConvoy.convoy.id as string;
};

describe.skipIf(!available)('a mutation retried on another replica of the subgraph', () => {
  it('is applied once when the retry comes after the first attempt: the second replica answers with the first convoy', async () => {
    const before = await convoyCount();
    const id = await requestAt(first, `retry-later-${schema}`);
    expect(await requestAt(second, `retry-later-${schema}`)).toBe(id);
    expect(await convoyCount()).toBe(before + 1);
  });

  it('is applied once per key when both replicas get the same request at the same moment', async () => {
    const before = await convoyCount();
    const keys = Array.from({ length: 8 }, (_, i) => `at-once-${i}-${schema}`);
    const answers = await Promise.all(keys.map((key) => Promise.all([requestAt(first, key), requestAt(second, key)])));
    for (const [fromFirst, fromSecond] of answers) expect(fromSecond).toBe(fromFirst);
    expect(new Set(answers.map(([id]) => id)).size).toBe(keys.length);
    expect(await convoyCount()).toBe(before + keys.length);
  });
});
