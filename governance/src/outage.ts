// Which subgraphs resolve each field of the composed supergraph, read from its join directives, and what an outage of
// one subgraph may cost an answer: only fields that subgraph resolves, nulled where they stand. Used by the outage
// matrix test and `npm run soak` to judge a degraded answer against a healthy one, independently of the gateway.
import { Kind, parse, type ConstDirectiveNode } from 'graphql';

export interface FieldResolvers {
  /** `Type.field` → the names of the subgraphs that resolve it (not merely declare it `@external`). */
  readonly owners: ReadonlyMap<string, ReadonlySet<string>>;
  /** `Type.field` → the name of its (unwrapped) type. */
  readonly fieldTypes: ReadonlyMap<string, string>;
  /**
   * `Type.field` of the fields a null runs up through: non-null fields, and lists of non-null items (where an item's null
   * takes the whole list).
   */
  readonly propagatesNull: ReadonlySet<string>;
}

const argument = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;

/** Reads the resolving subgraphs of every object field from a supergraph SDL. */
export function fieldResolvers(supergraphSdl: string): FieldResolvers {
  const document = parse(supergraphSdl);
  const graphs = new Map<string, string>(); // join__Graph value → subgraph name
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const join = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = join && argument(join, 'name');
      if (name?.kind === Kind.STRING) graphs.set(value.name.value, name.value);
    }
  }
  const graphOf = (directive: ConstDirectiveNode) => {
    const value = argument(directive, 'graph');
    return value?.kind === Kind.ENUM ? (graphs.get(value.value) ?? value.value) : undefined;
  };
  const owners = new Map<string, Set<string>>();
  const fieldTypes = new Map<string, string>();
  const propagatesNull = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const typeGraphs = (definition.directives ?? []).filter((d) => d.name.value === 'join__type').map(graphOf);
    for (const field of definition.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      const external = (d: ConstDirectiveNode) => {
        const value = argument(d, 'external');
        return value?.kind === Kind.BOOLEAN && value.value;
      };
      const resolving = joins.length === 0 ? typeGraphs : joins.filter((d) => !external(d)).map(graphOf);
      const key = `${definition.name.value}.${field.name.value}`;
      owners.set(key, new Set(resolving.filter((g): g is string => g !== undefined)));
      if (field.type.kind === Kind.NON_NULL_TYPE) propagatesNull.add(key);
      let type = field.type;
      while (type.kind !== Kind.NAMED_TYPE) type = type.type;
      fieldTypes.set(key, type.name.value);
    }
  }
  return { owners, fieldTypes, propagatesNull };
}

export interface CollateralOptions {
  /** `Type.field` whose values legitimately differ between two answers (a time of computation, a growing count). */
  readonly volatile?: ReadonlySet<string>;
  /**
   * Judge presence only: a value the healthy answer had may differ (the data moved on between the two answers), but must
   * not be lost. Without it, every value outside the missing subgraph's fields must be identical.
   */
  readonly presenceOnly?: boolean;
}

/**
 * Walks a healthy answer beside a degraded one, from `parentType` (e.g. `Query`). Where they differ, the degraded value
 * must be null and its field one the missing subgraph resolves. Returns the paths that break that rule: data of other
 * subgraphs lost or changed by the outage (empty when the outage cost only the missing subgraph's fields).
 */
export function collateralLosses(
  healthy: unknown,
  degraded: unknown,
  parentType: string,
  missing: string,
  resolvers: FieldResolvers,
  options: CollateralOptions = {},
  at = '',
): string[] {
  if (healthy === null || typeof healthy !== 'object') {
    if (options.presenceOnly) return healthy !== null && (degraded === null || degraded === undefined) ? [`${at} lost`] : [];
    return JSON.stringify(healthy) === JSON.stringify(degraded) ? [] : [`${at} changed`];
  }
  if (degraded === null || typeof degraded !== 'object') return [`${at} lost`];
  if (Array.isArray(healthy)) {
    if (!Array.isArray(degraded)) return [`${at} lost`];
    if (!options.presenceOnly && degraded.length !== healthy.length) return [`${at} list changed`];
    const common = Math.min(healthy.length, degraded.length);
    return healthy.slice(0, common).flatMap((item, i) => collateralLosses(item, degraded[i], parentType, missing, resolvers, options, `${at}[${i}]`));
  }
  const losses: string[] = [];
  const typeName = (healthy as Record<string, unknown>).__typename;
  const type = typeof typeName === 'string' ? typeName : parentType;
  for (const [field, value] of Object.entries(healthy as Record<string, unknown>)) {
    const key = `${type}.${field}`;
    const got = (degraded as Record<string, unknown>)[field];
    if (options.volatile?.has(key) || JSON.stringify(value) === JSON.stringify(got)) continue;
    // The missing subgraph's own field, nulled in place; or a field whose value needed it (a reference to an entity with a
    // non-null field of the missing subgraph), nulled where the null stops, as GraphQL's null propagation demands.
    if (got === null && (resolvers.owners.get(key)?.has(missing) || needs(value, resolvers.fieldTypes.get(key), missing, resolvers))) continue;
    const childType = resolvers.fieldTypes.get(key);
    if (childType === undefined) losses.push(`${at}.${field} (${key} is not in the supergraph) changed`);
    else losses.push(...collateralLosses(value, got, childType, missing, resolvers, options, `${at}.${field}`));
  }
  return losses;
}

/**
 * Whether a null from the missing subgraph inside this value runs up to it: the value (an object, or the items of a
 * list) holds a non-null field only the missing subgraph resolves, directly or through a chain of non-null fields.
 */
function needs(value: unknown, type: string | undefined, missing: string, resolvers: FieldResolvers): boolean {
  if (type === undefined || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => needs(item, type, missing, resolvers));
  const typeName = (value as Record<string, unknown>).__typename;
  const own = typeof typeName === 'string' ? typeName : type;
  return Object.entries(value as Record<string, unknown>).some(([field, child]) => {
    const key = `${own}.${field}`;
    if (!resolvers.propagatesNull.has(key)) return false;
    const owners = resolvers.owners.get(key);
    // A field other subgraphs resolve too (a key) comes with the object from whoever produced it.
    return (owners?.size === 1 && owners.has(missing)) || needs(child, resolvers.fieldTypes.get(key), missing, resolvers);
  });
}
