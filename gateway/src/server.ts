import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { createGraphQLHandler, createMetrics, savedOperationNames, type ServiceMetrics, observeRequests, MAX_TOKENS, injectTraceContext, startTracing, type Logger, logErrors, maskInternalErrors } from '@cmcc/platform';
import { loadOrCreateSharedSecret, PRINCIPAL_HEADER, signPrincipal, type Principal } from '@cmcc/contracts';
import { createAuthenticator } from './auth/authenticator.ts';
import { ApolloServerPluginAuthorization } from './authorization.ts';
import { ApolloServerPluginAudit, createAuditTrail, recordSubgraphCall, recordSubgraphMarkings, type AuditTrail } from './audit/index.ts';
import type { GatewayConfig } from './config.ts';
import { FileSupergraphManager } from './supergraph.ts';
import { RegistrySupergraphManager } from './registry-supergraph.ts';
import { openRegistry } from '@cmcc/governance/registry/index';
import { createExplorerRoutes, EXPLORER_PATHS } from './explorer/index.ts';
import { installResultShaping } from './execution/result-shaping.ts';
import { principalTokenClaims } from './transport/fetcher.ts';
import { completeBody } from './cache/response-cache.ts';
import type { GatewayContext } from './context.ts';
import { ApolloServerPluginOperationResolution } from './operation-resolution.ts';
import { Resilience } from './resilience/index.ts';
import { registerGatewayMetrics } from './observability/metrics.ts';
import { createPerformance, type Performance } from './performance.ts';
import { guardAdminRoutes } from './admin-access.ts';
import { formatPersistedQueryErrors } from './operations/persisted.ts';

export type { GatewayContext } from './context.ts';

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
 * Calls one subgraph: forwards the request id (one id follows a request through every log) and the principal,
 * signed for this subgraph only and good for one request, so a subgraph trusts no caller but the gateway.
 */
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

  /** The markings of the records the subgraph returned, for the audit event (never forwarded to the client). */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    recordSubgraphMarkings(context, this.name, response.extensions);
    return response;
  }
}

export interface Gateway {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly gateway: ApolloGateway;
  readonly supergraph: FileSupergraphManager | RegistrySupergraphManager;
  readonly handler: http.RequestListener;
  /** The audit trail (`audit.depth` is the buffer depth, `audit.stats` the counters). */
  readonly audit: AuditTrail;
  /** The gateway's Prometheus registry and the hook (`registerGauge`) other modules add their gauges with. */
  readonly metrics: ServiceMetrics;
  /** Timeouts, retries and circuit breakers of the subgraph calls. */
  readonly resilience: Resilience;
  /** Response cache, persisted queries, plan cache and transport; `performance.stats()` gives their counters. */
  readonly performance: Performance;
  stop(): Promise<void>;
}

/** Builds the gateway (no listening), so tests can run it in-process or on port 0. */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  // @apollo/gateway 2.x sends usage metrics to Apollo's cloud (probing cloud metadata endpoints first) unless this is
  // set. A coalition network must never call out, so it is always off, whatever the environment says.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const { source, registry, pollMs, cacheDir } = config.supergraphSource;
  // The registry's head, followed as versions are published (gateway/src/registry-supergraph.ts); or the file alone.
  const supergraph =
    source === 'registry'
      ? new RegistrySupergraphManager(openRegistry(registry), { pollMs, cacheDir, fallbackPath: config.supergraphPath, logger })
      : new FileSupergraphManager(config.supergraphPath, config.supergraphPollMs, logger);
  const secret = loadOrCreateSharedSecret(config.sharedSecret, config.dataDir);
  const authenticate = await createAuthenticator(config.auth, config.dataDir, logger);
  const performance = createPerformance(config, logger, supergraph);
  // Keep-alive pools, compression, in-flight deduplication and merging (gateway/src/transport/); timeouts, retries and
  // circuit breakers wrap this Fetcher per subgraph (gateway/src/resilience/).
  const fetcher: Fetcher = async (url, init) => passRequestErrorsThrough((await performance.transport.fetcher(url, init)) as unknown as Response) as unknown as ReturnType<Fetcher>;
  const resilience = new Resilience(config.resilience, logger);
  const tracing = startTracing(config.observability.tracing, { global: true });
  // Result shaping with the per-request facts worked out once (gateway/src/execution/result-shaping.ts).
  if (!installResultShaping()) logger.warn('@apollo/gateway has no dist/resultShaping.js computeResponse to replace: its own (slower) result shaping runs');
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    // Validate every supergraph before serving it, also in production: a broken file must be refused, not half-served.
    validateSupergraph: true,
    logger,
    queryPlannerConfig: { cache: performance.planCache },
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name, secret, { url: config.subgraphUrls[name] ?? url, fetcher: resilience.wrap(name, fetcher, (init) => withFreshPrincipal(init, secret)) }),
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => performance.useSupergraph(coreSupergraphSdl));
  const audit = createAuditTrail(config.audit, logger);
  // No token here: the route is guarded below with /explorer/operations.json (gateway/src/admin-access.ts).
  const metrics = createMetrics({ service: 'gateway', knownOperations: savedOperationNames() });
  registerGatewayMetrics(metrics, { resilience, audit, performance });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    // index.ts handles SIGINT/SIGTERM itself, so shutdown happens once and in order.
    stopOnTerminationSignals: false,
    formatError: formatPersistedQueryErrors(maskInternalErrors()),
    persistedQueries: performance.persistedQueries,
    plugins: [
      // Operation limits and the safelist first: they judge the operation as the client sent it.
      ApolloServerPluginOperationResolution(),
      ...performance.firstPlugins,
      logErrors(logger),
      ApolloServerPluginAuthorization({ mode: config.authorizationMode, policies: config.policies, requirements: () => supergraph.requirements }),
      // After authorization, so the audit event sees the errors it adds.
      ApolloServerPluginAudit({ trail: audit, redact: config.audit.redact, logger }),
      metrics.plugin,
      // Last: a cached response is served only after authorization and the audit admission have run.
      ...performance.lastPlugins,
    ],
  });
  await apollo.start();
  const graphqlHandler = createGraphQLHandler<GatewayContext, Principal>({
    apollo,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    // A client's x-request-id is only a claim (the audit event stores it as claimedRequestId): the gateway makes its own.
    requestIdFromCaller: false,
    authenticate,
    context: async (_request, requestId, principal) => ({ requestId, principal, storedAnswer: {} }),
    completeBody: (context, body) => completeBody(context.storedAnswer, body),
    routes: {
      '/health': async () => ({ status: 200, body: { status: 'ok', service: 'gateway' } }),
      '/ready': async () => {
        const state = supergraph.state;
        // The audit buffer's depth and health: operators watch it fill when the audit sink is slow or down. Not the
        // trail's sequence numbers or event counts: this route needs no credential.
        const { depth, capacity, reserved, refused, dropped, writeFailures, sinkHealthy, failOpen } = audit.stats;
        const auditBuffer = { depth, capacity, reserved, refused, dropped, writeFailures, sinkHealthy, failOpen };
        const circuits = resilience.circuits;
        if (state.phase !== 'loaded') return { status: 503, body: { status: 'unavailable', supergraph: state, auditBuffer, circuits } };
        const subgraphs = await checkSubgraphs(gateway);
        // One working group's subgraph down costs only its fields (partial results), so the gateway stays in rotation as
        // `degraded`; only a gateway that can reach no subgraph at all is taken out (503).
        const up = subgraphs.filter((subgraph) => subgraph.ok).length;
        const status = up === subgraphs.length ? 'ready' : up > 0 ? 'degraded' : 'unavailable';
        return { status: up > 0 ? 200 : 503, body: { status, supergraph: state, subgraphs, auditBuffer, circuits } };
      },
    },
    // The explorer at GET / (GraphiQL bundled into the gateway, or Apollo Sandbox by configuration): gateway/src/explorer/.
    // /metrics and the saved operations are for operators: METRICS_TOKEN, or loopback callers in development; the saved
    // operations also for any principal the gateway authenticates (the explorer's users).
    rawRoutes: guardAdminRoutes(
      { ...createExplorerRoutes({ mode: config.explorer, dataDir: config.dataDir, logger }), '/metrics': metrics.route },
      { '/metrics': null, [EXPLORER_PATHS.operations]: (request) => isAuthenticated(request, authenticate) },
      config.adminAccess,
    ),
  });
  const handler = observeRequests(graphqlHandler, { logger, metrics, tracing, routes: ['/graphql', '/health', '/ready', '/metrics', '/'] });
  return {
    apollo,
    gateway,
    supergraph,
    handler,
    audit,
    metrics,
    resilience,
    performance,
    // Operations in flight finish first; then the audit buffer is flushed with a final signed checkpoint.
    stop: async () => {
      await apollo.stop();
      await audit.close();
      await tracing?.shutdown().catch(() => undefined);
      await performance.close();
    },
  };
}

/** Whether the request carries a user credential the gateway accepts (never throws). */
async function isAuthenticated(request: http.IncomingMessage, authenticate: (request: http.IncomingMessage) => Promise<unknown>): Promise<boolean> {
  if (!request.headers.authorization && !request.headers['x-api-key']) return false;
  return authenticate(request).then(
    () => true,
    () => false,
  );
}

/**
 * Apollo Server answers a request error (e.g. a variable that is not a valid DateTime) with HTTP 400 and a GraphQL
 * body. The gateway's data source would turn any non-2xx into a generic failure and hide the subgraph's
 * BAD_USER_INPUT; a 400 that carries GraphQL errors is therefore handed on as the GraphQL response it is.
 */
async function passRequestErrorsThrough(response: Response): Promise<Response> {
  if (response.status !== 400 || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return new Response(text, { status: 200, headers: response.headers });
  } catch {
    // not a GraphQL body: fall through to the original status
  }
  return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Asks every subgraph for `__typename`, through the same data sources queries use. */
async function checkSubgraphs(gateway: ApolloGateway): Promise<{ name: string; ok: boolean; error?: string }[]> {
  // serviceHealthCheck rejects on the first failure; check each subgraph on its own to report all of them.
  const serviceMap = (gateway as unknown as { serviceMap: Record<string, unknown> }).serviceMap;
  return Promise.all(
    Object.entries(serviceMap).map(async ([name, service]) => {
      try {
        await gateway.serviceHealthCheck({ [name]: service } as Parameters<ApolloGateway['serviceHealthCheck']>[0]);
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
