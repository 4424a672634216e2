import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { fragmentsOf, rootTypeName, type SchemaLike } from '@cmcc/audit-trail';
import { aggregatedFrom } from './aggregates.ts';

const KEY_FIELDS = ['id', 'pcode'];

/** A tag for a record whose concrete type the response does not say (an interface or union without `__typename`). */
export const untypedTag = (key: string) => `?:${key}`;

function typeOf(schema: SchemaLike, typeName: string, field: string): { name: string; concrete: boolean } | undefined {
  const parent = schema.getType(typeName) as { getFields?: () => Record<string, { type: unknown }> } | null | undefined;
  const definition = typeof parent?.getFields === 'function' ? parent.getFields()[field] : undefined;
  if (!definition) return undefined;
  const name = String(definition.type).replace(/[[\]!]/g, '');
  // Object types (not interfaces or unions) carry `isTypeOf`; checked by shape, the schema being another graphql-js copy.
  const type = schema.getType(name) as object | null | undefined;
  return { name, concrete: !!type && 'isTypeOf' in type };
}

/** A tag for every response whose operation reads records of a type: a new record of that type may belong in it. */
export const typeTag = (type: string) => `type:${type}`;

const typesByOperation = new WeakMap<OperationDefinitionNode, string[]>();

/**
 * The object types an operation selects (whatever the data holds: an empty list today may hold a new record tomorrow),
 * and the types its aggregate fields are worked out from (`Area.forceStrength` reads ForceContribution: see
 * aggregates.ts), so a change to such a record, its marking included, evicts the figure.
 */
export function typesSelected(schema: SchemaLike, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const known = typesByOperation.get(operation);
  if (known) return known;
  const fragments = fragmentsOf(document);
  const types = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, typeName: string, depth: number) => {
    forEachField(selectionSet, fragments, (_key, name, inner) => {
      for (const source of aggregatedFrom(schema, typeName, name)) types.add(source);
      const type = inner && typeOf(schema, typeName, name);
      if (!type || depth > 32) return;
      types.add(type.name);
      walk(inner, type.name, depth + 1);
    });
  };
  walk(operation.selectionSet, rootTypeName(schema, operation), 0);
  const result = [...types].sort();
  typesByOperation.set(operation, result);
  return result;
}

/**
 * The record types a mutation's payloads hold directly (`recordForceContribution { forceContribution { id } }`:
 * ForceContribution), whatever the response holds: a record the mutation changed may come back null, its new marking
 * withholding it from the caller, and answers reading its type must still go.
 */
export function payloadTypes(schema: SchemaLike, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = fragmentsOf(document);
  const types = new Set<string>();
  const root = rootTypeName(schema, operation);
  forEachField(operation.selectionSet, fragments, (_key, name, payload) => {
    const payloadType = payload && typeOf(schema, root, name);
    if (!payloadType) return;
    if (payloadType.concrete && !payloadType.name.endsWith('Payload')) types.add(payloadType.name);
    forEachField(payload, fragments, (_inner, field, record) => {
      const type = record && typeOf(schema, payloadType.name, field);
      if (type?.concrete && type.name !== 'UserError' && !type.name.endsWith('Error')) types.add(type.name);
    });
  });
  return [...types].sort();
}

/**
 * The entities a response contains at any depth, as `Type:key` (key: `id`, else `pcode`), so a cached response
 * can be evicted when a mutation returns one of them. A record of an abstract type without `__typename` is tagged
 * `?:key`, which every mutation of that key also evicts.
 */
export function entityTags(schema: SchemaLike, document: DocumentNode, operation: OperationDefinitionNode, data: unknown): Set<string> {
  const fragments = fragmentsOf(document);
  const tags = new Set<string>();
  const visit = (value: unknown, selectionSet: SelectionSetNode, typeName: string, concrete: boolean) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, selectionSet, typeName, concrete));
    const record = value as Record<string, unknown>;
    const actualType = typeof record.__typename === 'string' ? record.__typename : concrete ? typeName : undefined;
    let key: string | undefined;
    let rank = Infinity;
    forEachField(selectionSet, fragments, (responseKey, name, inner) => {
      const found = record[responseKey];
      const at = KEY_FIELDS.indexOf(name);
      if (at >= 0 && at < rank && (typeof found === 'string' || typeof found === 'number')) {
        key = String(found);
        rank = at;
      }
      if (!inner || found === null || typeof found !== 'object') return;
      const type = typeOf(schema, actualType ?? typeName, name) ?? typeOf(schema, typeName, name);
      if (type) visit(found, inner, type.name, type.concrete);
    });
    if (key !== undefined) tags.add(actualType ? `${actualType}:${key}` : untypedTag(key));
  };
  visit(data, operation.selectionSet, rootTypeName(schema, operation), false);
  return tags;
}

function forEachField(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  each: (responseKey: string, name: string, inner: SelectionSetNode | undefined) => void,
  seen = new Set<string>(),
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) each(selection.alias?.value ?? selection.name.value, selection.name.value, selection.selectionSet);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(selection.selectionSet, fragments, each, seen);
    else if (!seen.has(selection.name.value) && fragments.has(selection.name.value)) {
      seen.add(selection.name.value);
      forEachField(fragments.get(selection.name.value)!.selectionSet, fragments, each, seen);
    }
  }
}
