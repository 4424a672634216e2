import {
  Kind,
  parse,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type DocumentNode,
} from 'graphql';
import { fragmentsOf, rootTypeName, type SchemaLike } from '@cmcc/audit-trail';

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
  /** Field selections once every fragment is written out in place, as the query planner expands them. */
  fields: number;
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

/** A variable's value as sent, else its default in the operation (`$n: Int = 500`): what the planner and subgraphs will use. */
function variableValue(name: string, variables: Record<string, unknown>, defaults: ReadonlyMap<string, ValueNode>): unknown {
  if (Object.hasOwn(variables, name)) return variables[name];
  const fallback = defaults.get(name);
  return fallback?.kind === Kind.INT ? Number(fallback.value) : undefined;
}

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>, defaults: ReadonlyMap<string, ValueNode>): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variableValue(node.name.value, variables, defaults);
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

interface Measured {
  depth: number;
  cost: number;
  aliases: number;
  fields: number;
}

const NOTHING: Measured = Object.freeze({ depth: 0, cost: 0, aliases: 0, fields: 0 });

/**
 * Depth, aliases, root fields, estimated cost and expanded field count of one operation, in time linear in the size of
 * the document: a named fragment is measured once per way it is used (in a mutation or not, under which page size),
 * its figures reused at every spread. So a fragment bomb (fragments that each spread the next several times) is
 * measured in microseconds, and its expanded size, exponential in its depth, is what refuses it. `counter.visits`
 * counts the selections looked at (for the tests of that linearity).
 */
export function measureOperation(
  schema: SchemaLike,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  directives: CostDirectives = { weights: new Map(), listSizes: new Map() },
  defaultListSize = 10,
  counter?: { visits: number },
): OperationMeasure {
  const fragments = fragmentsOf(document);
  const defaults = new Map((operation.variableDefinitions ?? []).flatMap((d) => (d.defaultValue ? [[d.variable.name.value, d.defaultValue] as const] : [])));
  const memo = new Map<string, Measured>();
  const measuring = new Set<string>();

  // The value of a slicing argument (`first`...) as given, else its default; undefined when the field has none.
  const sliceOf = (parent: string, node: FieldNode, definition: FieldLike): number | undefined => {
    const declared = directives.listSizes.get(`${parent}.${node.name.value}`);
    for (const name of declared?.slicingArguments ?? SLICING_ARGUMENTS) {
      const given = intValue(node.arguments?.find((a) => a.name.value === name)?.value, variables, defaults);
      if (given !== undefined) return Math.max(given, 0);
      const fallback = definition.args?.find((a) => a.name === name)?.defaultValue;
      if (typeof fallback === 'number') return fallback;
    }
    return undefined;
  };

  // The figures of a selection set on `typeName`. `sized`: the page size of the connection whose fields these are,
  // for its `edges` and `nodes` lists (what demand control's `sizedFields` says).
  const walk = (selectionSet: SelectionSetNode, typeName: string, isMutationRoot: boolean, sized?: number): Measured => {
    const total = { depth: 0, cost: 0, aliases: 0, fields: 0 };
    for (const selection of selectionSet.selections) {
      if (counter) counter.visits++;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) total.aliases++;
        total.fields++;
        const name = selection.name.value;
        if (name === '__typename') continue;
        const definition = fieldOf(schema, typeName, name) ?? (name === '__schema' || name === '__type' ? { type: name === '__schema' ? '__Schema!' : '__Type' } : undefined);
        const returned = definition ? String(definition.type).replace(/[[\]!]/g, '') : '';
        const isList = definition !== undefined && String(definition.type).includes('[');
        const slice = definition ? sliceOf(typeName, selection, definition) : undefined;
        const inner = selection.selectionSet ? walk(selection.selectionSet, returned, false, isList ? undefined : slice) : NOTHING;
        total.depth = Math.max(total.depth, inner.depth + 1);
        total.aliases += inner.aliases;
        total.fields += inner.fields;
        const own =
          directives.weights.get(`${typeName}.${name}`) ?? (isMutationRoot ? MUTATION_FIELD_WEIGHT : isComposite(schema, returned) ? (directives.weights.get(returned) ?? 1) : 0);
        const pageSize = sized !== undefined && SIZED_FIELDS.includes(name) ? sized : undefined;
        const multiplier = isList ? (slice ?? pageSize ?? directives.listSizes.get(`${typeName}.${name}`)?.assumedSize ?? defaultListSize) : 1;
        total.cost += multiplier * (own + inner.cost);
        continue;
      }
      let inner: Measured;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, isMutationRoot, sized);
      } else {
        const fragment: FragmentDefinitionNode | undefined = fragments.get(selection.name.value);
        const key = `${selection.name.value}\n${isMutationRoot}\n${sized ?? ''}`;
        // A cycle (only in a document validation refused) adds nothing.
        if (!fragment || measuring.has(key)) continue;
        let known = memo.get(key);
        if (!known) {
          measuring.add(key);
          known = walk(fragment.selectionSet, fragment.typeCondition.name.value, isMutationRoot, sized);
          measuring.delete(key);
          memo.set(key, known);
        }
        inner = known;
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.cost += inner.cost;
      total.aliases += inner.aliases;
      total.fields += inner.fields;
    }
    return total;
  };

  const root = rootTypeName(schema, operation);
  const { depth, cost, aliases, fields } = walk(operation.selectionSet, root, operation.operation === 'mutation');
  return { depth, aliases, rootFields: countRootFields(operation.selectionSet, fragments, new Set()), cost, fields };
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
