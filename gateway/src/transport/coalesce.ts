import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

/**
 * Merging subgraph queries that are ready at the same moment into one request. The query plan of a large dashboard
 * asks one subgraph several things in parallel (security: the incidents of the governorates, of their localities, of
 * the convoys...); as one operation, the subgraph answers them in one execution whose DataLoaders batch across all of
 * them, and the gateway sends one HTTP request instead of several.
 *
 * Each query's variables and fragments get a prefix (`q0_`), and its root fields an alias with that prefix; the answer
 * is split back by those prefixes, errors by the first element of their path.
 */

export interface SubgraphQuery {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface MergedQuery {
  body: { query: string; variables: Record<string, unknown>; operationName: string };
  /** Splits the merged answer into one answer per query, in order. */
  split(answer: { data?: Record<string, unknown> | null; errors?: { path?: (string | number)[]; [field: string]: unknown }[]; extensions?: unknown }): object[];
}

const parsed = new Map<string, DocumentNode | null>();
const MAX_PARSED = 1000;

/** The query's document when it is a single query operation that can be merged (no subscription, no mutation). */
function mergeable(query: string): DocumentNode | null {
  let document = parsed.get(query);
  if (document !== undefined) return document;
  try {
    const candidate = parse(query);
    const operations = candidate.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    document = operations.length === 1 && operations[0].operation === 'query' && !operations[0].directives?.length ? candidate : null;
  } catch {
    document = null;
  }
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value!);
  parsed.set(query, document);
  return document;
}

/** Whether a subgraph request body can take part in a merge. */
export function canMerge(request: SubgraphQuery): boolean {
  return typeof request.query === 'string' && mergeable(request.query) !== null;
}

function prefixed(document: DocumentNode, prefix: string): { operation: OperationDefinitionNode; fragments: DefinitionNode[] } {
  const renamed = visit(document, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
  });
  const operation = renamed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const selections = operation.selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD) throw new Error('root fragments are not merged');
    const key = selection.alias?.value ?? selection.name.value;
    return { ...selection, alias: { kind: Kind.NAME, value: prefix + key } } as FieldNode;
  });
  return {
    operation: { ...operation, selectionSet: { ...operation.selectionSet, selections } },
    fragments: renamed.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
  };
}

const merges = new Map<string, string>();
const MAX_MERGES = 1000;

/** One operation asking everything the queries ask; undefined when one of them cannot be merged. */
export function mergeQueries(requests: SubgraphQuery[]): MergedQuery | undefined {
  const documents = requests.map((request) => mergeable(request.query));
  if (documents.some((document) => !document)) return undefined;
  if (documents.some((document) => document!.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.selectionSet.selections.some((s) => s.kind !== Kind.FIELD))))
    return undefined;
  const prefix = (index: number) => `q${index}_`;
  const cacheKey = requests.map((request) => request.query).join('\u0000');
  let query = merges.get(cacheKey);
  if (!query) {
    const parts = documents.map((document, index) => prefixed(document!, prefix(index)));
    const merged: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: 'query' as never,
          name: { kind: Kind.NAME, value: 'Merged' },
          variableDefinitions: parts.flatMap((part) => part.operation.variableDefinitions ?? []),
          selectionSet: { kind: Kind.SELECTION_SET, selections: parts.flatMap((part) => part.operation.selectionSet.selections) },
        },
        ...parts.flatMap((part) => part.fragments),
      ],
    };
    query = print(merged);
    if (merges.size >= MAX_MERGES) merges.delete(merges.keys().next().value!);
    merges.set(cacheKey, query);
  }
  const variables: Record<string, unknown> = {};
  requests.forEach((request, index) => {
    for (const [name, value] of Object.entries(request.variables ?? {})) variables[prefix(index) + name] = value;
  });
  return {
    body: { query, variables, operationName: 'Merged' },
    split(answer) {
      return requests.map((_request, index) => {
        const own = prefix(index);
        let data: Record<string, unknown> | null | undefined = answer.data === null ? null : undefined;
        if (answer.data) {
          data = {};
          for (const [key, value] of Object.entries(answer.data)) if (key.startsWith(own)) data[key.slice(own.length)] = value;
        }
        // An error without a path (the whole operation failed) belongs to every query; one with a path to its own.
        const errors = (answer.errors ?? []).flatMap((error) => {
          const head = error.path?.[0];
          if (typeof head !== 'string') return [error];
          return head.startsWith(own) ? [{ ...error, path: [head.slice(own.length), ...error.path!.slice(1)] }] : [];
        });
        return { ...(data !== undefined ? { data } : {}), ...(errors.length ? { errors } : {}), ...(answer.extensions ? { extensions: answer.extensions } : {}) };
      });
    },
  };
}
