// Generated subgraph data for result shaping: what a query plan's fetches might leave in the merged result before it is
// shaped into the answer. Used by the comparison of the gateway's result shaping with Apollo's
// (gateway/test/result-shaping.test.ts) and by its benchmark (bench/shaping.ts). Seeded, so every run sees the same data.
import { isCompositeType, isEnumType, isListType, isNonNullType, possibleRuntimeTypes, type CompositeType, type SelectionSet, type Type } from '@apollo/federation-internals';

export { random } from './random.ts';

export interface GenerateOptions {
  /** Also wrong leaf values, unknown __typename values and non-list values where lists belong. */
  malformed?: boolean;
  /** Longest list generated (default 3). */
  maxListLength?: number;
  /** Share of nullable positions left null or missing (default 0.1). */
  nulls?: number;
}

/**
 * Merged subgraph data for `selectionSet` as a query plan's fetches might leave it before result shaping: every field
 * of the selection (and of its fragments) under its response name, mostly well-formed, with nulls, missing fields and
 * other runtime types; with `malformed`, also values no subgraph should send.
 */
export function generateSubgraphData(selectionSet: SelectionSet, parentType: CompositeType, next: () => number, options: GenerateOptions = {}, depth = 0): Record<string, unknown> {
  const malformed = options.malformed ?? false;
  const nulls = options.nulls ?? 0.1;
  const maxListLength = options.maxListLength ?? 3;
  const object: Record<string, unknown> = {};
  const runtime = possibleRuntimeTypes(parentType);
  const chosen = runtime[Math.floor(next() * runtime.length)];
  if (chosen && (parentType.kind !== 'ObjectType' || next() < 0.3)) object.__typename = malformed && next() < 0.03 ? 'NoSuchType' : chosen.name;
  const fill = (into: Record<string, unknown>, set: SelectionSet, parent: CompositeType) => {
    for (const selection of set.selections()) {
      if (selection.kind === 'FragmentSelection') {
        fill(into, selection.selectionSet, selection.element.typeCondition ?? parent);
        continue;
      }
      const field = selection.element;
      if (field.name === '__typename' || field.definition.isSchemaIntrospectionField()) continue;
      const roll = next();
      if (roll < nulls * 0.4) continue; // missing
      into[field.responseName()] = roll < nulls ? null : value(field.definition.type!, selection.selectionSet);
    }
  };
  const value = (type: Type, set: SelectionSet | undefined): unknown => {
    if (isNonNullType(type)) return value(type.ofType, set);
    if (isListType(type)) {
      if (malformed && next() < 0.02) return 'not a list';
      const length = depth > 3 ? 0 : Math.floor(next() * (maxListLength + 1));
      return Array.from({ length }, () => (next() < nulls / 2 ? null : value(type.ofType, set)));
    }
    if (isCompositeType(type)) return set ? generateSubgraphData(set, type, next, options, depth + 1) : {};
    if (malformed && next() < 0.05) return [true, 1.5, 'text', 7, {}][Math.floor(next() * 5)];
    if (isEnumType(type)) return type.values[Math.floor(next() * type.values.length)]?.name ?? 'X';
    switch (type.name) {
      case 'Int':
        return Math.floor(next() * 1000) - 500;
      case 'Float':
        return next() * 100;
      case 'Boolean':
        return next() < 0.5;
      case 'ID':
        return next() < 0.5 ? String(Math.floor(next() * 1e6)) : Math.floor(next() * 1000);
      case 'String':
        return `s${Math.floor(next() * 1000)}`;
      default:
        return next() < 0.5 ? `custom-${Math.floor(next() * 100)}` : { nested: next() };
    }
  };
  fill(object, selectionSet, parentType);
  return object;
}
