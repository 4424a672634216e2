import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, print, type DefinitionNode, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { readTypeDefs, SHARED_VOCABULARY_PATH, SharedVocabularyError, sharedTypeNames, withSharedVocabulary } from '@cmcc/subgraph-kit';

const nameOf = (definition: DefinitionNode) => ('name' in definition && definition.name ? definition.name.value : null);
const read = (file: string) => fs.readFileSync(path.resolve(PROJECT_ROOT, file), 'utf8');
/** Every subgraph's own SDL, and the template new subgraphs are made from. */
const subgraphFiles: [string, string][] = [...loadSubgraphList().map((s): [string, string] => [s.name, s.schema]), ['template', 'packages/subgraph-kit/template/schema.graphql']];
const shared = parse(fs.readFileSync(SHARED_VOCABULARY_PATH, 'utf8'));
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

function undocumented(document: DocumentNode): string[] {
  const missing: string[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    if (!('description' in definition) || !definition.description) missing.push(type);
    for (const field of ('fields' in definition ? definition.fields : undefined) ?? []) {
      if (!field.description) missing.push(`${type}.${field.name.value}`);
      for (const argument of ('arguments' in field ? field.arguments : undefined) ?? []) {
        if (!argument.description) missing.push(`${type}.${field.name.value}(${argument.name.value})`);
      }
    }
    for (const value of ('values' in definition ? definition.values : undefined) ?? []) {
      if (!value.description) missing.push(`${type}.${value.name.value}`);
    }
  }
  return missing;
}

describe('shared vocabulary', () => {
  it('is the kit file: scalars, markings, sources, paging, provenance and user errors', () => {
    expect(sharedTypeNames()).toEqual(
      expect.arrayContaining(['DateTime', 'Date', 'Classification', 'Tlp', 'Source', 'AccessMarking', 'PageInfo', 'Provenance', 'RecordChange', 'UserError', 'AccessMarkingInput']),
    );
  });

  it.each(subgraphFiles)('%s defines none of the shared types: the kit adds them', (_name, file) => {
    const own = parse(read(file)).definitions.map(nameOf);
    expect(own.filter((name) => name !== null && sharedTypeNames().includes(name))).toEqual([]);
  });

  it.each(subgraphFiles)('%s is served with every shared type exactly as the kit defines it', (name, file) => {
    const effective = readTypeDefs(path.dirname(path.resolve(PROJECT_ROOT, file)), name);
    const byName = new Map(effective.definitions.map((definition) => [nameOf(definition), print(definition)]));
    for (const definition of shared.definitions) expect(byName.get(nameOf(definition)), nameOf(definition)!).toBe(print(definition));
  });

  it('refuses an SDL that defines a shared type, naming the subgraph, the type and where', () => {
    const sdl = `${LINK}\n"Q." type Query { "P." page: PageInfo }\n"Mine." enum Tlp { "Red." RED }\n"Mine." type PageInfo { "More." hasNextPage: Boolean! }`;
    let thrown: unknown;
    try {
      withSharedVocabulary(sdl, 'sample-group');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SharedVocabularyError);
    expect((thrown as SharedVocabularyError).message).toContain('The sample-group subgraph');
    expect((thrown as SharedVocabularyError).types).toEqual(['Tlp', 'PageInfo']);
    expect((thrown as SharedVocabularyError).locations).toEqual([
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });

  it('refuses an extension of a shared type too', () => {
    expect(() => withSharedVocabulary(`${LINK}\n"Q." type Query { "P." page: PageInfo }\nextend enum Source { "Mine." MINE }`, 'sample-group')).toThrow(
      /sample-group subgraph.*shared type Source/,
    );
  });

  it('refuses to add the vocabulary twice', () => {
    const once = withSharedVocabulary(read('subgraphs/security/schema.graphql'), 'security');
    expect(() => withSharedVocabulary(once, 'security')).toThrow(SharedVocabularyError);
  });

  it('fails composition with SHARED_TYPE_REDEFINED for the subgraph that redefines a shared type, and names no other', () => {
    const result = composeSupergraph([
      { name: 'security', routingUrl: 'http://localhost:4003/graphql', sdl: read('subgraphs/security/schema.graphql') },
      { name: 'rogue', routingUrl: 'http://localhost:4999/graphql', sdl: `${LINK}\n"Q." type Query { "R." rogue: AccessMarking }\n"Mine." scalar DateTime` },
    ]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      { subgraph: 'rogue', code: 'SHARED_TYPE_REDEFINED', message: expect.stringContaining('shared type DateTime'), locations: [{ line: 3, column: 1 }] },
    ]);
  });

  it('fails to build a subgraph whose schema.graphql redefines a shared type, naming it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vocabulary-'));
    try {
      fs.writeFileSync(path.join(root, 'schema.graphql'), `${LINK}\n"Q." type Query { "P." page: Provenance }\n"Mine." type Provenance { "V." version: Int! }`);
      expect(() => readTypeDefs(root, 'sample-group')).toThrow(/sample-group subgraph's schema defines or extends the shared type Provenance/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps the shared value types shareable whatever name the subgraph gives @shareable (imported, aliased, or not imported)', () => {
    const subgraph = (name: string, link: string) => ({ name, routingUrl: `http://${name}/graphql`, sdl: `${link}\n"Q." type Query { "Pages of ${name}." ${name}: PageInfo! }` });
    const result = composeSupergraph([
      subgraph('imported', LINK),
      subgraph('aliased', 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [{ name: "@shareable", as: "@share" }])'),
      subgraph('prefixed', 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", as: "fed", import: ["@key"])'),
      subgraph('unimported', 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])'),
    ]);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe('schema documentation', () => {
  it.each([...subgraphFiles, ['shared vocabulary', path.relative(PROJECT_ROOT, SHARED_VOCABULARY_PATH)]])(
    '%s describes every type, field, argument and enum value',
    (_name, file) => {
      expect(undocumented(parse(read(file)))).toEqual([]);
    },
  );

  it.each(subgraphFiles)('%s with the shared vocabulary added describes every type, field, argument and enum value', (name, file) => {
    expect(undocumented(withSharedVocabulary(read(file), name))).toEqual([]);
  });
});
