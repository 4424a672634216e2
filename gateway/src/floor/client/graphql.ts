/** Operations to the gateway over HTTP, and what their errors say about each working group's part of the answer. */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; serviceName?: string; [key: string]: unknown };
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: GraphQLError[];
  /** The HTTP status, when the gateway answered at all. */
  status?: number;
}

export async function runOperation<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResult<T>> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
    });
    const text = await response.text();
    try {
      return { ...(JSON.parse(text) as GraphQLResult<T>), status: response.status };
    } catch {
      return { status: response.status, errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 300)}`, extensions: { code: `HTTP_${response.status}` } }] };
    }
  } catch (error) {
    return { errors: [{ message: `The gateway did not answer (${error instanceof Error ? error.message : String(error)})`, extensions: { code: 'NETWORK_ERROR' } }] };
  }
}

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
