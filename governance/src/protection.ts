import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { extractRequirements, type Requirement } from '@cmcc/contracts';

/**
 * Loosenings of protection between the current and the proposed supergraph. What is checked:
 * - authorization directives, per coordinate (`Type` or `Type.field`) that exists in both graphs: `@authenticated` dropped,
 *   `@requiresScopes` or `@policy` dropped or satisfiable by a principal the old one refused. Both are OR-of-AND lists:
 *   the new one is at least as strict only if each of its AND-groups contains one of the old AND-groups;
 * - markings: a `marking` field removed from a type that had one, or made nullable; a value added to, removed from or
 *   reordered in the ordered vocabularies `Classification` and `Tlp`; a default of an argument or input field of those
 *   types lowered (a record written without saying so would then be marked more widely).
 * An element removed altogether is not a loosening (nobody can read it); it is a breaking change instead.
 */
export interface Loosening {
  coordinate: string;
  kind: 'AUTHENTICATION_REMOVED' | 'SCOPES_LOOSENED' | 'POLICIES_LOOSENED' | 'MARKING_REMOVED' | 'MARKING_NULLABLE' | 'MARKING_VOCABULARY_CHANGED' | 'MARKING_DEFAULT_LOWERED';
  description: string;
}

const ORDERED_VOCABULARIES = ['Classification', 'Tlp'];

export function findLoosenings(current: { supergraphSdl: string; api: GraphQLSchema }, proposed: { supergraphSdl: string; api: GraphQLSchema }): Loosening[] {
  return [...requirementLoosenings(current, proposed), ...markingLoosenings(current.api, proposed.api)];
}

function exists(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  if (!type) return false;
  if (!fieldName) return true;
  return (isObjectType(type) || isInterfaceType(type)) && fieldName in type.getFields();
}

/** True when every principal satisfying `proposed` also satisfied `current` (groups are AND-ed names, OR-ed together). */
export function atLeastAsStrict(current: string[][] | null, proposed: string[][] | null): boolean {
  if (!current) return true;
  if (!proposed) return false;
  return proposed.every((group) => current.some((old) => old.every((name) => group.includes(name))));
}

function requirementLoosenings(current: { supergraphSdl: string; api: GraphQLSchema }, proposed: { supergraphSdl: string; api: GraphQLSchema }): Loosening[] {
  const before = extractRequirements(current.supergraphSdl);
  const after = extractRequirements(proposed.supergraphSdl);
  const none: Requirement = { authenticated: false, scopes: null, policies: null };
  const loosenings: Loosening[] = [];
  for (const [coordinate, old] of before) {
    if (!exists(proposed.api, coordinate)) continue;
    const now = after.get(coordinate) ?? none;
    if (old.authenticated && !now.authenticated) {
      loosenings.push({ coordinate, kind: 'AUTHENTICATION_REMOVED', description: `${coordinate} no longer requires @authenticated.` });
    }
    if (!atLeastAsStrict(old.scopes, now.scopes)) {
      loosenings.push({ coordinate, kind: 'SCOPES_LOOSENED', description: `${coordinate} required scopes ${show(old.scopes)}; the proposal requires ${show(now.scopes)}.` });
    }
    if (!atLeastAsStrict(old.policies, now.policies)) {
      loosenings.push({
        coordinate,
        kind: 'POLICIES_LOOSENED',
        description: `${coordinate} required policies ${show(old.policies)}; the proposal requires ${show(now.policies)}.`,
      });
    }
  }
  return loosenings;
}

function show(groups: string[][] | null): string {
  return groups ? groups.map((group) => `[${group.join(' AND ')}]`).join(' OR ') : 'nothing';
}

function markingLoosenings(current: GraphQLSchema, proposed: GraphQLSchema): Loosening[] {
  const loosenings: Loosening[] = [];
  const newTypes = proposed.getTypeMap();
  for (const [name, type] of Object.entries(current.getTypeMap())) {
    const now = newTypes[name];
    if (!now || name.startsWith('__')) continue;
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(now) || isInterfaceType(now))) {
      const marking = type.getFields().marking;
      const after = now.getFields().marking;
      if (marking && !after) loosenings.push({ coordinate: `${name}.marking`, kind: 'MARKING_REMOVED', description: `${name} no longer exposes its access marking.` });
      if (marking && after && String(marking.type).endsWith('!') && !String(after.type).endsWith('!')) {
        loosenings.push({ coordinate: `${name}.marking`, kind: 'MARKING_NULLABLE', description: `${name}.marking may now be null (a record could come without its marking).` });
      }
    }
    if (ORDERED_VOCABULARIES.includes(name) && isEnumType(type) && isEnumType(now)) {
      const [was, is] = [type.getValues().map((v) => v.name), now.getValues().map((v) => v.name)];
      if (was.join(',') !== is.join(',')) {
        loosenings.push({
          coordinate: name,
          kind: 'MARKING_VOCABULARY_CHANGED',
          description: `The marking vocabulary ${name} changed from ${was.join(' < ')} to ${is.join(' < ')}.`,
        });
      }
    }
  }
  loosenings.push(...loweredDefaults(current, proposed));
  return loosenings;
}

/** Defaults of arguments and input fields whose type is Classification or Tlp, compared by rank in the old order. */
function loweredDefaults(current: GraphQLSchema, proposed: GraphQLSchema): Loosening[] {
  const defaults = (schema: GraphQLSchema) => {
    const found = new Map<string, { vocabulary: string; value: unknown }>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const members: [string, { type: GraphQLInputType; defaultValue?: unknown }][] = [];
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) members.push([`${type.name}.${field.name}`, field]);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) for (const arg of field.args) members.push([`${type.name}.${field.name}(${arg.name}:)`, arg]);
      }
      for (const [coordinate, member] of members) {
        const vocabulary = getNamedType(member.type).name;
        if (ORDERED_VOCABULARIES.includes(vocabulary) && member.defaultValue !== undefined) found.set(coordinate, { vocabulary, value: member.defaultValue });
      }
    }
    return found;
  };
  const before = defaults(current);
  const loosenings: Loosening[] = [];
  for (const [coordinate, now] of defaults(proposed)) {
    const was = before.get(coordinate);
    const order = (current.getType(now.vocabulary) as { getValues?: () => { name: string }[] }).getValues?.().map((v) => v.name) ?? [];
    const rank = (value: unknown) => Math.min(...[value].flat().map((v) => order.indexOf(String(v))));
    if (!was || rank(now.value) < rank(was.value)) {
      loosenings.push({
        coordinate,
        kind: 'MARKING_DEFAULT_LOWERED',
        description: `${coordinate} now defaults to ${String(now.value)}${was ? ` (was ${String(was.value)})` : ''}: a record written without a marking would be marked more widely.`,
      });
    }
  }
  return loosenings;
}
