import { Kind, parse, type ConstDirectiveNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode } from 'graphql';

/**
 * The nullability rule of the federated schema: a field whose value has to come from another subgraph than the one
 * producing its parent object is nullable, so that a subgraph that is down yields `null` at that field (with an error
 * naming the subgraph) instead of nulling its parent, and so on up to the root. Two kinds of field are concerned:
 * - a field a subgraph contributes to an entity owned by another subgraph (e.g. `Area.incidents`, added by security to
 *   the civil-administration's `Area`): the owner's data must not be lost when the contributor is down;
 * - a field whose type is an entity owned by another subgraph (e.g. `SecurityIncident.area`): the entity is resolved
 *   through a reference to its owner, which may be down.
 * - a root field of Query: one operation may ask root fields of several subgraphs (a dashboard's `areas` and
 *   `crossings`), and a non-null root field whose subgraph is down nulls the whole `data`, the other subgraphs' root
 *   fields with it.
 * List items may stay non-null (`[SecurityIncident!]` is fine): only the field itself must be nullable.
 *
 * An entity's owner is the subgraph that defines it (with `@key`) as its own: not with `@extends` or `extend type`,
 * not only as an unresolvable reference (`@key(resolvable: false)`), and with the most fields of its own (fields that
 * are not `@external`); every other subgraph declaring the entity references it or contributes fields to it.
 */
export interface NonNullCrossSubgraphField {
  /** `Type.field`. */
  coordinate: string;
  /** The subgraph that defines (resolves) the field. */
  subgraph: string;
  kind: 'CONTRIBUTED_FIELD' | 'ENTITY_REFERENCE' | 'ROOT_FIELD';
  /** The subgraph whose absence would null the field: the entity's owner or the contributing subgraph. */
  dependsOn: string;
  /** Why it must be nullable, in one sentence. */
  message: string;
}

type Definition = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

interface EntityDeclaration {
  subgraph: string;
  /** Eligible to own the entity: defined as its own type, with a resolvable key. */
  canOwn: boolean;
  ownFields: number;
}

/** The owner of each entity declared in the given subgraphs (entities without an eligible definition are left out). */
export function entityOwners(subgraphs: readonly { name: string; sdl: string }[]): Map<string, string> {
  const declarations = new Map<string, EntityDeclaration[]>();
  for (const subgraph of subgraphs) {
    for (const [typeName, definitions] of objectDefinitions(subgraph.sdl)) {
      const keys = definitions.flatMap((d) => directives(d.directives, 'key'));
      if (keys.length === 0) continue;
      const extended = definitions.some((d) => d.kind === Kind.OBJECT_TYPE_EXTENSION || directives(d.directives, 'extends').length > 0);
      const resolvable = keys.some((key) => booleanArgument(key, 'resolvable') !== false);
      const ownFields = definitions.flatMap((d) => d.fields ?? []).filter((f) => directives(f.directives, 'external').length === 0).length;
      const list = declarations.get(typeName) ?? [];
      list.push({ subgraph: subgraph.name, canOwn: !extended && resolvable, ownFields });
      declarations.set(typeName, list);
    }
  }
  const owners = new Map<string, string>();
  for (const [typeName, list] of declarations) {
    const candidates = list.filter((d) => d.canOwn).sort((a, b) => b.ownFields - a.ownFields || a.subgraph.localeCompare(b.subgraph));
    if (candidates.length > 0) owners.set(typeName, candidates[0].subgraph);
  }
  return owners;
}

/** Every non-null field that crosses a subgraph boundary in the given subgraphs (empty when the rule holds). */
export function findNonNullCrossSubgraphFields(subgraphs: readonly { name: string; sdl: string }[]): NonNullCrossSubgraphField[] {
  const owners = entityOwners(subgraphs);
  const found: NonNullCrossSubgraphField[] = [];
  for (const subgraph of subgraphs) {
    for (const [typeName, definitions] of objectDefinitions(subgraph.sdl)) {
      const typeOwner = owners.get(typeName);
      const keyFields = new Set(definitions.flatMap((d) => directives(d.directives, 'key')).flatMap((key) => topLevelKeyFields(stringArgument(key, 'fields'))));
      for (const field of definitions.flatMap((d) => d.fields ?? [])) {
        if (field.type.kind !== Kind.NON_NULL_TYPE || directives(field.directives, 'external').length > 0) continue;
        const coordinate = `${typeName}.${field.name.value}`;
        const fieldOwner = owners.get(namedType(field.type));
        if (typeName === 'Query') {
          found.push({
            coordinate,
            subgraph: subgraph.name,
            kind: 'ROOT_FIELD',
            dependsOn: subgraph.name,
            message: `${coordinate} is a root field of ${subgraph.name} and is non-null: when ${subgraph.name} is down the null would run up to \`data\` and take every other subgraph's root fields of the same operation with it. Make it nullable (list items may stay non-null).`,
          });
        } else if (typeOwner && typeOwner !== subgraph.name && !keyFields.has(field.name.value)) {
          found.push({
            coordinate,
            subgraph: subgraph.name,
            kind: 'CONTRIBUTED_FIELD',
            dependsOn: subgraph.name,
            message: `${coordinate} is contributed by ${subgraph.name} to ${typeName}, which ${typeOwner} owns, and is non-null: when ${subgraph.name} is down the null would run up and take ${typeOwner}'s ${typeName} with it. Make it nullable (list items may stay non-null).`,
          });
        } else if (fieldOwner && fieldOwner !== subgraph.name) {
          found.push({
            coordinate,
            subgraph: subgraph.name,
            kind: 'ENTITY_REFERENCE',
            dependsOn: fieldOwner,
            message: `${coordinate} (in ${subgraph.name}) returns ${namedType(field.type)}, which ${fieldOwner} owns, and is non-null: when ${fieldOwner} is down the null would run up and take ${typeName} with it. Make it nullable (list items may stay non-null).`,
          });
        }
      }
    }
  }
  return found.sort((a, b) => a.coordinate.localeCompare(b.coordinate) || a.subgraph.localeCompare(b.subgraph));
}

function objectDefinitions(sdl: string): Map<string, Definition[]> {
  const byName = new Map<string, Definition[]>();
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    byName.set(definition.name.value, [...(byName.get(definition.name.value) ?? []), definition]);
  }
  return byName;
}

function directives(nodes: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (nodes ?? []).filter((d) => d.name.value === name || d.name.value === `federation__${name}`);
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.BOOLEAN ? value.value : undefined;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : '';
}

/** The top-level field names of a key's field set (`"id"`, `"id region { code }"` → id, region). */
function topLevelKeyFields(fieldSet: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fieldSet.match(/[A-Za-z_][A-Za-z0-9_]*|[{}]/g) ?? []) {
    if (token === '{') depth += 1;
    else if (token === '}') depth -= 1;
    else if (depth === 0) names.push(token);
  }
  return names;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
