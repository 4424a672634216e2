import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { createPipeline, STAGE_ORDER, type StageEvent } from '../src/pipeline.ts';
import { resultsShaped } from '../src/execution/result-shaping.ts';
import type { Stage, StageName } from '../src/stages/stage.ts';

/**
 * The request pipeline (gateway/src/pipeline.ts): the gateway runs its stages in the documented order, and a request a
 * stage refuses or answers goes no further: a refused-by-limits request never reaches authorization or the cache, a
 * cache hit never reaches plan, execute or shape. Watched on real requests through a real gateway and subgraphs.
 */

/** The order of issue #15, with read and persisted-query where Apollo Server does them and resolve-operation before the limits. */
const EXPECTED_ORDER = [
  'authenticate',
  'read',
  'persisted-query',
  'parse',
  'resolve-operation',
  'limits',
  'safelist',
  'authorize',
  'cache-lookup',
  'plan',
  'execute',
  'shape',
  'cache-store',
  'audit',
];

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const US_ANALYST = { sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_RESPONSE_CACHE: 'true', GATEWAY_MAX_DEPTH: '6' } });
});
afterAll(() => stack?.close());

/** The stage hooks one request ran, in order, and what the plan cache, the subgraphs and the shaping did meanwhile. */
async function watch(send: () => Promise<unknown>) {
  const events: StageEvent[] = [];
  const stop = stack.gateway.pipeline.observe((event) => events.push(event));
  const planBefore = stack.gateway.performance.planCache.stats();
  const sentBefore = stack.gateway.performance.stats().transport.sent;
  const shapedBefore = resultsShaped();
  let response: unknown;
  try {
    response = await send();
  } finally {
    stop();
  }
  const planAfter = stack.gateway.performance.planCache.stats();
  // One request at a time here: every event is this request's.
  expect(new Set(events.map((event) => event.requestId)).size).toBe(1);
  const hook = (name: StageEvent['hook']) => events.filter((event) => event.hook === name).map((event) => event.stage);
  return {
    response: response as { status: number; data?: unknown; errors?: { extensions?: Record<string, unknown> }[] },
    didResolveOperation: hook('didResolveOperation'),
    responseForOperation: hook('responseForOperation'),
    willSendResponse: hook('willSendResponse'),
    planLookups: planAfter.hits + planAfter.misses - (planBefore.hits + planBefore.misses),
    subgraphRequests: stack.gateway.performance.stats().transport.sent - sentBefore,
    shaped: resultsShaped() - shapedBefore,
  };
}

/** Whether `stages` come in the pipeline's order. */
const inOrder = (stages: StageName[]) => stages.every((stage, i) => i === 0 || EXPECTED_ORDER.indexOf(stage) > EXPECTED_ORDER.indexOf(stages[i - 1]));

describe('request pipeline', () => {
  it('lists its stages in the order of the request path, and the gateway is built from that list', () => {
    expect([...STAGE_ORDER]).toEqual(EXPECTED_ORDER);
    expect(stack.gateway.pipeline.stages.map((stage) => stage.name)).toEqual(EXPECTED_ORDER);
  });

  it('refuses to build a pipeline whose stages are out of order', () => {
    const stages = EXPECTED_ORDER.map((name) => ({ name, does: name }) as Stage);
    [stages[5], stages[7]] = [stages[7], stages[5]];
    expect(() => createPipeline(stages)).toThrow(/must be authenticate → read → .* → audit; given .*authorize → safelist → limits/);
  });

  it('runs a query through every stage in order: checks, cache lookup, plan, execute, shape, then the response hooks', async () => {
    const run = await watch(() => stack.query(SITUATION, { since: '2025-10-01T00:00:00Z' }, US_ANALYST));
    expect(run.response.errors).toBeUndefined();
    expect(run.didResolveOperation).toEqual(['resolve-operation', 'limits', 'authorize', 'audit']);
    expect(run.responseForOperation).toEqual(['cache-lookup']);
    expect(run.willSendResponse).toEqual(['authorize', 'cache-store', 'audit']);
    expect(inOrder(run.didResolveOperation) && inOrder(run.willSendResponse)).toBe(true);
    // A miss: planned (one plan cache lookup), executed against the subgraphs, shaped by the gateway's own shaping.
    expect(run.planLookups).toBe(1);
    expect(run.subgraphRequests).toBeGreaterThan(0);
    expect(run.shaped).toBe(1);
  });

  it('answers a cache hit before plan, execute and shape, and still runs the response hooks (the hit is audited)', async () => {
    // Other variables than the test above: a key of its own, so the first request is a miss.
    const variables = { since: '2025-10-02T00:00:00Z' };
    const first = await watch(() => stack.query(SITUATION, variables, US_ANALYST));
    expect(first.response.errors).toBeUndefined();
    const hit = await watch(() => stack.query(SITUATION, variables, US_ANALYST));
    expect(hit.response.data).toEqual(first.response.data);
    expect(hit.didResolveOperation).toEqual(['resolve-operation', 'limits', 'authorize', 'audit']);
    expect(hit.responseForOperation).toEqual(['cache-lookup']);
    expect(hit.planLookups).toBe(0);
    expect(hit.subgraphRequests).toBe(0);
    expect(hit.shaped).toBe(0);
    expect(hit.willSendResponse).toEqual(['authorize', 'cache-store', 'audit']);
  });

  it('stops a request refused by the limits before authorization and the cache: neither sees it, nothing is planned', async () => {
    const run = await watch(() => stack.query(`{ areas { children { children { children { children { children { children { pcode } } } } } } } }`, {}, US_ANALYST));
    expect(run.response.status).toBe(400);
    expect(run.response.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth' });
    expect(run.didResolveOperation).toEqual(['resolve-operation', 'limits']);
    expect(run.responseForOperation).toEqual([]);
    expect(run.planLookups).toBe(0);
    expect(run.subgraphRequests).toBe(0);
    expect(run.shaped).toBe(0);
    // The response hooks still run: the refusal is audited like any other operation.
    expect(run.willSendResponse).toEqual(['authorize', 'cache-store', 'audit']);
  });
});
