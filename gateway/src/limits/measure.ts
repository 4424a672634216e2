import { Kind, parse, type DirectiveNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode, type DocumentNode } from 'graphql';
import { fragmentsOf, rootTypeName, type SchemaLike } from '../audit/document.ts';

/** What an operation asks of the gateway, measured before planning. */
export interface OperationMeasure {
  /** Deepest field nesting (a root field is depth 1; fragments add nothing). */
  depth: number;
  /** Fields requested under an alias. */
  aliases: number;
  /** Fields selected at the root, through fragments (`__typename` excluded). */
  rootFields: number;
  /** Estimated cost (demand control): each object field 1, scalars 0, mutation fields 10, multiplied by list sizes. */
  cost: number;
}

/** `@cost` and `@listSize` of the supergraph, by `Type.field` (and `Type` for a type's own weight). */
export interface CostDirectives {
  weights: ReadonlyMap<string, number>;
  listSizes: ReadonlyMap<string, { assumedSize?: number; slicingArguments?: string[] }>;
}

const MUTATION_FIELD_WEIGHT = 10;
const SLICING_ARGUMENTS = ['first', 'last', 'limit'];
/** The lists of a connection, sized by the connection field's slicing argument. */
const SIZED_FIELDS = ['edges', 'nodes'];

interface FieldLike {
  type: unknown;
  args?: readonly { name: string; defaultValue?: unknown }[];
}

function fieldOf(schema: SchemaLike, typeName: string, field: string): FieldLike | undefined {
  const type = schema.getType(typeName) as { getFields?: () => Record<string, FieldLike> } | null | undefined;
  return typeof type?.getFields === 'function' ? type.getFields()[field] : undefined;
}

function isComposite(schema: SchemaLike, typeName: string): boolean {
  const type = schema.getType(typeName) as { getFields?: unknown; getTypes?: unknown } | null | undefined;
  return typeof type?.getFields === 'function' || typeof type?.getTypes === 'function';
}

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/** Depth, aliases, root fields and estimated cost of one operation (validated, so fragments do not cycle). */
export function measureOperation(
  schema: SchemaLike,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  directives: CostDirectives = { weights: new Map(), listSizes: new Map() },
  defaultListSize = 10,
): OperationMeasure {
  const fragments = fragmentsOf(document);
  let aliases = 0;

  // The value of a slicing argument (`first`...) as given, else its default; undefined when the field has none.
  const sliceOf = (parent: string, node: FieldNode, definition: FieldLike): number | undefined => {
    const declared = directives.listSizes.get(`${parent}.${node.name.value}`);
    for (const name of declared?.slicingArguments ?? SLICING_ARGUMENTS) {
      const given = intValue(node.arguments?.find((a) => a.name.value === name)?.value, variables);
      if (given !== undefined) return Math.max(given, 0);
      const fallback = definition.args?.find((a) => a.name === name)?.defaultValue;
      if (typeof fallback === 'number') return fallback;
    }
    return undefined;
  };

  // Returns [depth below, cost] of a selection set on `typeName`. `sized`: the page size of the connection whose
  // fields these are, for its `edges` and `nodes` lists (what demand control's `sizedFields` says).
  const walk = (selectionSet: SelectionSetNode, typeName: string, isMutationRoot: boolean, seen: ReadonlySet<string>, sized?: number): [number, number] => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        const name = selection.name.value;
        if (name === '__typename') continue;
        const definition = fieldOf(schema, typeName, name) ?? (name === '__schema' || name === '__type' ? { type: name === '__schema' ? '__Schema!' : '__Type' } : undefined);
        const returned = definition ? String(definition.type).replace(/[[\]!]/g, '') : '';
        const isList = definition !== undefined && String(definition.type).includes('[');
        const slice = definition ? sliceOf(typeName, selection, definition) : undefined;
        const [innerDepth, innerCost] = selection.selectionSet ? walk(selection.selectionSet, returned, false, seen, isList ? undefined : slice) : [0, 0];
        depth = Math.max(depth, innerDepth + 1);
        const own = directives.weights.get(`${typeName}.${name}`) ?? (isMutationRoot ? MUTATION_FIELD_WEIGHT : isComposite(schema, returned) ? (directives.weights.get(returned) ?? 1) : 0);
        const pageSize = sized !== undefined && SIZED_FIELDS.includes(name) ? sized : undefined;
        const multiplier = isList ? (slice ?? pageSize ?? directives.listSizes.get(`${typeName}.${name}`)?.assumedSize ?? defaultListSize) : 1;
        cost += multiplier * (own + innerCost);
        continue;
      }
      let inner: SelectionSetNode | undefined;
      let innerType = typeName;
      let nextSeen = seen;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selection.selectionSet;
        innerType = selection.typeCondition?.name.value ?? typeName;
      } else {
        const fragment: FragmentDefinitionNode | undefined = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        inner = fragment.selectionSet;
        innerType = fragment.typeCondition.name.value;
        nextSeen = new Set([...seen, fragment.name.value]);
      }
      const [innerDepth, innerCost] = walk(inner, innerType, isMutationRoot, nextSeen, sized);
      depth = Math.max(depth, innerDepth);
      cost += innerCost;
    }
    return [depth, cost];
  };

  const root = rootTypeName(schema, operation);
  const [depth, cost] = walk(operation.selectionSet, root, operation.operation === 'mutation', new Set());
  return { depth, aliases, rootFields: countRootFields(operation.selectionSet, fragments, new Set()), cost };
}

function countRootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === '__typename' ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += countRootFields(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value) && fragments.has(selection.name.value)) {
      seen.add(selection.name.value);
      count += countRootFields(fragments.get(selection.name.value)!.selectionSet, fragments, seen);
    }
  }
  return count;
}

function argument(directive: DirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/** Reads `@cost(weight:)` and `@listSize(assumedSize:, slicingArguments:)` from a supergraph, where subgraphs declare them. */
export function extractCostDirectives(supergraphSdl: string): CostDirectives {
  const weights = new Map<string, number>();
  const listSizes = new Map<string, { assumedSize?: number; slicingArguments?: string[] }>();
  const read = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name === 'cost') {
        const weight = argument(directive, 'weight');
        if (weight?.kind === Kind.INT || weight?.kind === Kind.STRING) weights.set(coordinate, Number(weight.value));
      } else if (name === 'listSize') {
        const assumed = argument(directive, 'assumedSize');
        const slicing = argument(directive, 'slicingArguments');
        listSizes.set(coordinate, {
          ...(assumed?.kind === Kind.INT ? { assumedSize: Number(assumed.value) } : {}),
          ...(slicing?.kind === Kind.LIST ? { slicingArguments: slicing.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) } : {}),
        });
      }
    }
  };
  for (const definition of parse(supergraphSdl).definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const type = definition.name.value;
    read(type, definition.directives);
    for (const field of ('fields' in definition ? definition.fields : undefined) ?? []) read(`${type}.${field.name.value}`, field.directives);
  }
  return { weights, listSizes };
}
