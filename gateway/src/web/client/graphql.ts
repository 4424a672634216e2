/** Operations to the gateway's /graphql from a browser page (the floor, the explorer's audit view): the reader's bearer token, no cookies. */

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

/** Sends one operation; a gateway that does not answer, or answers with something other than JSON, becomes an error. */
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
