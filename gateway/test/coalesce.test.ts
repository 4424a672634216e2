import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { mergeQueries } from '../src/transport/coalesce.ts';

/**
 * Merging the parallel subgraph queries of a plan into one request per subgraph: the same answers, fewer requests and
 * fewer SQL statements; and how a merged answer is split back, errors included.
 */

const DASHBOARD = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'OperationsFloorDashboard.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };

describe('merging queries', () => {
  const a = {
    query:
      'query A__security__1($representations:[_Any!]!,$since:DateTime!){_entities(representations:$representations){...on Area{incidents(since:$since){...F}}}} fragment F on SecurityIncident{id}',
    variables: { representations: [{ __typename: 'Area', pcode: 'PS0255' }], since: '2025-10-10T00:00:00Z' },
  };
  const b = {
    query: 'query A__security__2($representations:[_Any!]!){_entities(representations:$representations){...on Area{threatLevel}}}',
    variables: { representations: [{ __typename: 'Area', pcode: 'PS0260' }] },
  };

  it("prefixes each query's variables, fragments and root fields, so nothing of one can collide with another", () => {
    const merged = mergeQueries([a, b])!;
    const document = parse(merged.body.query);
    expect(merged.body.query).toContain('q0__entities: _entities(representations: $q0_representations)');
    expect(merged.body.query).toContain('q1__entities: _entities(representations: $q1_representations)');
    expect(merged.body.query).toContain('fragment q0_F on SecurityIncident');
    expect(merged.body.variables).toEqual({ q0_representations: a.variables.representations, q0_since: a.variables.since, q1_representations: b.variables.representations });
    expect(document.definitions).toHaveLength(2);
  });

  it('splits the answer back: data by prefix, errors by the first element of their path, path-less errors to all', () => {
    const merged = mergeQueries([a, b])!;
    const parts = merged.split({
      data: { q0__entities: [{ incidents: [] }], q1__entities: [null] },
      errors: [{ message: 'withheld', path: ['q1__entities', 0], extensions: { code: 'FORBIDDEN' } } as never, { message: 'everything failed' }],
    });
    expect(parts).toEqual([
      { data: { _entities: [{ incidents: [] }] }, errors: [{ message: 'everything failed' }] },
      { data: { _entities: [null] }, errors: [{ message: 'withheld', path: ['_entities', 0], extensions: { code: 'FORBIDDEN' } }, { message: 'everything failed' }] },
    ]);
  });

  it('merges no mutation and no query it cannot parse', () => {
    expect(mergeQueries([a, { query: 'mutation M { x }' }])).toBeUndefined();
    expect(mergeQueries([a, { query: '{ broken' }])).toBeUndefined();
  });
});

describe('merging through the gateway', () => {
  let stack: TestStack;
  let unmerged: ExtraGateway;
  beforeAll(async () => {
    stack = await startStack();
    unmerged = await startGateway(stack, { SUBGRAPH_COALESCE: 'false' });
  });
  afterAll(async () => {
    await unmerged?.close();
    await stack?.close();
  });

  it('answers the large dashboard exactly as without merging, with fewer subgraph requests and SQL statements', async () => {
    const statements = async (work: () => Promise<unknown>) => {
      let count = 0;
      const stops = Object.values(stack.subgraphs).map((subgraph) => subgraph.db.onQuery(() => void count++));
      try {
        return { result: (await work()) as any, count };
      } finally {
        stops.forEach((stop) => stop());
      }
    };
    const sentBefore = { merged: stack.gateway.performance.stats().transport.sent, unmerged: unmerged.gateway.performance.stats().transport.sent };
    const withMerging = await statements(() => stack.query(DASHBOARD, SINCE));
    const withoutMerging = await statements(() => unmerged.query(DASHBOARD, SINCE));
    expect(withMerging.result.errors).toBeUndefined();
    expect(withMerging.result.data).toEqual(withoutMerging.result.data);
    const sentMerged = stack.gateway.performance.stats().transport.sent - sentBefore.merged;
    const sentUnmerged = unmerged.gateway.performance.stats().transport.sent - sentBefore.unmerged;
    expect(sentUnmerged).toBe(16);
    expect(sentMerged).toBeLessThan(sentUnmerged);
    expect(stack.gateway.performance.stats().transport.merged).toBeGreaterThan(0);
    expect(withMerging.count).toBeLessThan(withoutMerging.count);
  });

  it('keeps a record withheld from one principal out of a merged answer: same errors and nulls as without merging', async () => {
    const gbr = { sub: 'gbr-member', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['analyst'], scope: 'read:*', cmcc: true };
    const merged = await stack.query(DASHBOARD, SINCE, gbr);
    const plain = await unmerged.query(DASHBOARD, SINCE, gbr);
    expect(merged.data).toEqual(plain.data);
    expect((merged.errors ?? []).map((e) => [e.path, e.extensions?.code])).toEqual((plain.errors ?? []).map((e) => [e.path, e.extensions?.code]));
  });
});
