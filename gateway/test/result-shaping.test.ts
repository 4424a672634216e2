// The gateway's result shaping (gateway/src/execution/result-shaping.ts) must give exactly what @apollo/gateway's own
// computeResponse gives: the same data (values and key order), the same errors (message, path, code) and the same
// exceptions for malformed subgraph data. Compared here on every saved operation against the composed supergraph and
// on crafted operations (aliases, fragments on interfaces and unions, @skip/@include with variables and defaults,
// __typename, introspection, nulls in non-null positions, invalid leaf values and __typename), each with generated
// inputs (seeded), well-formed and malformed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import {
  buildSchema,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  operationFromDocument,
  possibleRuntimeTypes,
  Supergraph,
  type CompositeType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { apolloComputeResponse, computeResponse, installResultShaping, type ComputeResponseArgs } from '../src/execution/result-shaping.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const apollo = apolloComputeResponse()!;

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Input data for `selectionSet` as the subgraphs might return it: mostly well-formed, with nulls, missing fields,
 * other runtime types and (with `malformed`) wrong leaf values, unknown __typename and non-list values.
 */
function generate(schema: Schema, selectionSet: SelectionSet, parentType: CompositeType, next: () => number, malformed: boolean, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const runtime = possibleRuntimeTypes(parentType);
  const chosen = runtime[Math.floor(next() * runtime.length)];
  if (chosen && (parentType.kind !== 'ObjectType' || next() < 0.3)) object.__typename = malformed && next() < 0.03 ? 'NoSuchType' : chosen.name;
  const fill = (into: Record<string, unknown>, set: SelectionSet, parent: CompositeType) => {
    for (const selection of set.selections()) {
      if (selection.kind === 'FragmentSelection') {
        fill(into, selection.selectionSet, selection.element.typeCondition ?? parent);
        continue;
      }
      const field = selection.element;
      if (field.name === '__typename' || field.definition.isSchemaIntrospectionField()) continue;
      const roll = next();
      if (roll < 0.04) continue; // missing
      into[field.responseName()] = roll < 0.1 ? null : value(field.definition.type!, selection.selectionSet);
    }
  };
  const value = (type: Type, set: SelectionSet | undefined): unknown => {
    if (isNonNullType(type)) return value(type.ofType, set);
    if (isListType(type)) {
      if (malformed && next() < 0.02) return 'not a list';
      const length = depth > 3 ? 0 : Math.floor(next() * 4);
      return Array.from({ length }, () => (next() < 0.05 ? null : value(type.ofType, set)));
    }
    if (isCompositeType(type)) return set ? generate(schema, set, type, next, malformed, depth + 1) : {};
    if (malformed && next() < 0.05) return [true, 1.5, 'text', 7, {}][Math.floor(next() * 5)];
    if (isEnumType(type)) return type.values[Math.floor(next() * type.values.length)]?.name ?? 'X';
    switch (type.name) {
      case 'Int':
        return Math.floor(next() * 1000) - 500;
      case 'Float':
        return next() * 100;
      case 'Boolean':
        return next() < 0.5;
      case 'ID':
        return next() < 0.5 ? String(Math.floor(next() * 1e6)) : Math.floor(next() * 1000);
      case 'String':
        return `s${Math.floor(next() * 1000)}`;
      default:
        return next() < 0.5 ? `custom-${Math.floor(next() * 100)}` : { nested: next() };
    }
  };
  fill(object, selectionSet, parentType);
  return object;
}

/** Runs both implementations; the outcome as text: the data and errors, or the exception. */
function outcome(shape: (args: ComputeResponseArgs) => { data: unknown; errors: { message: string; path?: readonly unknown[]; extensions?: Record<string, unknown> }[] }, args: ComputeResponseArgs): string {
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
    const input = generate(operation.schema(), operation.selectionSet, root, random(seed), malformed);
    // Each implementation gets its own copy (the output may share input objects) and the same introspection answer.
    const args = (): ComputeResponseArgs => ({ operation, variables, input: structuredClone(input), introspectionHandling: (selection) => ({ introspected: selection.element.responseName() }) });
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
    expect(installResultShaping()).toBe(true);
    const module = createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as { computeResponse: unknown };
    expect(module.computeResponse).toBe(computeResponse);
    // Apollo's own stays reachable (for these comparisons), and installing twice keeps it.
    expect(installResultShaping()).toBe(true);
    expect(apolloComputeResponse()).not.toBe(computeResponse);
    expect(typeof apolloComputeResponse()).toBe('function');
  });

  it('gives the same data, key order and errors as Apollo on every saved operation, for well-formed and malformed subgraph data', () => {
    const supergraphSdl = fs.readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');
    const apiSchema = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
    const folder = path.join(ROOT, 'schema', 'operations');
    const files = fs.readdirSync(folder).filter((file) => file.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(0);
    const seen: Seen = { data: 0, errors: 0, threw: 0 };
    for (const file of files) {
      const operation = operationFromDocument(apiSchema, parse(fs.readFileSync(path.join(folder, file), 'utf8')), { validate: false });
      const variables = { since: '2025-10-10T00:00:00Z', first: 5, limit: 5 };
      expect(compare(operation, variables, 60, false, seen), file).toBe(0);
      expect(compare(operation, variables, 60, true, seen), file).toBe(0);
    }
    // The generated cases reached every kind of outcome.
    expect(seen.data).toBeGreaterThan(20);
    expect(seen.errors).toBeGreaterThan(20);
    expect(seen.threw).toBeGreaterThan(0);
  });

  it('gives the same answers as Apollo on crafted operations: aliases, fragments, @skip/@include, __typename, introspection, nulls and invalid values', () => {
    const schema = buildSchema(CRAFTED_SDL);
    const seen: Seen = { data: 0, errors: 0, threw: 0 };
    for (const [text, variables] of CRAFTED_OPERATIONS) {
      const operation = operationFromDocument(schema, parse(text), { validate: false });
      expect(compare(operation, variables, 150, false, seen), text).toBe(0);
      expect(compare(operation, variables, 150, true, seen), text).toBe(0);
    }
    expect(seen.data).toBeGreaterThan(100);
    expect(seen.errors).toBeGreaterThan(100);
    expect(seen.threw).toBeGreaterThan(0);
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
    const { data, errors } = computeResponse({ operation, variables: {}, input: { ratio: 'high', level: 'EXTREME', node: { __typename: 'Ghost', id: '1' } }, introspectionHandling: () => null });
    expect(data).toBeNull();
    // level is non-null: its invalid value nulls the whole answer (one error for it, not a second for the null).
    expect(errors.map((e) => e.message)).toEqual(['Invalid value found for field Query.ratio.', 'Invalid value found for field Query.level.']);
    const typename = computeResponse({ operation, variables: {}, input: { ratio: 1, level: 'LOW', node: { __typename: 'Ghost', id: '1' } }, introspectionHandling: () => null });
    expect(typename.data).toEqual({ ratio: 1, level: 'LOW', node: null });
    expect(typename.errors.map((e) => [e.message, e.path])).toEqual([['Invalid __typename found for object at field Query.node.', ['node']]]);
  });

});
