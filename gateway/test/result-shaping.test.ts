// The gateway's result shaping (gateway/src/execution/result-shaping.ts) must give exactly what @apollo/gateway's own
// computeResponse gives: the same data (values and key order), the same errors (message, path, code) and the same
// exceptions for malformed subgraph data. Compared here on every saved operation against the composed supergraph and
// on crafted operations (aliases, fragments on interfaces and unions, @skip/@include with variables and defaults,
// __typename, introspection, nulls in non-null positions, invalid leaf values and __typename), each with generated
// inputs (seeded), well-formed and malformed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { buildSchema, operationFromDocument, Supergraph, type Operation } from '@apollo/federation-internals';
import { apolloComputeResponse, computeResponse, installResultShaping, isResultShapingInstalled, type ComputeResponseArgs } from '../src/execution/result-shaping.ts';
import { currentComputeResponse } from '../src/apollo-internals.ts';
import { generateSubgraphData, random } from '@cmcc/test-support/subgraph-data';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const apollo = apolloComputeResponse()!;

/** Runs both implementations; the outcome as text: the data and errors, or the exception. */
function outcome(
  shape: (args: ComputeResponseArgs) => { data: unknown; errors: { message: string; path?: readonly unknown[]; extensions?: Record<string, unknown> }[] },
  args: ComputeResponseArgs,
): string {
  try {
    const { data, errors } = shape(args);
    return JSON.stringify({ data, errors: errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })) });
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}

/** What the generated cases exercised, over a whole test: answers with data, with errors, and exceptions. */
interface Seen {
  data: number;
  errors: number;
  threw: number;
}

function compare(operation: Operation, variables: Record<string, unknown>, seeds: number, malformed: boolean, seen: Seen): number {
  const root = operation.schema().schemaDefinition.rootType(operation.rootKind)!;
  let differences = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const input = generateSubgraphData(operation.selectionSet, root, random(seed), { malformed });
    // Each implementation gets its own copy (the output may share input objects) and the same introspection answer.
    const args = (): ComputeResponseArgs => ({
      operation,
      variables,
      input: structuredClone(input),
      introspectionHandling: (selection) => ({ introspected: selection.element.responseName() }),
    });
    const ours = outcome(computeResponse as never, args());
    const theirs = outcome(apollo as never, args());
    if (theirs.startsWith('threw')) seen.threw++;
    else {
      const { data, errors } = JSON.parse(theirs) as { data: unknown; errors: unknown[] };
      if (data) seen.data++;
      if (errors.length > 0) seen.errors++;
    }
    if (ours !== theirs) {
      differences++;
      expect(ours, `seed ${seed}`).toBe(theirs);
    }
  }
  return differences;
}

/**
 * Compares the two on `seeds` well-formed and `seeds` malformed inputs per operation, and checks the generated cases
 * reached every kind of outcome (answers with data, with errors, and exceptions), so the comparison is not vacuous.
 */
function compareAll(cases: [label: string, operation: Operation, variables: Record<string, unknown>][], seeds: number): void {
  const seen: Seen = { data: 0, errors: 0, threw: 0 };
  for (const [label, operation, variables] of cases) {
    expect(compare(operation, variables, seeds, false, seen), label).toBe(0);
    expect(compare(operation, variables, seeds, true, seen), label).toBe(0);
  }
  expect(seen.data).toBeGreaterThan(cases.length * seeds * 0.2);
  expect(seen.errors).toBeGreaterThan(cases.length * seeds * 0.2);
  expect(seen.threw).toBeGreaterThan(0);
}

const CRAFTED_SDL = `
  type Query {
    node(id: ID!): Node
    nodes: [Node!]!
    search(text: String): [SearchResult]
    count: Int!
    ratio: Float
    flag: Boolean
    level: Level!
    payload: JSON
  }
  scalar JSON
  enum Level { LOW MEDIUM HIGH }
  interface Node { id: ID! name: String! }
  type Person implements Node { id: ID! name: String! age: Int friends: [Person!] level: Level }
  type Place implements Node { id: ID! name: String! population: Int! area: Float tags: [[String!]] }
  union SearchResult = Person | Place
`;

const CRAFTED_OPERATIONS: [string, Record<string, unknown>][] = [
  [`query($id: ID!) { node(id: $id) { id name ... on Person { age friends { id name kind: __typename } } ... on Place { population tags } } }`, { id: '1' }],
  [`{ nodes { __typename type: __typename id ...N ... on Person { level friends { ...N } } } }  fragment N on Node { id name }`, {}],
  [`query($s: Boolean!, $i: Boolean = true) { count ratio @skip(if: $s) flag @include(if: $i) level nodes { id @skip(if: $s) name @include(if: $i) } }`, { s: true }],
  [`query($s: Boolean!, $i: Boolean = true) { count ratio @skip(if: $s) flag @include(if: $i) level nodes { id @skip(if: $s) name @include(if: $i) } }`, { s: false, i: false }],
  [`{ search(text: "x") { __typename ... on Person { id age name } ... on Place { id population area } ... on Node { name } } }`, {}],
  [`{ a: count b: count payload first: nodes { id } second: nodes { name } __schema { queryType { name } } }`, {}],
  [`{ __typename t: __typename nodes { ... @include(if: false) { id } ... @skip(if: false) { name } } }`, {}],
];

describe('result shaping', () => {
  it('is installed in @apollo/gateway: its query-plan executor calls this implementation', () => {
    installResultShaping();
    expect(currentComputeResponse()).toBe(computeResponse);
    expect(isResultShapingInstalled()).toBe(true);
    // Apollo's own stays reachable (for these comparisons), and installing twice keeps it.
    installResultShaping();
    expect(apolloComputeResponse()).not.toBe(computeResponse);
    expect(typeof apolloComputeResponse()).toBe('function');
  });

  it('gives the same data, key order and errors as Apollo on every saved operation, for well-formed and malformed subgraph data', () => {
    const supergraphSdl = fs.readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');
    const apiSchema = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
    const folder = path.join(ROOT, 'schema', 'operations');
    const files = fs.readdirSync(folder).filter((file) => file.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(0);
    const variables = { since: '2025-10-10T00:00:00Z', first: 5, limit: 5 };
    compareAll(
      files.map((file) => [file, operationFromDocument(apiSchema, parse(fs.readFileSync(path.join(folder, file), 'utf8')), { validate: false }), variables]),
      60,
    );
  });

  it('gives the same answers as Apollo on crafted operations: aliases, fragments, @skip/@include, __typename, introspection, nulls and invalid values', () => {
    const schema = buildSchema(CRAFTED_SDL);
    compareAll(
      CRAFTED_OPERATIONS.map(([text, variables]) => [text, operationFromDocument(schema, parse(text), { validate: false }), variables]),
      150,
    );
  });

  it('propagates a null in a non-null position to the nearest nullable parent with one error naming the field', () => {
    const schema = buildSchema(CRAFTED_SDL);
    const operation = operationFromDocument(schema, parse('{ node(id: "1") { id name } nodes { id } }'), { validate: false });
    const { data, errors } = computeResponse({ operation, variables: {}, input: { node: { id: '1', name: null }, nodes: [{ id: 2 }] }, introspectionHandling: () => null });
    expect(data).toEqual({ node: null, nodes: [{ id: 2 }] });
    expect(errors.map((e) => [e.message, e.path])).toEqual([['Cannot return null for non-nullable field Node.name.', ['node', 'name']]]);
  });

  it('refuses leaf values of the wrong type and unknown __typename values, as Apollo does', () => {
    const schema = buildSchema(CRAFTED_SDL);
    const operation = operationFromDocument(schema, parse('{ ratio level node(id: "1") { id } }'), { validate: false });
    const { data, errors } = computeResponse({
      operation,
      variables: {},
      input: { ratio: 'high', level: 'EXTREME', node: { __typename: 'Ghost', id: '1' } },
      introspectionHandling: () => null,
    });
    expect(data).toBeNull();
    // level is non-null: its invalid value nulls the whole answer (one error for it, not a second for the null).
    expect(errors.map((e) => e.message)).toEqual(['Invalid value found for field Query.ratio.', 'Invalid value found for field Query.level.']);
    const typename = computeResponse({ operation, variables: {}, input: { ratio: 1, level: 'LOW', node: { __typename: 'Ghost', id: '1' } }, introspectionHandling: () => null });
    expect(typename.data).toEqual({ ratio: 1, level: 'LOW', node: null });
    expect(typename.errors.map((e) => [e.message, e.path])).toEqual([['Invalid __typename found for object at field Query.node.', ['node']]]);
  });
});
