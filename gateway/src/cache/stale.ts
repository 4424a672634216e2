import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SchemaLike } from '@cmcc/audit-trail';

/** `Type.field` → the subgraphs that resolve it (the supergraph's `join__field`, read by @cmcc/governance/outage). */
export type FieldOwners = ReadonlyMap<string, ReadonlySet<string>>;

/** A field filled from the last known answer: where, and the subgraph that could not answer it now. */
export interface StaleFill {
  readonly serviceName: string;
  readonly path: readonly (string | number)[];
}

type Json = Record<string, unknown>;

/**
 * The schema comes from @apollo/gateway, which may hold its own copy of graphql-js: it is read structurally (methods and
 * type names), never with graphql-js's `instanceof`-based predicates.
 */
interface TypeLike {
  name: string;
  getFields?: () => Record<string, { type: unknown }>;
  getTypes?: () => unknown[];
  resolveType?: unknown;
}
const typeNamed = (schema: SchemaLike, name: string) => schema.getType(name) as TypeLike | null | undefined;
const isAbstract = (type: TypeLike | null | undefined) => Boolean(type && (typeof type.getTypes === 'function' || 'resolveType' in type));
const namedTypeOf = (type: unknown) => String(type).replace(/[[\]!]/g, '');

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The fields that identify a record of this graph (its entities' keys). */
const KEY_FIELDS = new Set(['id', 'pcode']);

/** The identity of a record in a list: the values of its key fields (under the response keys they were asked as), or none. */
function identity(value: unknown, keys: readonly string[]): string | undefined {
  if (!isObject(value) || keys.length === 0) return undefined;
  const parts = keys.map((key) => value[key]);
  if (parts.some((part) => typeof part !== 'string' && typeof part !== 'number')) return undefined;
  return JSON.stringify([value.__typename ?? null, ...parts]);
}

/**
 * Stale-if-error (issue 19, point 3): puts into a fresh answer, where a subgraph that failed now left a field null,
 * that field's value from the last known answer to the same operation, for the same principal and variables (the
 * response cache's expired entry). Only fields the failed subgraphs resolve, by the supergraph's field ownership, are
 * filled, never a field another subgraph answered now; records in lists are matched by their key (`id`, `pcode`), never
 * by position, and a list whose records have no key is not descended into. The fresh answer is changed in place; what
 * was filled is returned.
 */
export function fillFromStale(options: {
  schema: SchemaLike;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fresh: Json;
  stale: Json;
  failed: ReadonlySet<string>;
  owners: FieldOwners;
}): StaleFill[] {
  const { schema, document, failed, owners } = options;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = options.operation.operation === 'query' ? schema.getQueryType()?.name : undefined;
  const fills: StaleFill[] = [];
  if (!root) return fills;
  const isSubType = (abstract: unknown, type: unknown) => (schema as { isSubType?: (a: unknown, b: unknown) => boolean }).isSubType?.(abstract, type) === true;

  /** The response keys of a selection set on one object type, with their field names and sub-selections. */
  const collect = (set: SelectionSetNode, type: TypeLike, into: Map<string, { name: string; selections: SelectionSetNode[] }>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = into.get(key) ?? { name: selection.name.value, selections: [] };
        if (selection.selectionSet) entry.selections.push(selection.selectionSet);
        into.set(key, entry);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? typeNamed(schema, fragment.typeCondition.name.value) : type;
      const applies = condition?.name === type.name || (isAbstract(condition) && isSubType(condition, type));
      if (applies) collect(fragment.selectionSet, type, into);
    }
  };

  const walk = (sets: SelectionSetNode[], declared: string, fresh: Json, stale: Json, path: (string | number)[]) => {
    let type = typeNamed(schema, declared);
    if (isAbstract(type)) {
      // The record's own type, when both answers name the same one; otherwise nothing below is filled.
      const typename = fresh.__typename;
      if (typeof typename !== 'string' || typename !== stale.__typename) return;
      type = typeNamed(schema, typename);
    }
    if (!type || typeof type.getFields !== 'function' || isAbstract(type)) return;
    const fields = new Map<string, { name: string; selections: SelectionSetNode[] }>();
    for (const set of sets) collect(set, type, fields);
    for (const [key, { name, selections }] of fields) {
      if (name === '__typename') continue;
      const field = type.getFields()[name];
      if (!field) continue;
      const now = fresh[key];
      const before = stale[key];
      if (now === null && before !== null && before !== undefined) {
        const failedOwner = [...(owners.get(`${type.name}.${name}`) ?? [])].find((owner) => failed.has(owner));
        if (failedOwner) {
          fresh[key] = structuredClone(before);
          fills.push({ serviceName: failedOwner, path: [...path, key] });
        }
        continue;
      }
      if (selections.length === 0) continue;
      const inner = namedTypeOf(field.type);
      if (isObject(now) && isObject(before)) walk(selections, inner, now, before, [...path, key]);
      else if (Array.isArray(now) && Array.isArray(before)) {
        // The response keys under which the records' key fields were asked (aliases included).
        const itemType = typeNamed(schema, inner);
        const itemFields = new Map<string, { name: string; selections: SelectionSetNode[] }>();
        if (itemType && !isAbstract(itemType)) for (const set of selections) collect(set, itemType, itemFields);
        const keys = [...itemFields].filter(([, { name: fieldName }]) => KEY_FIELDS.has(fieldName)).map(([responseKey]) => responseKey);
        const byIdentity = new Map(before.map((item) => [identity(item, keys), item] as const).filter(([id]) => id !== undefined));
        now.forEach((item, index) => {
          const id = identity(item, keys);
          const match = id === undefined ? undefined : byIdentity.get(id);
          if (isObject(item) && isObject(match)) walk(selections, inner, item, match, [...path, key, index]);
        });
      }
    }
  };

  walk([options.operation.selectionSet], root, options.fresh, options.stale, []);
  return fills;
}
