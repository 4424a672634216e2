import {
  Kind,
  print,
  valueFromASTUntyped,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type StringValueNode,
  type ValueNode,
} from 'graphql';
import { REDACTED, type Redactor } from './redact.ts';
import type { AuditChange, AuditEntity } from './records.ts';

/**
 * Reads an operation for the audit trail. The schema comes from @apollo/gateway's copy of graphql-js, so types are
 * looked up by name (`getType`, `getFields`, `String(field.type)`), never with instanceof-based helpers.
 */
export interface SchemaLike {
  getType(name: string): unknown;
  getQueryType(): { name: string } | null | undefined;
  getMutationType(): { name: string } | null | undefined;
  getSubscriptionType(): { name: string } | null | undefined;
}

const KEY_FIELDS = ['id', 'pcode'];
/** At most this many entities are recorded per event (the rest only counted: `entitiesTruncated`). */
export const MAX_ENTITIES = 1000;
const REDACTED_VALUE: StringValueNode = { kind: Kind.STRING, value: REDACTED };

const namedType = (type: unknown) => String(type).replace(/[[\]!]/g, '');

function fieldsOf(schema: SchemaLike, typeName: string): Record<string, { type: unknown }> | undefined {
  const type = schema.getType(typeName) as { getFields?: () => Record<string, { type: unknown }> } | null | undefined;
  return typeof type?.getFields === 'function' ? type.getFields() : undefined;
}

function fieldType(schema: SchemaLike, parent: string, field: string): string | undefined {
  const definition = fieldsOf(schema, parent)?.[field];
  return definition ? namedType(definition.type) : undefined;
}

export function rootTypeName(schema: SchemaLike, operation: OperationDefinitionNode): string {
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return root?.name ?? (operation.operation === 'query' ? 'Query' : operation.operation === 'mutation' ? 'Mutation' : 'Subscription');
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}

/** Every `Type.field` an operation reads, through fragments; introspection is recorded at its root (`Query.__schema`). */
export function fieldsRead(schema: SchemaLike, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = fragmentsOf(document);
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, typeName: string) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        found.add(`${typeName}.${name}`);
        if (!selection.selectionSet || name.startsWith('__')) continue;
        const inner = fieldType(schema, typeName, name);
        if (inner) walk(selection.selectionSet, inner);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition?.name.value ?? typeName);
      } else {
        const fragment = fragments.get(selection.name.value);
        const key = `${selection.name.value}@${typeName}`;
        if (!fragment || seen.has(key)) continue;
        seen.add(key);
        walk(fragment.selectionSet, fragment.typeCondition.name.value);
      }
    }
  };
  walk(operation.selectionSet, rootTypeName(schema, operation));
  return [...found].sort();
}

/** The fields of selection sets by response key, fragments merged (type conditions ignored: the result only has what applied). */
function collectFields(selectionSets: readonly (SelectionSetNode | undefined)[], fragments: Map<string, FragmentDefinitionNode>): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        fields.set(key, [...(fields.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) if (selectionSet) walk(selectionSet);
  return fields;
}

const subFields = (nodes: FieldNode[], fragments: Map<string, FragmentDefinitionNode>) =>
  collectFields(
    nodes.map((node) => node.selectionSet),
    fragments,
  );

type Found = { type: string; key: string; version?: number };

/** The key (`id`, else `pcode`) and version an object of the result carries, read through its selection. */
function keyOf(
  record: Record<string, unknown>,
  fields: Map<string, FieldNode[]>,
  fragments: Map<string, FragmentDefinitionNode>,
): { key?: string; version?: number; typename?: string } {
  let key: string | undefined;
  let keyRank = Infinity;
  let version: number | undefined;
  let typename: string | undefined;
  for (const [responseKey, nodes] of fields) {
    const name = nodes[0].name.value;
    const inner = record[responseKey];
    if (name === '__typename' && typeof inner === 'string') typename = inner;
    const rank = KEY_FIELDS.indexOf(name);
    if (rank >= 0 && rank < keyRank && (typeof inner === 'string' || typeof inner === 'number')) {
      key = String(inner);
      keyRank = rank;
    }
    if (name === 'version' && typeof inner === 'number') version = inner;
    if (name === 'provenance' && inner && typeof inner === 'object') {
      for (const [provenanceKey, provenanceNodes] of subFields(nodes, fragments)) {
        const candidate = (inner as Record<string, unknown>)[provenanceKey];
        if (provenanceNodes[0].name.value === 'version' && typeof candidate === 'number') version ??= candidate;
      }
    }
  }
  return { key, version, typename };
}

/**
 * Finds the entities of one root field's result: the value itself when it has a key (`id`, else `pcode`), else the
 * nodes of a connection (`edges.node`, `nodes`), else, for a mutation payload, the records directly inside it. The
 * objects found are added to `top` (the nested walk leaves them out).
 */
function entitiesIn(
  schema: SchemaLike,
  value: unknown,
  fields: Map<string, FieldNode[]>,
  typeName: string,
  fragments: Map<string, FragmentDefinitionNode>,
  payload: boolean,
  top: Set<object>,
): Found[] {
  if (value === null || value === undefined || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => entitiesIn(schema, item, fields, typeName, fragments, payload, top));
  const record = value as Record<string, unknown>;
  const { key, version } = keyOf(record, fields, fragments);
  if (key !== undefined) {
    top.add(record);
    return [{ type: typeName, key, ...(version !== undefined ? { version } : {}) }];
  }
  const found: Found[] = [];
  for (const [responseKey, nodes] of fields) {
    const name = nodes[0].name.value;
    const inner = record[responseKey];
    const innerType = fieldType(schema, typeName, name) ?? name;
    const innerFields = subFields(nodes, fragments);
    if (innerFields.size === 0) continue;
    if (name === 'edges' && Array.isArray(inner)) {
      for (const [nodeKey, nodeNodes] of innerFields) {
        if (nodeNodes[0].name.value !== 'node') continue;
        const nodeType = fieldType(schema, innerType, 'node') ?? innerType;
        const nodeFields = subFields(nodeNodes, fragments);
        for (const edge of inner) found.push(...entitiesIn(schema, (edge as Record<string, unknown> | null)?.[nodeKey], nodeFields, nodeType, fragments, false, top));
      }
    } else if (name === 'nodes' || (payload && name !== 'userErrors' && name !== 'pageInfo')) {
      found.push(...entitiesIn(schema, inner, innerFields, innerType, fragments, false, top));
    }
  }
  return found;
}

/** Fields a nested entity's `via` leaves out: the plumbing of connections. */
const PLUMBING = new Set(['edges', 'node', 'nodes']);
/** Deeper than this, the nested walk stops (the gateway's depth limit refuses such operations long before). */
const MAX_NESTED_DEPTH = 64;

/** Whether a type of the schema is an object type (not an interface or union): checked by shape, the schema being another graphql-js copy. */
function isObjectType(schema: SchemaLike, name: string): boolean {
  const type = schema.getType(name) as object | null | undefined;
  return !!type && 'isTypeOf' in type;
}

/**
 * The entities below the top of one root field's value, at any depth: every object with a key whose type is known
 * (its `__typename`, or the type of the field it is the value of when that is an object type), each recorded once (the
 * first place found), leaving out the objects already recorded at the top (`top`) and anything in `seen`.
 */
function nestedEntities(
  schema: SchemaLike,
  root: { field: string; coordinate: string; typeName: string; value: unknown; fields: Map<string, FieldNode[]> },
  fragments: Map<string, FragmentDefinitionNode>,
  top: Set<object>,
  seen: Set<string>,
): AuditEntity[] {
  const found: AuditEntity[] = [];
  const walk = (value: unknown, fields: Map<string, FieldNode[]>, typeName: string | undefined, concrete: boolean, path: string[], via: string[], depth: number) => {
    if (value === null || typeof value !== 'object' || depth > MAX_NESTED_DEPTH) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, fields, typeName, concrete, [...path, String(index)], via, depth));
      return;
    }
    const record = value as Record<string, unknown>;
    const { key, version, typename } = keyOf(record, fields, fragments);
    const actual = typename ?? (concrete ? typeName : undefined);
    if (key !== undefined && actual !== undefined && depth > 0 && !top.has(record) && !seen.has(`${actual}:${key}`)) {
      seen.add(`${actual}:${key}`);
      found.push({ field: root.field, type: actual, key, ...(version !== undefined ? { version } : {}), path: path.join('.'), via: via.join(' > ') });
    }
    const parent = actual ?? typeName;
    for (const [responseKey, nodes] of fields) {
      const name = nodes[0].name.value;
      const inner = record[responseKey];
      if (name.startsWith('__') || inner === null || typeof inner !== 'object') continue;
      const innerFields = subFields(nodes, fragments);
      if (innerFields.size === 0) continue;
      const innerType = parent ? fieldType(schema, parent, name) : undefined;
      const step = PLUMBING.has(name) ? via : [...via, `${parent ?? '?'}.${name}`];
      walk(inner, innerFields, innerType, innerType !== undefined && isObjectType(schema, innerType), [...path, responseKey], step, depth + 1);
    }
  };
  walk(root.value, root.fields, root.typeName, isObjectType(schema, root.typeName), [root.field], [root.coordinate], 0);
  return found;
}

/**
 * The entities each root field returned, in order, at most `MAX_ENTITIES`: those at the top of each root field first
 * (as before), then, with `nested`, those found deeper (each distinct record once, with its `path` and `via`).
 */
export function entitiesReturned(
  schema: SchemaLike,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: unknown,
  options: { nested?: boolean } = {},
): { entities: AuditEntity[]; truncated: boolean } {
  if (!data || typeof data !== 'object') return { entities: [], truncated: false };
  const fragments = fragmentsOf(document);
  const root = rootTypeName(schema, operation);
  const entities: AuditEntity[] = [];
  const top = new Set<object>();
  const roots: { field: string; coordinate: string; typeName: string; value: unknown; fields: Map<string, FieldNode[]> }[] = [];
  for (const [responseKey, nodes] of collectFields([operation.selectionSet], fragments)) {
    const name = nodes[0].name.value;
    if (name.startsWith('__')) continue;
    const type = fieldType(schema, root, name) ?? name;
    const value = (data as Record<string, unknown>)[responseKey];
    const fields = subFields(nodes, fragments);
    const found = entitiesIn(schema, value, fields, type, fragments, operation.operation === 'mutation', top);
    for (const entity of found) entities.push({ field: responseKey, ...entity });
    roots.push({ field: responseKey, coordinate: `${root}.${name}`, typeName: type, value, fields });
  }
  if (options.nested && entities.length <= MAX_ENTITIES) {
    const seen = new Set(entities.map((entity) => `${entity.type}:${entity.key}`));
    for (const each of roots) {
      entities.push(...nestedEntities(schema, each, fragments, top, seen));
      if (entities.length > MAX_ENTITIES) break;
    }
  }
  return { entities: entities.slice(0, MAX_ENTITIES), truncated: entities.length > MAX_ENTITIES };
}

/**
 * The record a withheld root field was about, as the request named it: its `id` or `pcode` argument (or `input.id`,
 * `input.pcode` of a mutation), with the record's type when the schema says it (the field's type when it has a key
 * field; for a mutation payload, the first record type in it). Empty when the root field named no key (or only under
 * a name `redactor` holds sensitive).
 */
export function requestedRecord(
  schema: SchemaLike,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  responseKey: string,
  redactor?: Redactor,
): { key?: string; type?: string } {
  const fragments = fragmentsOf(document);
  const nodes = collectFields([operation.selectionSet], fragments).get(responseKey);
  if (!nodes) return {};
  const node = nodes[0];
  const args: Record<string, unknown> = {};
  for (const argument of node.arguments ?? []) args[argument.name.value] = valueFromASTUntyped(argument.value, variables ?? {});
  const input = args.input && typeof args.input === 'object' ? (args.input as Record<string, unknown>) : {};
  // A key argument whose name a deployment made sensitive (AUDIT_REDACT) is not taken.
  const candidates = [
    ['id', args.id],
    ['pcode', args.pcode],
    ['id', input.id],
    ['pcode', input.pcode],
  ] as const;
  const key = candidates.find(([name, value]) => (typeof value === 'string' || typeof value === 'number') && !redactor?.isSensitive(name))?.[1];
  if (key === undefined) return {};
  const keyed = (typeName: string) => {
    const fields = fieldsOf(schema, typeName);
    return fields !== undefined && KEY_FIELDS.some((field) => field in fields);
  };
  const fieldTypeName = fieldType(schema, rootTypeName(schema, operation), node.name.value);
  let type: string | undefined;
  if (fieldTypeName && keyed(fieldTypeName)) type = fieldTypeName;
  else if (fieldTypeName) {
    type = Object.values(fieldsOf(schema, fieldTypeName) ?? {})
      .map((field) => namedType(field.type))
      .find((name) => name !== 'UserError' && isObjectType(schema, name) && keyed(name));
  }
  return { key: String(key), ...(type ? { type } : {}) };
}

/** A mutation's root fields: arguments (variables substituted, redacted), the records returned and any user errors. */
export function mutationChanges(
  schema: SchemaLike,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  data: unknown,
  entities: AuditEntity[],
  redactor: Redactor,
): AuditChange[] {
  const fragments = fragmentsOf(document);
  const changes: AuditChange[] = [];
  for (const [responseKey, nodes] of collectFields([operation.selectionSet], fragments)) {
    const node = nodes[0];
    if (node.name.value.startsWith('__')) continue;
    const args: Record<string, unknown> = {};
    for (const argument of node.arguments ?? []) args[argument.name.value] = valueFromASTUntyped(argument.value, variables ?? {});
    const change: AuditChange = {
      field: node.name.value,
      arguments: redactor.redact(args),
      records: entities.filter((entity) => entity.field === responseKey && entity.via === undefined).map(({ field: _field, path: _path, via: _via, ...record }) => record),
    };
    const payload = data && typeof data === 'object' ? (data as Record<string, unknown>)[responseKey] : undefined;
    for (const [errorsKey, errorNodes] of subFields(nodes, fragments)) {
      if (errorNodes[0].name.value !== 'userErrors' || !payload || typeof payload !== 'object') continue;
      const userErrors = (payload as Record<string, unknown>)[errorsKey];
      if (!Array.isArray(userErrors)) continue;
      const codeKey = [...subFields(errorNodes, fragments)].find(([, n]) => n[0].name.value === 'code')?.[0];
      change.userErrors = userErrors.map((error) => String((codeKey && (error as Record<string, unknown> | null)?.[codeKey]) ?? 'USER_ERROR'));
    }
    changes.push(change);
  }
  return changes;
}

function variablesIn(value: ValueNode, into: Set<string>): void {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) value.values.forEach((inner) => variablesIn(inner, into));
  else if (value.kind === Kind.OBJECT) value.fields.forEach((field) => variablesIn(field.value, into));
}

/**
 * The document printed by graphql-js (comments and layout normalized), literals kept (P-codes and dates help the
 * auditor) except those of sensitive arguments and input fields, which become "[REDACTED]". Also returns the variables
 * used in sensitive positions, so their values are redacted whatever the variables are called.
 */
export function normalizeDocument(document: DocumentNode, redactor: Redactor): { text: string; sensitiveVariables: Set<string> } {
  const sensitiveVariables = new Set<string>();
  const redactValue = <T extends ASTNode & { name: { value: string }; value: ValueNode }>(node: T): T | undefined => {
    if (!redactor.isSensitive(node.name.value)) return undefined;
    variablesIn(node.value, sensitiveVariables);
    return node.value.kind === Kind.VARIABLE ? undefined : { ...node, value: REDACTED_VALUE };
  };
  const redacted = visit(document, {
    Argument: redactValue,
    ObjectField: redactValue,
    VariableDefinition(node) {
      if (!node.defaultValue || !redactor.isSensitive(node.variable.name.value)) return undefined;
      return { ...node, defaultValue: REDACTED_VALUE };
    },
  });
  return { text: print(redacted), sensitiveVariables };
}

/** The request's variables with sensitive values redacted: by key, and for variables used in sensitive positions. */
export function redactVariables(variables: Record<string, unknown> | undefined, sensitiveVariables: Set<string>, redactor: Redactor): Record<string, unknown> | null {
  if (!variables || typeof variables !== 'object') return null;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables)) {
    copy[name] = sensitiveVariables.has(name) || redactor.isSensitive(name) ? REDACTED : redactor.redact(value);
  }
  return copy;
}
