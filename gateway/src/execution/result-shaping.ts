// Result shaping: the last step of executing a query plan, which turns the data the subgraphs returned (merged into one
// object with every field the plan fetched) into the answer to the client's operation: only the fields it asked for,
// under its aliases, in its order, with @skip/@include applied, __typename filled in, leaf values checked against their
// types and nulls propagated to the nearest nullable parent (with an error per null that is not allowed).
//
// @apollo/gateway does this in `computeResponse` (dist/resultShaping.js) by interpreting the operation anew for every
// object of the result: for each field of each object it looks up the @skip and @include directives in the schema, the
// field's definition and response name, and walks the type again. On the dashboards (hundreds of objects a response)
// that was the largest single cost of a request in the gateway (3 to 7 ms of a SituationByGovernorate request here).
//
// This is the same algorithm, step for step, with the per-selection facts worked out once per request instead of once
// per object: a selection's skip decision (the variables are fixed for the request), response name, type and
// introspection/typename nature; a fragment's type condition per runtime type; each named type's leaf check. The output
// (data, key order, errors and their messages and paths, the exceptions thrown for malformed subgraph data) is the
// same as Apollo's: test/result-shaping.test.ts compares the two on every saved operation and on generated inputs,
// including malformed ones.
//
// `installResultShaping()` makes @apollo/gateway's query-plan executor use it, through the adapter for Apollo's
// internals (gateway/src/apollo-internals.ts): executeQueryPlan.js reads `computeResponse` from its resultShaping
// module at each call, so replacing that export is enough. The adapter refuses to start on an @apollo/gateway it was
// not written for, and gateway/test/apollo-internals.test.ts checks that a real request is shaped here.
import {
  assert,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type EnumType,
  type FieldSelection,
  type NamedType,
  type Operation,
  type ScalarType,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import { apolloComputeResponse as apolloComputeResponseOf, currentComputeResponse, replaceComputeResponse, type ComputeResponseFunction } from '../apollo-internals.ts';

/** The arguments @apollo/gateway's executeQueryPlan passes to computeResponse. */
export interface ComputeResponseArgs {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}

export interface ComputeResponseResult {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

type ComputeResponse = (args: ComputeResponseArgs) => ComputeResponseResult;

const OK = 0;
const NULL_BUBBLE_UP = 1;

/** A selection of a selection set, with what this request needs to know of it worked out once. */
interface Step {
  selection: Selection;
  /** @skip/@include decided for this request's variables; undefined until first needed (Apollo decides it lazily too). */
  skip?: boolean;
  field?: {
    responseName: string;
    isIntrospection: boolean;
    isTypename: boolean;
    type: Type;
  };
  fragment?: {
    typeCondition: CompositeType | undefined;
    /** Whether the type condition applies, by runtime __typename (or by parent type when the input has none). */
    byTypename: Map<string, boolean>;
    byParent: Map<CompositeType, boolean>;
  };
}

interface Parameters {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (selection: FieldSelection) => unknown;
  skipDirective: ReturnType<Schema['skipDirective']>;
  includeDirective: ReturnType<Schema['includeDirective']>;
  steps: Map<SelectionSet, Step[]>;
  types: Map<string, NamedType | undefined>;
}

interface Updated {
  updated: unknown;
  isInvalid?: boolean;
  hasErrors?: boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;

let shaped = 0;

/** Same contract and output as @apollo/gateway's computeResponse. */
export function computeResponse({ operation, variables, input, introspectionHandling }: ComputeResponseArgs): ComputeResponseResult {
  shaped++;
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: Parameters = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    skipDirective: schema.skipDirective(),
    includeDirective: schema.includeDirective(),
    steps: new Map(),
    types: new Map(),
  };
  const data = Object.create(null) as Record<string, unknown>;
  const result = applySelectionSet(input, operation.selectionSet, data, parameters, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
}

function stepsOf(selectionSet: SelectionSet, parameters: Parameters): Step[] {
  let steps = parameters.steps.get(selectionSet);
  if (steps) return steps;
  steps = selectionSet.selections().map((selection): Step => {
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      return {
        selection,
        field: {
          responseName: field.responseName(),
          isIntrospection: field.definition.isSchemaIntrospectionField(),
          isTypename: field.name === typenameFieldName,
          type: field.definition.type!,
        },
      };
    }
    return { selection, fragment: { typeCondition: selection.element.typeCondition, byTypename: new Map(), byParent: new Map() } };
  });
  parameters.steps.set(selectionSet, steps);
  return steps;
}

function shouldSkip(step: Step, parameters: Parameters): boolean {
  if (step.skip === undefined) {
    const element = step.selection.element;
    const skip = element.appliedDirectivesOf(parameters.skipDirective)[0];
    const include = element.appliedDirectivesOf(parameters.includeDirective)[0];
    step.skip = !!((skip && ifValue(skip, parameters.variables)) || (include && !ifValue(include, parameters.variables)));
  }
  return step.skip;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- @skip/@include on whatever element carries it
function ifValue(directive: Directive<any, { if: boolean | Variable }>, variables: Record<string, unknown>): boolean {
  const ifArg = directive.arguments().if;
  if (ifArg instanceof Variable) {
    const value = variables[ifArg.name];
    assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${ifArg} of ${directive}`);
    return value;
  }
  return ifArg;
}

function typeNamed(name: string, parameters: Parameters): NamedType | undefined {
  if (parameters.types.has(name)) return parameters.types.get(name);
  const type = parameters.schema.type(name);
  parameters.types.set(name, type);
  return type;
}

function typeConditionApplies(step: Step, typename: string | undefined, parentType: CompositeType, parameters: Parameters): boolean {
  const fragment = step.fragment!;
  const typeCondition = fragment.typeCondition;
  if (!typeCondition) return true;
  if (typename) {
    let applies = fragment.byTypename.get(typename);
    if (applies === undefined) {
      const type = typeNamed(typename, parameters);
      applies = !!type && isSubtype(typeCondition, type);
      fragment.byTypename.set(typename, applies);
    }
    return applies;
  }
  let applies = fragment.byParent.get(parentType);
  if (applies === undefined) {
    applies = isSubtype(typeCondition, parentType);
    fragment.byParent.set(parentType, applies);
  }
  return applies;
}

function applySelectionSet(
  input: Record<string, unknown>,
  selectionSet: SelectionSet,
  output: Record<string, unknown>,
  parameters: Parameters,
  path: (string | number)[],
  parentType: CompositeType,
): number {
  for (const step of stepsOf(selectionSet, parameters)) {
    if (shouldSkip(step, parameters)) continue;
    const field = step.field;
    if (field) {
      const { responseName } = field;
      const outputValue = output[responseName];
      if (field.isIntrospection) {
        if (outputValue === undefined) output[responseName] = parameters.introspectionHandling(step.selection as FieldSelection);
        continue;
      }
      let inputValue = (hasOwn.call(input, responseName) ? input[responseName] : undefined) ?? null;
      if (field.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (typeNamed(inputValue, parameters) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const { updated, isInvalid } = updateOutputValue(outputValue, field.type, inputValue, step.selection.selectionSet, path, parameters, parentType);
      output[responseName] = updated;
      path.pop();
      if (isInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
      if (typeConditionApplies(step, typename as string | undefined, parentType, parameters)) {
        const result = applySelectionSet(input, step.selection.selectionSet!, output, parameters, path, step.fragment!.typeCondition ?? parentType);
        if (result === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

function pathLastElementDescription(path: (string | number)[], currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

function updateOutputValue(
  outputValue: unknown,
  type: Type,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: (string | number)[],
  parameters: Parameters,
  parentType: CompositeType,
): Updated {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return { updated: outputValue };
  if (isNonNullType(type)) {
    const { updated, hasErrors } = updateOutputValue(outputValue, type.ofType, inputValue, selectionSet, path, parameters, parentType);
    if (updated === null) {
      if (!hasErrors) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, type.ofType, parentType)}.`, { path: Array.from(path) }),
        );
      }
      return { updated, isInvalid: true, hasErrors: true };
    }
    return { updated };
  }
  if (inputValue === null) return { updated: null };
  if (isListType(type)) {
    assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
    assert(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
    const outputList: unknown[] = outputValue === undefined ? new Array(inputValue.length).fill(undefined) : (outputValue as unknown[]);
    assert(inputValue.length === outputList.length, () => `[${inputValue}].length (${inputValue.length}) !== [${outputList}].length (${outputList.length})`);
    let shouldNullify = false;
    let hasErrors = false;
    const updated = new Array(outputList.length);
    for (let index = 0; index < outputList.length; index++) {
      path.push(index);
      const element = updateOutputValue(outputList[index], type.ofType, inputValue[index], selectionSet, path, parameters, parentType);
      path.pop();
      shouldNullify ||= !!element.isInvalid;
      hasErrors ||= !!element.hasErrors;
      updated[index] = element.updated;
    }
    return { updated: shouldNullify ? null : updated, hasErrors };
  }
  if (isCompositeType(type)) {
    assert(selectionSet, () => `Invalid empty selection set for composite type ${type}`);
    assert(typeof inputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
    assert(outputValue === undefined || typeof outputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
    const object = inputValue as Record<string, unknown>;
    const inputTypename = object[typenameFieldName];
    assert(inputTypename === undefined || typeof inputTypename === 'string', () => `Invalid non-string value ${inputTypename} for __typename at ${path}`);
    let objectType: CompositeType = type;
    if (inputTypename) {
      const typenameType = typeNamed(inputTypename, parameters);
      if (!typenameType || !isCompositeType(typenameType)) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }),
        );
        return { updated: null, hasErrors: true };
      }
      objectType = typenameType;
    }
    const outputObject = outputValue === undefined ? (Object.create(null) as Record<string, unknown>) : (outputValue as Record<string, unknown>);
    const hasErrors = applySelectionSet(object, selectionSet, outputObject, parameters, path, objectType) === NULL_BUBBLE_UP;
    return { updated: hasErrors ? null : outputObject, hasErrors };
  }
  assert(outputValue === undefined, () => `Excepted output to be undefined but got ${type} for type ${type}`);
  const isValid = isValidLeafValue(parameters.schema, inputValue, type as ScalarType | EnumType);
  if (!isValid) {
    parameters.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
  }
  return { updated: isValid ? inputValue : null, hasErrors: !isValid };
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * @apollo/federation-internals' isValidLeafValue(schema, value, type), with what depends only on the type (custom
 * scalar or enum, which built-in scalar) decided once per type of the schema rather than once per value.
 */
function isValidLeafValue(schema: Schema, value: unknown, type: ScalarType | EnumType): boolean {
  let check = leafChecks.get(type);
  if (!check) leafChecks.set(type, (check = leafCheck(schema, type)));
  return check(value);
}

const leafChecks = new WeakMap<ScalarType | EnumType, (value: unknown) => boolean>();

function leafCheck(schema: Schema, type: ScalarType | EnumType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isInt = type === schema.intType();
  const isIntLike = isInt || type === schema.idType();
  const isFloat = type === schema.floatType();
  const enumType = isEnumType(type) ? type : undefined;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && isFinite(value)) return isIntLike ? INTEGER.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumType ? enumType.value(value) !== undefined : !isBoolean && !isInt && !isFloat;
    return false;
  };
}

/**
 * Makes @apollo/gateway's executor shape results with `computeResponse` above, through the adapter for Apollo's
 * internals (gateway/src/apollo-internals.ts), which throws if this @apollo/gateway has no such module.
 */
export function installResultShaping(): void {
  replaceComputeResponse(computeResponse as ComputeResponseFunction);
}

/** Apollo's computeResponse, as it was before installResultShaping (for the comparison tests and the benchmark). */
export function apolloComputeResponse(): ComputeResponse | undefined {
  return apolloComputeResponseOf() as ComputeResponse | undefined;
}

/** Whether @apollo/gateway's executor calls this module's computeResponse now. */
export function isResultShapingInstalled(): boolean {
  return currentComputeResponse() === (computeResponse as ComputeResponseFunction);
}

/**
 * Results shaped by this module's computeResponse since start: only this implementation counts, so a gateway request
 * that moves the count was shaped here and not by Apollo's own (gateway/test/apollo-internals.test.ts).
 */
export function resultsShaped(): number {
  return shaped;
}
