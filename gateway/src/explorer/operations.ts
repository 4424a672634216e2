import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type TypeNode, type ValueNode, valueFromASTUntyped } from 'graphql';

/** The operations clients send, committed under `schema/operations/` (one operation per file). */
export const OPERATIONS_DIR = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));

/** One saved operation, as the explorer offers it. */
export interface SavedOperation {
  /** The operation's name (the file's name when the operation has none). */
  readonly name: string;
  /** The file, relative to the project (`schema/operations/SituationByGovernorate.graphql`). */
  readonly file: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  /** The comment lines at the top of the file, without `#`. */
  readonly description: string;
  /** The file's text, ready for the editor. */
  readonly document: string;
  /** Each variable with its type, e.g. `{ name: 'since', type: 'DateTime!' }`. */
  readonly variableDefinitions: readonly { readonly name: string; readonly type: string }[];
  /** Example values, so the operation runs as it is loaded. */
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Example values by type for variables without a default. `DateTime`/`Date`: the ceasefire of 10 October 2025, where
 * the seeded and imported data begins, so a `since` filter returns the whole record.
 */
const EXAMPLES: Readonly<Record<string, unknown>> = Object.freeze({
  DateTime: '2025-10-10T00:00:00Z',
  Date: '2025-10-10',
  Int: 10,
  Float: 1,
  Boolean: true,
  String: '',
  ID: '',
});

/**
 * A file may give its own example variables in a comment line `# variables: {"since": "2025-11-01T00:00:00Z"}`;
 * otherwise each variable gets its default value, else (when it is required) an example for its type (`null` for input
 * objects and enums); an optional variable without a default is left out.
 */
const VARIABLES_COMMENT = /^#\s*variables:\s*(\{.*\})\s*$/m;

/** Reads every `*.graphql` file of `dir`, sorted by name. A file that does not parse is listed with its error. */
export function loadSavedOperations(dir = OPERATIONS_DIR): { operations: SavedOperation[]; problems: string[] } {
  const operations: SavedOperation[] = [];
  const problems: string[] = [];
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((file) => file.endsWith('.graphql'))
        .sort()
    : [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    try {
      operations.push(describeOperation(file, text));
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { operations, problems };
}

export function describeOperation(file: string, text: string): SavedOperation {
  const document = parse(text);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation in the file');
  const given = VARIABLES_COMMENT.exec(text);
  const explicit = given ? (JSON.parse(given[1]) as Record<string, unknown>) : {};
  const variableDefinitions = (operation.variableDefinitions ?? []).map((definition) => ({
    name: definition.variable.name.value,
    type: print(definition.type),
    example: definition.defaultValue
      ? valueFromASTUntyped(definition.defaultValue as ValueNode)
      : // An optional variable without a default is left out: an example there ("" for a cursor) is a value the
        // operation may refuse (auditEvents' `after` must be a cursor it returned), where absent means "none".
        definition.type.kind === Kind.NON_NULL_TYPE
        ? exampleFor(definition.type)
        : undefined,
  }));
  const leading: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    if (!VARIABLES_COMMENT.test(line)) leading.push(line.replace(/^#\s?/, ''));
  }
  return {
    name: operation.name?.value ?? path.basename(file, '.graphql'),
    file: `schema/operations/${file}`,
    type: operation.operation,
    description: leading.join(' ').trim(),
    document: text,
    variableDefinitions: variableDefinitions.map(({ name, type }) => ({ name, type })),
    variables: Object.fromEntries(
      variableDefinitions.flatMap(({ name, example }) => (name in explicit ? [[name, explicit[name]]] : example === undefined ? [] : [[name, example]])),
    ),
  };
}

function exampleFor(type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return exampleFor(type.type);
  if (type.kind === Kind.LIST_TYPE) return [];
  return EXAMPLES[type.name.value] ?? null;
}
