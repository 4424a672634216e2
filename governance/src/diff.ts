import {
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Every difference between two API schemas, each with a class:
 * - `breaking`: an operation that works today can stop working (graphql-js `findBreakingChanges`);
 * - `dangerous`: operations keep validating but may behave differently (graphql-js `findDangerousChanges`);
 * - `safe`: additions, descriptions, deprecations and compatible type changes (found by this module's own pass).
 */
export type ChangeClass = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  class: ChangeClass;
  /** graphql-js's change type (e.g. FIELD_REMOVED), or this module's for safe changes (e.g. FIELD_ADDED). */
  type: string;
  /** Schema coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE` or `@directive`. */
  coordinate: string;
  description: string;
}

export function diffSchemas(current: GraphQLSchema, proposed: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [
    ...findBreakingChanges(current, proposed).map((c) => ({ class: 'breaking' as const, type: c.type, coordinate: coordinateOf(c.type, c.description), description: c.description })),
    ...findDangerousChanges(current, proposed).map((c) => ({ class: 'dangerous' as const, type: c.type, coordinate: coordinateOf(c.type, c.description), description: c.description })),
  ];
  const classified = new Set(changes.map((c) => c.coordinate));
  changes.push(...safeChanges(current, proposed).filter((c) => !(c.type.endsWith('_TYPE_CHANGED') && classified.has(c.coordinate))));
  return changes;
}

/** graphql-js describes a change in prose only; the coordinate is read back from its fixed wording. */
function coordinateOf(type: string, description: string): string {
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^An? (?:required|optional) arg (\w+) on directive (\w+)/, (m) => `@${m[2]}(${m[1]}:)`],
    [/^An? (?:required|optional) field (\w+) on input type (\w+)/, (m) => `${m[2]}.${m[1]}`],
    [/^An? (?:required|optional) arg (\w+) on (\w+\.\w+)/, (m) => `${m[2]}(${m[1]}:)`],
    [/^(\w+) was (?:removed from|added to) enum type (\w+)/, (m) => `${m[2]}.${m[1]}`],
    [/^(\w+) was (?:removed from|added to) union type (\w+)/, (m) => m[2]],
    [/^(\w+) added to interfaces implemented by (\w+)/, (m) => m[2]],
    [/^(\w+\.\w+) arg (\w+)/, (m) => `${m[1]}(${m[2]}:)`],
    [/^(\w+) was removed from (\w+)\.$/, (m) => (type === 'DIRECTIVE_ARG_REMOVED' ? `@${m[2]}(${m[1]}:)` : `@${m[2]}`)],
    [/^Repeatable flag was removed from (\w+)/, (m) => `@${m[1]}`],
    [/^(\w+(?:\.\w+)?)/, (m) => (type.startsWith('DIRECTIVE_') ? `@${m[1]}` : m[1])],
  ];
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(description);
    if (match) return build(match);
  }
  return description;
}

type Fields = Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;

function fieldsOf(type: GraphQLNamedType): Fields | null {
  return isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? (type.getFields() as Fields) : null;
}

/** Additions, descriptions, deprecations and type changes that graphql-js does not list (they break nobody). */
function safeChanges(current: GraphQLSchema, proposed: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const safe = (type: string, coordinate: string, description: string) => changes.push({ class: 'safe', type, coordinate, description });
  const oldTypes = current.getTypeMap();
  for (const [name, type] of Object.entries(proposed.getTypeMap())) {
    if (name.startsWith('__')) continue;
    const old = oldTypes[name];
    if (!old) {
      safe('TYPE_ADDED', name, `${name} was added.`);
      continue;
    }
    if (old.constructor !== type.constructor) continue; // a kind change is graphql-js's breaking TYPE_CHANGED_KIND
    describeChange(safe, name, old.description, type.description);
    const [oldFields, newFields] = [fieldsOf(old), fieldsOf(type)];
    if (oldFields && newFields) {
      for (const [fieldName, field] of Object.entries(newFields)) {
        const coordinate = `${name}.${fieldName}`;
        const before = oldFields[fieldName];
        // Input fields that were added are graphql-js's (OPTIONAL|REQUIRED)_INPUT_FIELD_ADDED.
        if (!before) {
          if (!isInputObjectType(type)) safe('FIELD_ADDED', coordinate, `${coordinate} was added.`);
          continue;
        }
        compareMember(safe, coordinate, before, field, isInputObjectType(type) ? 'INPUT_FIELD' : 'FIELD');
        if ('args' in field && 'args' in before) {
          for (const arg of field.args) {
            const previous = before.args.find((a) => a.name === arg.name);
            if (previous) compareMember(safe, `${coordinate}(${arg.name}:)`, previous, arg, 'ARG');
          }
        }
      }
    }
    if (isEnumType(old) && isEnumType(type)) {
      for (const value of type.getValues()) {
        const previous = old.getValue(value.name);
        if (!previous) continue; // VALUE_ADDED_TO_ENUM is dangerous
        const coordinate = `${name}.${value.name}`;
        describeChange(safe, coordinate, previous.description, value.description);
        deprecationChange(safe, coordinate, previous.deprecationReason, value.deprecationReason, 'ENUM_VALUE');
      }
    }
  }
  const oldDirectives = new Set(current.getDirectives().map((d) => d.name));
  for (const directive of proposed.getDirectives()) {
    if (!oldDirectives.has(directive.name)) safe('DIRECTIVE_ADDED', `@${directive.name}`, `@${directive.name} was added.`);
  }
  return changes;
}

type Member = GraphQLField<unknown, unknown> | GraphQLInputField | GraphQLArgument;

function compareMember(safe: (type: string, coordinate: string, description: string) => void, coordinate: string, before: Member, after: Member, kind: string): void {
  describeChange(safe, coordinate, before.description, after.description);
  deprecationChange(safe, coordinate, before.deprecationReason, after.deprecationReason, kind);
  // Breaking type changes are graphql-js's; one left here is compatible (an output made non-null, an input made optional).
  if (String(before.type) !== String(after.type)) {
    safe(`${kind}_TYPE_CHANGED`, coordinate, `${coordinate} changed type from ${String(before.type)} to ${String(after.type)} (compatible).`);
  }
}

function describeChange(safe: (type: string, coordinate: string, description: string) => void, coordinate: string, before: unknown, after: unknown): void {
  if ((before ?? '') !== (after ?? '')) safe('DESCRIPTION_CHANGED', coordinate, `The description of ${coordinate} changed.`);
}

function deprecationChange(
  safe: (type: string, coordinate: string, description: string) => void,
  coordinate: string,
  before: string | null | undefined,
  after: string | null | undefined,
  kind: string,
): void {
  if (before == null && after != null) safe(`${kind}_DEPRECATED`, coordinate, `${coordinate} was deprecated: ${after}`);
  else if (before != null && after == null) safe(`${kind}_DEPRECATION_REMOVED`, coordinate, `${coordinate} is no longer deprecated.`);
  else if (before != null && after != null && before !== after) safe(`${kind}_DEPRECATION_REASON_CHANGED`, coordinate, `The deprecation reason of ${coordinate} changed.`);
}

/** Counts of changes by class, for summaries. */
export function summarize(changes: readonly SchemaChange[]): Record<ChangeClass, number> {
  return {
    breaking: changes.filter((c) => c.class === 'breaking').length,
    dangerous: changes.filter((c) => c.class === 'dangerous').length,
    safe: changes.filter((c) => c.class === 'safe').length,
  };
}

/**
 * Whether the element at `coordinate` is deprecated in `schema`. A type counts as deprecated when every field,
 * argument and input field that uses it is, since GraphQL has no deprecation of types.
 */
export function isDeprecated(schema: GraphQLSchema, coordinate: string): boolean {
  const match = /^@?(\w+)(?:\.(\w+))?(?:\((\w+):\))?$/.exec(coordinate);
  if (!match || coordinate.startsWith('@')) return false;
  const [, typeName, member, argName] = match;
  const type = schema.getType(typeName);
  if (!type) return false;
  if (!member) return usesOf(schema, typeName).every((use) => use.deprecationReason != null) && usesOf(schema, typeName).length > 0;
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason != null;
  const field = fieldsOf(type)?.[member];
  if (!field) return false;
  if (!argName) return field.deprecationReason != null;
  const arg = 'args' in field ? field.args.find((a) => a.name === argName) : undefined;
  return arg !== undefined && (arg.deprecationReason != null || field.deprecationReason != null);
}

function usesOf(schema: GraphQLSchema, typeName: string): Member[] {
  const uses: Member[] = [];
  const named = (member: Member) => String(member.type).replace(/[[\]!]/g, '') === typeName;
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    for (const field of Object.values(fieldsOf(type) ?? {})) {
      if (named(field)) uses.push(field);
      for (const arg of 'args' in field ? field.args : []) if (named(arg)) uses.push(field.deprecationReason != null ? field : arg);
    }
  }
  return uses;
}
