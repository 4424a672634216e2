import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Operation filtering with the Apollo Router's semantics: the fields and types a principal may not use are removed
 * from the operation before planning; each comes back as null (at the nearest nullable field) with one
 * UNAUTHORIZED_FIELD_OR_TYPE error per path (gateway/src/stages/authorize.ts).
 */
/** A field removed from an operation, and where its null lands in the response. */
export interface Removal {
  /** Response path (aliases), without list indices. */
  path: string[];
  coordinate: string;
  /** Where null lands: the removed field, or the nearest nullable field above it (null propagation). */
  nullPath: string[] | null;
}

/** Removes the fields the principal may not use; returns the new operation and what was removed. */
export function filterOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  allowed: (coordinate: string) => boolean,
): { operation: OperationDefinitionNode; removals: Removal[] } {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const removals: Removal[] = [];
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();

  // `ancestors`: for each field on the way down, its response key and whether it can absorb a null.
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, ancestors: { key: string; nullable: boolean }[]): SelectionSetNode | null => {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOn(parent, selection);
        if (!field) {
          kept.push(selection);
          continue;
        }
        const key = selection.alias?.value ?? selection.name.value;
        const path = [...ancestors.map((a) => a.key), key];
        // The schema comes from @apollo/gateway's copy of graphql-js; type names, not instanceof checks, work across copies.
        const typeName = String(field.type);
        const returned = schema.getType(typeName.replace(/[[\]!]/g, ''))!;
        const coordinate = `${parent.name}.${field.name}`;
        const nullable = !typeName.endsWith('!');
        if (!allowed(coordinate) || !allowed(returned.name)) {
          const chain = [...ancestors, { key, nullable }];
          let at = chain.length - 1;
          while (at >= 0 && !chain[at].nullable) at--;
          removals.push({ path, coordinate: allowed(coordinate) ? returned.name : coordinate, nullPath: at < 0 ? null : chain.slice(0, at + 1).map((c) => c.key) });
          continue;
        }
        if (!selection.selectionSet) {
          kept.push(selection);
          continue;
        }
        const inner = walk(selection.selectionSet, returned as GraphQLCompositeType, [...ancestors, { key, nullable }]);
        if (inner) kept.push({ ...selection, selectionSet: inner });
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const typeName = fragment.typeCondition?.name.value;
      const type = (typeName ? schema.getType(typeName) : parent) as GraphQLCompositeType;
      const inner = walk(fragment.selectionSet, type, ancestors);
      // Named fragments are inlined: a fragment used in two places may lose different fields in each.
      if (inner) kept.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet: inner });
    }
    return kept.length > 0 ? { ...selectionSet, selections: kept } : null;
  };

  const selectionSet = root ? walk(operation.selectionSet, root, []) : operation.selectionSet;
  return { operation: { ...operation, selectionSet: selectionSet ?? { kind: Kind.SELECTION_SET, selections: [typenameField] } }, removals };
}

const typenameField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

function fieldOn(parent: GraphQLCompositeType, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
}

/** Sets `null` at a response path in every object along it (lists are walked through). */
export function setNull(data: unknown, path: string[]): void {
  if (data === null || data === undefined) return;
  if (Array.isArray(data)) return data.forEach((item) => setNull(item, path));
  if (typeof data !== 'object') return;
  const [head, ...rest] = path;
  const record = data as Record<string, unknown>;
  if (rest.length === 0) record[head] = null;
  else setNull(record[head], rest);
}
