import { RequestRateLimiter } from './limits/rate-limit.ts';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { createGraphQLHandler, logErrors, maskInternalErrors, observeRequests, startTracing, createMetrics, savedOperationNames } from '@cmcc/platform';
import { loadOrCreateSharedSecret, type EventFeed, type Principal } from '@cmcc/contracts';
import { checkApolloVersions, subgraphServices } from './apollo-internals.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createAuditTrail, type AuditTrail } from './audit/index.ts';
import type { Logger, ServiceMetrics } from '@cmcc/platform';
import type { GatewayConfig } from './config.ts';
import { FileSupergraphManager } from './supergraph.ts';
import { RegistrySupergraphManager } from './registry-supergraph.ts';
import { openRegistry } from '@cmcc/governance/registry/index';
import { createExplorerRoutes, EXPLORER_PATHS } from './explorer/index.ts';
import { createOperationAssessor } from './explorer/access.ts';
import { createFloorRoutes } from './floor/index.ts';
import { createDevSignInRoutes } from './auth/dev-sign-in.ts';
import { Resilience } from './resilience/index.ts';
import { registerGatewayMetrics } from './observability/metrics.ts';
import { createPerformance, type Performance } from './performance.ts';
import { guardAdminRoutes } from './admin-access.ts';
import { withCors } from './cors.ts';
import { createPipeline, gatewayStages, type Pipeline } from './pipeline.ts';
import type { GatewayContext } from './stages/stage.ts';
import { createSubscriptionServer, type SubscriptionServer } from './subscriptions/index.ts';
import { createEventFeed } from './subscriptions/event-feed.ts';
import { currentSubgraphUrls } from './subscriptions/subgraph-urls.ts';

export type { GatewayContext } from './stages/stage.ts';
export { withFreshPrincipal } from './stages/execute.ts';

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
  /** The request pipeline (gateway/src/pipeline.ts): its stages in order, and `observe` to watch them run. */
  readonly pipeline: Pipeline;
  /** Live subscriptions (WebSocket at /graphql, SSE at /graphql/stream). */
  readonly subscriptions: SubscriptionServer;
  /** The change events the subscriptions read (the feed handed in, or the one the gateway made); `stop()` closes it, through the subscription server. */
  readonly feed: EventFeed;
  /** Requests per principal (GATEWAY_RATE_LIMIT): counted in Redis for every replica when REDIS_URL is set. */
  readonly rateLimiter: RequestRateLimiter;
  /** For the http server's 'upgrade' event: WebSocket subscriptions at /graphql. */
  handleUpgrade(request: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** Where change events come from (tests); by default Redis Streams with REDIS_URL, else each subgraph's /events. */
  readonly feed?: EventFeed;
}

/** Builds the gateway (no listening), so tests can run it in-process or on port 0. */
export async function createGateway(config: GatewayConfig, logger: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  // @apollo/gateway 2.x sends usage metrics to Apollo's cloud (probing cloud metadata endpoints first) unless this is
  // set. A coalition network must never call out, so it is always off, whatever the environment says.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // Refuses to start on @apollo/gateway or @apollo/server versions gateway/src/apollo-internals.ts was not written for.
  checkApolloVersions();
  const { source, registry, pollMs, cacheDir } = config.supergraphSource;
  // The registry's head, followed as versions are published (gateway/src/registry-supergraph.ts); or the file alone.
  const supergraph =
    source === 'registry'
      ? new RegistrySupergraphManager(openRegistry(registry), { pollMs, cacheDir, fallbackPath: config.supergraphPath, logger })
      : new FileSupergraphManager(config.supergraphPath, config.supergraphPollMs, logger);
  const secret = loadOrCreateSharedSecret(config.sharedSecret, config.dataDir);
  const authenticate = await createAuthenticator(config.auth, config.dataDir, logger);
  const performance = createPerformance(config, logger, supergraph);
  const resilience = new Resilience(config.resilience, logger);
  const tracing = startTracing(config.observability.tracing, { global: true });
  const audit = createAuditTrail(config.audit, logger);
  const rateLimiter = new RequestRateLimiter(config.rateLimit, logger);
  // No token here: the route is guarded below with /explorer/operations.json (gateway/src/admin-access.ts).
  const metrics = createMetrics({ service: 'gateway', knownOperations: savedOperationNames() });
  registerGatewayMetrics(metrics, { resilience, audit, performance });
  // The request path, stage by stage (gateway/src/pipeline.ts).
  const { stages, limits } = gatewayStages({
    config,
    logger,
    authenticate,
    performance,
    resilience,
    audit,
    rateLimiter,
    secret,
    fetcher: performance.transport.fetcher,
    requirements: () => supergraph.requirements,
  });
  const pipeline = createPipeline(stages, [logErrors(logger), metrics.plugin as ApolloServerPlugin<GatewayContext>]);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    // Validate every supergraph before serving it, also in production: a broken file must be refused, not half-served.
    validateSupergraph: true,
    logger,
    ...pipeline.gateway,
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    limits.useSupergraph(coreSupergraphSdl);
    performance.responseCache?.useSupergraph(coreSupergraphSdl);
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    parseOptions: pipeline.server.parseOptions,
    // index.ts handles SIGINT/SIGTERM itself, so shutdown happens once and in order.
    stopOnTerminationSignals: false,
    formatError: pipeline.server.formatError(maskInternalErrors()),
    persistedQueries: pipeline.server.persistedQueries,
    plugins: pipeline.server.plugins,
  });
  await apollo.start();
  const graphqlHandler = createGraphQLHandler<GatewayContext, Principal>({
    apollo,
    logger,
    maxBodyBytes: pipeline.http.maxBodyBytes,
    // A client's x-request-id is only a claim (the audit event stores it as claimedRequestId): the gateway makes its own.
    requestIdFromCaller: false,
    authenticate: pipeline.http.authenticate,
    context: async (_request, requestId, principal) => ({ requestId, principal, storedAnswer: {} }),
    completeBody: pipeline.http.completeBody,
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
    // The explorer at GET / (GraphiQL bundled into the gateway, or Apollo Sandbox by configuration) and its audit view at
    // /explorer/audit: gateway/src/explorer/. /metrics and the saved operations are for operators: METRICS_TOKEN, or
    // loopback callers in development; the saved operations also for any principal the gateway authenticates (the
    // explorer's users), each told which of them its rights refuse (gateway/src/explorer/access.ts).
    // The floor dashboard at /floor (gateway/src/floor/), wherever an explorer is; the role picker's development sign-in
    // (loopback callers, development key only).
    rawRoutes: guardAdminRoutes(
      {
        ...createExplorerRoutes({
          mode: config.explorer,
          dataDir: config.dataDir,
          logger,
          assess: createOperationAssessor({
            authenticate,
            schema: () => gateway.schema,
            requirements: () => supergraph.requirements,
            policies: config.policies,
            mode: config.authorizationMode,
          }),
        }),
        ...(config.explorer === 'off' ? {} : createFloorRoutes({ dataDir: config.dataDir, logger })),
        ...createDevSignInRoutes({ enabled: config.devSignIn, dataDir: config.dataDir }),
        '/metrics': metrics.route,
      },
      { '/metrics': null, [EXPLORER_PATHS.operations]: (request) => isAuthenticated(request, authenticate) },
      config.adminAccess,
    ),
  });
  // CORS for the origins of GATEWAY_CORS_ORIGINS, on every path of the handler (gateway/src/cors.ts): preflights are
  // answered there, before authentication. Whatever else answers on the gateway's port (event streams) goes inside it.
  // Change events come from the feed a test injects, or else from Redis Streams (REDIS_URL: every gateway process sees
  // every event) or each subgraph's own /events stream, opened on the first subscription to it.
  const feed =
    options.feed ?? createEventFeed({ subgraphUrls: currentSubgraphUrls(gateway, config.subgraphUrls), sharedSecret: secret, redisUrl: config.performance.redisUrl, logger });
  const subscriptions = createSubscriptionServer({ gateway, authenticate, audit, requirements: () => supergraph.requirements, feed, config, logger });
  metrics.registerGauge('cmcc_subscriptions_open', 'Live subscriptions open on this gateway process (WebSocket and SSE)', () => subscriptions.open());
  const routed: http.RequestListener = (request, response) => (subscriptions.serves(request) ? void subscriptions.handler(request, response) : graphqlHandler(request, response));
  const handler = observeRequests(withCors(routed, config.cors), {
    logger,
    metrics,
    tracing,
    routes: ['/graphql', '/health', '/ready', '/metrics', '/', '/floor', EXPLORER_PATHS.audit],
  });
  return {
    apollo,
    gateway,
    supergraph,
    handler,
    audit,
    metrics,
    resilience,
    performance,
    pipeline,
    subscriptions,
    feed,
    rateLimiter,
    handleUpgrade: (request, socket, head) => subscriptions.handleUpgrade(request, socket, head),
    // Subscriptions end first (with a reconnect hint), operations in flight finish; then the audit buffer is flushed
    // with a final signed checkpoint.
    stop: async () => {
      await subscriptions.stop();
      await apollo.stop();
      await audit.close();
      await tracing?.shutdown().catch(() => undefined);
      await performance.close();
      await rateLimiter.close();
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

/** Asks every subgraph for `__typename`, through the same data sources queries use. */
async function checkSubgraphs(gateway: ApolloGateway): Promise<{ name: string; ok: boolean; error?: string }[]> {
  // serviceHealthCheck rejects on the first failure; check each subgraph on its own to report all of them.
  return Promise.all(
    Object.entries(subgraphServices(gateway)).map(async ([name, service]) => {
      try {
        await gateway.serviceHealthCheck({ [name]: service });
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
