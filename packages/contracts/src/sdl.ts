import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLocation, Kind, parse, Source, visit, type DefinitionNode, type DocumentNode } from 'graphql';

/** The shared vocabulary (`AccessMarking`, `Source`, `PageInfo`, scalars, ...): the only copy, added to every subgraph. */
export const SHARED_VOCABULARY_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'sdl', 'shared.graphql');

const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/';

let vocabulary: readonly DefinitionNode[] | undefined;

/** The shared vocabulary's definitions, parsed once. */
export function sharedDefinitions(): readonly DefinitionNode[] {
  vocabulary ??= parse(new Source(fs.readFileSync(SHARED_VOCABULARY_PATH, 'utf8'), 'packages/contracts/sdl/shared.graphql')).definitions;
  return vocabulary;
}

function nameOf(definition: DefinitionNode): string | null {
  return 'name' in definition && definition.name ? definition.name.value : null;
}

/** The names of the shared vocabulary's types and scalars; no subgraph may define or extend them. */
export function sharedTypeNames(): string[] {
  return sharedDefinitions()
    .map(nameOf)
    .filter((name): name is string => name !== null);
}

/** A subgraph's SDL defines or extends types of the shared vocabulary, which belong to the platform. */
export class SharedVocabularyError extends Error {
  constructor(
    readonly subgraph: string,
    readonly types: string[],
    /** Where in the subgraph's SDL they are defined, when known. */
    readonly locations: { line: number; column: number }[] = [],
  ) {
    super(
      `The ${subgraph} subgraph's schema defines or extends ${types.length === 1 ? 'the shared type' : 'the shared types'} ${types.join(', ')}. ` +
        'The shared vocabulary (packages/contracts/sdl/shared.graphql) is added to every subgraph by the kit and belongs to the platform: ' +
        `remove ${types.length === 1 ? 'that definition' : 'those definitions'} from the subgraph's SDL, and ask the platform team to change the shared file.`,
    );
    this.name = 'SharedVocabularyError';
  }
}

/**
 * A subgraph's SDL with the shared vocabulary appended: what every schema build and every composition uses. The
 * vocabulary's `@shareable` is written under the name the subgraph's federation `@link` gives it (`@shareable` when
 * imported, `@federation__shareable` otherwise), so the shared value types are shareable in every subgraph.
 */
export function withSharedVocabulary(sdl: string | DocumentNode, subgraph: string): DocumentNode {
  const document = typeof sdl === 'string' ? parse(new Source(sdl, subgraph)) : sdl;
  const shared = new Set(sharedTypeNames());
  const clashes = document.definitions.filter((definition) => shared.has(nameOf(definition) ?? ''));
  if (clashes.length > 0) {
    const locations = clashes.flatMap((definition) => (definition.loc ? [getLocation(definition.loc.source, definition.loc.start)] : []));
    throw new SharedVocabularyError(subgraph, [...new Set(clashes.map((definition) => nameOf(definition)!))], locations);
  }
  const shareable = shareableName(document);
  const definitions = shareable === 'shareable' ? sharedDefinitions() : sharedDefinitions().map((definition) => renameShareable(definition, shareable));
  return { ...document, definitions: [...document.definitions, ...definitions] };
}

/** The local name of federation's `@shareable` in this document, from its `@link(url: ".../federation/v2.x", import: [...])`. */
function shareableName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const argument = (name: string) => link.arguments?.find((a) => a.name.value === name)?.value;
      const url = argument('url');
      if (url?.kind !== Kind.STRING || !url.value.startsWith(FEDERATION_SPEC)) continue;
      const imports = argument('import');
      for (const entry of imports?.kind === Kind.LIST ? imports.values : []) {
        if (entry.kind === Kind.STRING && entry.value === '@shareable') return 'shareable';
        if (entry.kind !== Kind.OBJECT) continue;
        const field = (name: string) => entry.fields.find((f) => f.name.value === name)?.value;
        const name = field('name');
        const as = field('as');
        if (name?.kind === Kind.STRING && name.value === '@shareable') return as?.kind === Kind.STRING ? as.value.replace(/^@/, '') : 'shareable';
      }
      const prefix = argument('as');
      return `${prefix?.kind === Kind.STRING ? prefix.value : 'federation'}__shareable`;
    }
  }
  return 'shareable';
}

function renameShareable(definition: DefinitionNode, name: string): DefinitionNode {
  return visit(definition, {
    Directive: (node) => (node.name.value === 'shareable' ? { ...node, name: { ...node.name, value: name } } : undefined),
  });
}
