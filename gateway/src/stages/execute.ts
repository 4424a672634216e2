import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import type { Principal } from '@cmcc/contracts';
import { PRINCIPAL_HEADER, signPrincipal } from '@cmcc/contracts';
import { injectTraceContext } from '@cmcc/platform';
import { asFetcherResponse } from '../apollo-internals.ts';
import { recordSubgraphCall } from '../audit/plugin.ts';
import { recordSubgraphMarkings } from '../audit/markings.ts';
import type { Resilience } from '../resilience/index.ts';
import { downstreamError } from '../resilience/fetcher.ts';
import { principalTokenClaims } from '../transport/fetcher.ts';
import type { GatewayContext, Stage } from './stage.ts';

/** The gateway's own identity, for its health checks of the subgraphs. */
const GATEWAY_PRINCIPAL: Principal = Object.freeze({
  subject: 'gateway',
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['service'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: false,
});

/**
 * The request for a retry: the same, with a new principal token for the same principal and subgraph (a token is good
 * for one request, and the attempt that timed out may have used it). The token is the gateway's own, so its payload is
 * read as it stands.
 */
export async function withFreshPrincipal(init: Parameters<Fetcher>[1], secret: Uint8Array): Promise<Parameters<Fetcher>[1]> {
  const headers = init?.headers as Record<string, string> | undefined;
  const claims = principalTokenClaims(headers?.[PRINCIPAL_HEADER]);
  if (!init || !headers || !claims) return init;
  return { ...init, headers: { ...headers, [PRINCIPAL_HEADER]: await signPrincipal(claims.principal as Principal, secret, claims.aud as string) } };
}

/**
 * Calls one subgraph: forwards the request id (one id follows a request through every log) and the principal,
 * signed for this subgraph only and good for one request, so a subgraph trusts no caller but the gateway.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly name: string,
    private readonly secret: Uint8Array,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(options);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
    if (request.http) injectTraceContext(request.http.headers);
    recordSubgraphCall(context, this.name);
    request.http?.headers.set(PRINCIPAL_HEADER, await signPrincipal(context?.principal ?? GATEWAY_PRINCIPAL, this.secret, this.name));
  }

  /**
   * A body that is not a JSON object (a crashed subgraph's half-written answer, a proxy's HTML error page) costs that
   * subgraph's fields like any other outage, with an error naming it; @apollo/gateway would otherwise throw a plain
   * error that reaches the client as INTERNAL_SERVER_ERROR, naming no one.
   */
  override async parseBody(...args: Parameters<RemoteGraphQLDataSource<GatewayContext>['parseBody']>): Promise<object | string> {
    let body: unknown;
    try {
      body = await super.parseBody(...args);
    } catch {
      body = undefined;
    }
    if (typeof body === 'object' && body !== null) return body;
    throw downstreamError(
      this.name,
      `The ${this.name} service answered with a body that is not a GraphQL response. Its fields are missing from this response; the rest was served.`,
      {
        reason: 'invalid_response',
        attempts: 1,
      },
    );
  }

  /** The markings of the records the subgraph returned, for the audit event (never forwarded to the client). */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    recordSubgraphMarkings(context, this.name, response.extensions);
    return response;
  }
}

/**
 * Apollo Server answers a request error (e.g. a variable that is not a valid DateTime) with HTTP 400 and a GraphQL
 * body. The gateway's data source would turn any non-2xx into a generic failure and hide the subgraph's
 * BAD_USER_INPUT; a 400 that carries GraphQL errors is therefore handed on as the GraphQL response it is.
 */
async function passRequestErrorsThrough(response: FetcherResponse): Promise<FetcherResponse> {
  if (response.status !== 400 || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return asFetcherResponse(new Response(text, { status: 200, headers: [...response.headers] }));
  } catch {
    // not a GraphQL body: fall through to the original status
  }
  return asFetcherResponse(new Response(text, { status: response.status, statusText: response.statusText, headers: [...response.headers] }));
}

export interface ExecuteOptions {
  /** The shared secret principal tokens are signed with. */
  readonly secret: Uint8Array;
  /** Subgraph URLs that replace the supergraph's routing URLs (SUBGRAPH_<NAME>_URL). */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** The transport's fetcher (keep-alive pools, compression, deduplication and merging: gateway/src/transport/). */
  readonly fetcher: Fetcher;
  /** Timeouts, retries and circuit breakers per subgraph (gateway/src/resilience/). */
  readonly resilience: Resilience;
}

/**
 * Executes the query plan: @apollo/gateway calls each subgraph through a data source that forwards the request id and
 * a principal token signed for that subgraph, over the transport, wrapped per subgraph in timeouts, retries (each
 * retry with a fresh principal token) and a circuit breaker.
 */
export function executeStage(options: ExecuteOptions): Stage {
  const fetcher: Fetcher = async (url, init) => passRequestErrorsThrough(await options.fetcher(url, init));
  return {
    name: 'execute',
    does: 'calls the subgraphs of the plan, each with a principal token signed for it (timeouts, retries, circuit breakers)',
    gateway: {
      buildService: ({ name, url }) =>
        new SubgraphDataSource(name, options.secret, {
          url: options.subgraphUrls[name] ?? url,
          fetcher: options.resilience.wrap(name, fetcher, (init) => withFreshPrincipal(init, options.secret)),
        }),
    },
  };
}
