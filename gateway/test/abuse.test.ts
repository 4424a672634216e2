import { Kind, parse, visit, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fragmentBomb } from '@cmcc/test-support/abuse';
import { startLoneGateway } from '@cmcc/test-support/gateway';
import type { SchemaLike } from '@cmcc/audit-trail';
import { measureOperation } from '../src/limits/measure.ts';

/**
 * Denial of service by the shape of a query: a fragment bomb (fragments that each spread the next several times) is
 * refused from its measure, which is taken in time linear in the document, before authorization, planning or any
 * subgraph sees it. How fast the refusal is, is measured by `npm run bench -- abuse`.
 */

let gateway: Awaited<ReturnType<typeof startLoneGateway>>;
beforeAll(async () => {
  gateway = await startLoneGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const schema = () => gateway.gateway.gateway.schema as unknown as SchemaLike;

function measure(text: string, variables: Record<string, unknown> = {}, counter?: { visits: number }) {
  const document = parse(text);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(schema(), document, operation, variables, { weights: new Map(), listSizes: new Map() }, 10, counter);
}

/** Selections written in the document (fields, spreads, inline fragments): its size, counted by graphql-js's visitor. */
function selectionsWritten(text: string): number {
  let count = 0;
  visit(parse(text), { Field: () => void count++, FragmentSpread: () => void count++, InlineFragment: () => void count++ });
  return count;
}

describe('a fragment bomb', () => {
  it('is refused with OPERATION_LIMIT_EXCEEDED (fields) before any subgraph is called, and /health answers meanwhile', async () => {
    const before = gateway.gateway.performance.stats().transport.requests;
    const [bomb, health] = await Promise.all([gateway.query(fragmentBomb(10, 4)), fetch(`${gateway.url}/health`)]);
    expect(bomb.status).toBe(400);
    expect(bomb.data).toBeUndefined();
    // 4^10 copies of the leaf field once written out.
    expect(bomb.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'fields', actual: 4 ** 10 });
    expect(health.status).toBe(200);
    expect(gateway.gateway.performance.stats().transport.requests).toBe(before);
  });

  it('is refused however deep it goes (depth 16: 4^16 fields written out)', async () => {
    const bomb = await gateway.query(fragmentBomb(16, 4));
    expect(bomb.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'fields', actual: 4 ** 16 });
  });

  it('is measured by looking at each selection of the document a bounded number of times, not at every copy', () => {
    for (const [depth, fanOut] of [
      [5, 4],
      [10, 4],
      [20, 4],
      [10, 8],
    ]) {
      const text = fragmentBomb(depth, fanOut);
      const counter = { visits: 0 };
      expect(measure(text, {}, counter).fields).toBe(fanOut ** depth);
      expect(counter.visits).toBeLessThanOrEqual(selectionsWritten(text));
    }
  });

  it('counts aliases and cost in every copy a fragment is spread into', () => {
    const text = `query { ...A ...A } fragment A on Query { ...B ...B ...B } fragment B on Query { x: areas { pcode } }`;
    // 2 × 3 copies of one aliased list field of 10 areas (default list size), each area costing 1.
    expect(measure(text)).toMatchObject({ aliases: 6, cost: 60, fields: 12, depth: 2 });
  });
});

describe('cost', () => {
  const sites = `displacementSites(first: $n) { edges { node { id } } }`;

  it("counts a page size left to the variable's default as the default, as the planner sends it", () => {
    // 1 for the connection, then 500 edges each with a node: 1 + 500 × 2.
    expect(measure(`query($n: Int = 500) { ${sites} }`).cost).toBe(1001);
    expect(measure(`query($n: Int = 500) { ${sites} }`, { n: 3 }).cost).toBe(7);
  });

  it("counts a list field's own size argument default (first: Int = 50) when the operation leaves it out", () => {
    // Area.forceContributions(first: Int = 50): 50 contributions, each 1, under one area.
    expect(measure(`{ area(pcode: "PS0255") { forceContributions { id } } }`).cost).toBe(1 + 50);
    expect(measure(`query($n: Int = 200) { area(pcode: "PS0255") { forceContributions(first: $n) { id } } }`).cost).toBe(1 + 200);
  });
});
