/** Operations to the gateway over HTTP, and what their errors say about each working group's part of the answer. */

import type { GraphQLError } from '../../web/client/graphql.ts';

export { runOperation, type GraphQLError, type GraphQLResult } from '../../web/client/graphql.ts';

/** Codes that mean "not for you" (rule v2, policies, scopes) rather than "not available". */
const WITHHELD = new Set(['FORBIDDEN', 'UNAUTHORIZED_FIELD_OR_TYPE']);

export function isWithheld(error: GraphQLError): boolean {
  return WITHHELD.has(error.extensions?.code ?? '');
}

/**
 * One line for an error: the working group (serviceName) and code when the gateway gave them, then the message; and, when
 * the gateway filled the group's fields from its last known answer (`extensions.stale`), that they are stale and as of when.
 */
export function describeError(error: GraphQLError): string {
  const who = error.extensions?.serviceName ? `${error.extensions.serviceName} working group` : undefined;
  const code = error.extensions?.code;
  const stale = error.extensions?.stale as { asOf?: unknown } | undefined;
  const staleNote = typeof stale?.asOf === 'string' ? ` (its figures shown are its last known answer, as of ${stale.asOf})` : '';
  return [who, code].filter(Boolean).join(' · ') + (who || code ? ': ' : '') + error.message + staleNote;
}

/** The first error at `path` or below it (errors name the path of the field that failed). */
export function errorAt(errors: GraphQLError[] | undefined, path: (string | number)[]): GraphQLError | undefined {
  return errors?.find((error) => error.path && path.every((part, index) => error.path![index] === part));
}
