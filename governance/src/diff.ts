import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
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
 * Every difference between two API schemas, found by GraphQL Inspector (`diff` of @graphql-inspector/core), each with
 * the class of its criticality:
 * - `breaking` (BREAKING): an operation that works today can stop working;
 * - `dangerous` (DANGEROUS): operations keep validating but may behave differently (a new enum value or union member
 *   a client does not expect, a changed default, a new optional argument);
 * - `safe` (NON_BREAKING): additions, descriptions, deprecations and compatible type changes.
 * The project's own rules sit on top of this list, in check.ts: the deprecation path (a breaking change passes when its
 * element was deprecated and no known operation uses it), protection loosening (protection.ts) and the nullability rule
 * (nullability.ts).
 */
export type ChangeClass = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  class: ChangeClass;
  /** GraphQL Inspector's change type (e.g. FIELD_REMOVED, ENUM_VALUE_ADDED, FIELD_ARGUMENT_TYPE_CHANGED). */
  type: string;
  /** Schema coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive` or `@directive(arg:)`. */
  coordinate: string;
  description: string;
}

const CLASS_OF: Record<CriticalityLevel, ChangeClass> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

export async function diffSchemas(current: GraphQLSchema, proposed: GraphQLSchema): Promise<SchemaChange[]> {
  const changes = await diff(current, proposed);
  return changes
    .filter((change) => !restatesDeprecation(change))
    .map((change) => ({
      class: CLASS_OF[change.criticality.level],
      type: change.type,
      coordinate: coordinateOf(change),
      description: change.message,
    }));
}

/**
 * Inspector reports a deprecation twice: as FIELD_DEPRECATION_ADDED (or the enum value's, argument's...) and as the
 * usage of the `@deprecated` directive (and of its `reason` argument). The usage changes say nothing more.
 */
function restatesDeprecation(change: Change): boolean {
  return change.type.startsWith('DIRECTIVE_USAGE_') && /\.@deprecated(\.|$)/.test(change.path ?? '');
}

/** Inspector's path (`Type.field.arg`, `@directive.arg`, `Type.field.@deprecated`) as a schema coordinate. */
function coordinateOf(change: Change): string {
  const path = (change.path ?? '').split('.@')[0];
  if (!path) return change.message;
  const parts = path.split('.');
  if (change.type.startsWith('FIELD_ARGUMENT_') && parts.length === 3) return `${parts[0]}.${parts[1]}(${parts[2]}:)`;
  if (change.type.startsWith('DIRECTIVE_ARGUMENT_') && parts.length === 2) return `${parts[0]}(${parts[1]}:)`;
  return path;
}

type Fields = Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;

function fieldsOf(type: GraphQLNamedType): Fields | null {
  return isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? (type.getFields() as Fields) : null;
}

type Member = GraphQLField<unknown, unknown> | GraphQLInputField | GraphQLArgument;

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
