import { Kind, parse } from 'graphql';

/**
 * The names of the operations a GraphQL document defines, read by parsing it (a comment such as "the largest saved
 * query and ..." is not an operation named "and"); none for a document that does not parse.
 */
export function operationNames(text: string): string[] {
  try {
    return parse(text).definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : []));
  } catch {
    return [];
  }
}
