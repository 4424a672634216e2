import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { SchemaLike } from '@cmcc/audit-trail';
import { loadSavedOperations } from '../src/explorer/operations.ts';
import { extractCostDirectives, measureOperation } from '../src/limits/measure.ts';
import { checkLimits } from '../src/limits/check.ts';
import { buildManifest, readManifest } from '../src/operations/manifest.ts';
import { DEFAULT_LIMITS } from '../src/performance-config.ts';

/**
 * Operation limits (checked before planning), automatic persisted queries with the manifest of schema/operations/,
 * and safelist mode, through real gateways in front of one set of subgraphs.
 */

const OPERATIONS_DIR = path.join(PROJECT_ROOT, 'schema', 'operations');
const SITUATION = fs.readFileSync(path.join(OPERATIONS_DIR, 'SituationByGovernorate.graphql'), 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: TestStack;
let safelisted: ExtraGateway;

beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_MAX_DEPTH: '6', GATEWAY_MAX_ALIASES: '3', GATEWAY_MAX_ROOT_FIELDS: '3', GATEWAY_MAX_COST: '2000' } });
  safelisted = await startGateway(stack, { GATEWAY_OPERATIONS_SAFELIST: 'true', GATEWAY_RESPONSE_CACHE: 'false' });
});
afterAll(async () => {
  await safelisted?.close();
  await stack?.close();
});

function expectRefused(response: { status: number; errors?: { extensions?: Record<string, unknown> }[] }, limit: string) {
  expect(response.status).toBe(400);
  expect(response.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit });
}

describe('operation limits', () => {
  it('refuses an operation nested deeper than GATEWAY_MAX_DEPTH, before any subgraph is called', async () => {
    const before = stack.gateway.performance.stats().transport.requests;
    const response = await stack.query(`{ areas { children { children { children { children { children { children { pcode } } } } } } } }`);
    expectRefused(response, 'depth');
    expect(response.errors?.[0].extensions).toMatchObject({ actual: 8, max: 6 });
    expect(stack.gateway.performance.stats().transport.requests).toBe(before);
  });

  it('refuses more aliases than GATEWAY_MAX_ALIASES', async () => {
    expectRefused(await stack.query(`{ areas { a: pcode b: pcode c: pcode d: pcode } }`), 'aliases');
  });

  it('refuses more root fields than GATEWAY_MAX_ROOT_FIELDS, also through fragments', async () => {
    const response = await stack.query(
      `query { ...Roots areas { pcode } } fragment Roots on Query { a1: area(pcode: "PS0255") { pcode } a2: area(pcode: "PS0260") { pcode } a3: area(pcode: "PS0265") { pcode } }`,
    );
    // Three aliases pass the alias limit of 3; four root fields do not pass the root field limit of 3.
    expectRefused(response, 'rootFields');
  });

  it('refuses an operation whose estimated cost (lists multiplied by first:) exceeds GATEWAY_MAX_COST', async () => {
    const costly = `query($n: Int) { displacementSites(first: $n) { edges { node { id area { pcode children { pcode } } } } } }`;
    expectRefused(await stack.query(costly, { n: 500 }), 'cost');
    const cheap = await stack.query(costly, { n: 5 });
    expect(cheap.errors).toBeUndefined();
  });

  it('lets the saved operations through', async () => {
    expect((await stack.query(SITUATION, { since: '2025-10-10T00:00:00Z' })).errors).toBeUndefined();
  });

  it('defaults let every saved operation and the explorer introspection query through', () => {
    const schema = stack.gateway.gateway.schema as unknown as SchemaLike;
    const costs = extractCostDirectives(fs.readFileSync(stack.supergraphPath, 'utf8'));
    const documents = [
      ...loadSavedOperations(OPERATIONS_DIR).operations.map((operation) => operation.document),
      getIntrospectionQuery(),
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
    ];
    for (const text of documents) {
      const document = parse(text);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
      const measure = measureOperation(schema, document, operation, {}, costs, DEFAULT_LIMITS.defaultListSize);
      expect(checkLimits(measure, DEFAULT_LIMITS), `${operation.name?.value ?? 'introspection'}: ${JSON.stringify(measure)}`).toBeNull();
    }
  });

  it('measures cost as demand control does: objects 1, scalars 0, lists by first: or the default list size', () => {
    const schema = stack.gateway.gateway.schema as unknown as SchemaLike;
    const measure = (text: string, variables = {}) => {
      const document = parse(text);
      return measureOperation(schema, document, document.definitions[0] as OperationDefinitionNode, variables, { weights: new Map(), listSizes: new Map() }, 10);
    };
    expect(measure(`{ area(pcode: "PS0255") { pcode name } }`)).toEqual({ depth: 2, aliases: 0, rootFields: 1, cost: 1, fields: 3 });
    // areas: a list without first: → 10 × (1 + children: 10 × 1).
    expect(measure(`{ areas { children { pcode } } }`).cost).toBe(110);
    expect(measure(`query($n: Int) { displacementSites(first: $n) { edges { node { id } } } }`, { n: 7 }).cost).toBe(1 + 7 * 2);
  });
});

describe('persisted queries', () => {
  it('runs a manifest operation sent by its hash alone, without registering it first', async () => {
    const operation = buildManifest(OPERATIONS_DIR).operations.find((o) => o.name === 'SituationByGovernorate')!;
    expect(operation.id).toBe(sha256(SITUATION));
    const byHash = await safelisted.query(undefined as never, { since: '2025-10-10T00:00:00Z' }, undefined, { persistedQuery: { version: 1, sha256Hash: operation.id } });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.areas.length).toBeGreaterThan(0);
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, and the hash alone once the client registered it', async () => {
    const gateway = await startGateway(stack, { GATEWAY_RESPONSE_CACHE: 'false' });
    try {
      const text = `query RegisteredLater { areas(level: GOVERNORATE) { pcode } }`;
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
      const unknown = await gateway.query(undefined as never, {}, undefined, extensions);
      expect(unknown.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await gateway.query(text, {}, undefined, extensions)).errors).toBeUndefined();
      const byHash = await gateway.query(undefined as never, {}, undefined, extensions);
      expect(byHash.errors).toBeUndefined();
      expect(byHash.data.areas).toHaveLength(5);
      expect(gateway.gateway.performance.stats().persistedQueries).toMatchObject({ hits: 1, misses: 1, registrations: 1, bypasses: 0 });
    } finally {
      await gateway.close();
    }
  });

  it('writes a manifest whose ids are the SHA-256 of each body, and reads it back', () => {
    const manifest = buildManifest(OPERATIONS_DIR);
    expect(manifest.operations.map((o) => o.name)).toContain('SituationByGovernorate');
    const file = path.join(stack.dataDir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(manifest));
    expect(readManifest(file)).toEqual(manifest);
    fs.writeFileSync(file, JSON.stringify({ ...manifest, operations: [{ ...manifest.operations[0], body: `${manifest.operations[0].body} ` }] }));
    expect(() => readManifest(file)).toThrow(/not the SHA-256/);
  });
});

describe('safelist mode', () => {
  it('refuses an operation that is not in the manifest with OPERATION_NOT_IN_SAFELIST and calls no subgraph', async () => {
    const before = safelisted.gateway.performance.stats().transport.requests;
    const response = await safelisted.query(`query Improvised { areas { pcode name } }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
    expect(response.errors?.[0].message).toMatch(/schema\/operations/);
    expect(safelisted.gateway.performance.stats().transport.requests).toBe(before);
  });

  it('refuses registering a new persisted query: registration is no way around the safelist', async () => {
    const text = `query Sneaky { areas { pcode } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    expect((await safelisted.query(text, {}, undefined, extensions)).errors?.[0].extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
    expect((await safelisted.query(undefined as never, {}, undefined, extensions)).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('runs a saved operation sent as text, whatever its layout and comments', async () => {
    const relaidOut = `# from a dashboard build\n${SITUATION.replace(/\n\s+/g, ' ')}`;
    const response = await safelisted.query(relaidOut, { since: '2025-10-10T00:00:00Z' });
    expect(response.errors).toBeUndefined();
  });

  it('refuses introspection unless GATEWAY_OPERATIONS_SAFELIST_INTROSPECTION=true', async () => {
    expect((await safelisted.query(getIntrospectionQuery())).errors?.[0].extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
    const withIntrospection = await startGateway(stack, {
      GATEWAY_OPERATIONS_SAFELIST: 'true',
      GATEWAY_OPERATIONS_SAFELIST_INTROSPECTION: 'true',
      GATEWAY_RESPONSE_CACHE: 'false',
    });
    try {
      expect((await withIntrospection.query(getIntrospectionQuery())).errors).toBeUndefined();
      expect((await withIntrospection.query(`query Improvised { areas { pcode } }`)).errors?.[0].extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
    } finally {
      await withIntrospection.close();
    }
  });
});
