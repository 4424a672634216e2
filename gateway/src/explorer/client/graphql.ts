/** Operations the audit view sends to the gateway's /graphql, as the editor does: the reader's bearer token, no cookies. */
import { GRAPHQL_PATH } from './shell.ts';

import { runOperation as runAt, type GraphQLError, type GraphQLResult } from '../../web/client/graphql.ts';

export type { GraphQLError, GraphQLResult };

/** Sends one operation to this gateway's /graphql as the reader. */
export function runOperation<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  return runAt<T>(GRAPHQL_PATH, token, query, variables);
}

/** Codes that mean "not for you" (a scope, a policy, releasability) rather than "not available". */
const RIGHTS = new Set(['FORBIDDEN', 'UNAUTHORIZED_FIELD_OR_TYPE']);

/** The first error refusing the reader the field at the root of an answer (`auditEvents`), if any. */
export function refusalOf(result: GraphQLResult<unknown>, field: string): GraphQLError | undefined {
  return result.errors?.find((error) => RIGHTS.has(error.extensions?.code ?? '') && (error.path === undefined || error.path[0] === field));
}

export function describeErrors(errors: readonly GraphQLError[] | undefined): string {
  return (errors ?? []).map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join(' · ');
}
