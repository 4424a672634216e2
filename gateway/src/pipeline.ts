// The gateway's request pipeline, top to bottom. Each stage is one file under gateway/src/stages/ with one concern;
// `gatewayStages` below builds them in the order a request goes through them, and `createPipeline` turns that list into
// what the gateway runs: the HTTP layer's options, Apollo Server's and ApolloGateway's options, and one Apollo Server
// plugin that calls the stages' hooks in this order (gateway/test/pipeline.test.ts checks the order on real requests).
//
//   authenticate       HTTP: bearer token or API key, else 401; request rate, else 429      stages/authenticate.ts
//   read               HTTP: the body, at most GATEWAY_MAX_BODY_BYTES, else 413                      stages/read.ts
//   persisted-query    Apollo Server: the text of an operation sent by hash (APQ, manifest)  stages/persisted-query.ts
//   parse              Apollo Server: parse (MAX_TOKENS) and validate                        stages/parse.ts
//   resolve-operation  the operation named by operationName exists, else 400                stages/resolve-operation.ts
//   limits             depth, aliases, root fields, cost, expanded fields, else 400          stages/limits.ts
//   safelist           only saved operations (GATEWAY_OPERATIONS_SAFELIST), else 400                 stages/safelist.ts
//   authorize          removes what the principal may not use (or refuses, reject mode)     stages/authorize.ts
//   cache-lookup       a cached answer for this operation, principal and variables           stages/cache-lookup.ts
//   plan               @apollo/gateway plans over the subgraphs (plan cache)                 stages/plan.ts
//   execute            the subgraph calls, each with its own principal token                 stages/execute.ts
//   shape              the merged data shaped into the answer (our computeResponse)          stages/shape.ts
//   cache-store        cache-control header; stores the answer or evicts a mutation's        stages/cache-store.ts
//   audit              the signed audit event (its place reserved when the request starts)   stages/audit.ts
//
// Within Apollo Server a stage works through three hooks, run stage by stage in the order above: didResolveOperation
// (the checks: the first that throws refuses the request, and no later stage sees it), responseForOperation (the first
// answer wins, and then plan, execute and shape do not run) and willSendResponse (every stage, in order, also for a
// refused request). plan, execute and shape run inside @apollo/gateway's executor, between the last two.
import type http from 'node:http';
import type {
  ApolloServerPlugin,
  GraphQLRequestContext,
  GraphQLRequestContextDidEncounterErrors,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextResponseForOperation,
  GraphQLRequestContextWillSendResponse,
  GraphQLRequestListener,
  GraphQLResponse,
} from '@apollo/server';
import type { Principal, Requirements } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import type { Authenticate } from './auth/authenticator.ts';
import type { AuditTrail } from './audit/index.ts';
import type { GatewayConfig } from './config.ts';
import type { Performance } from './performance.ts';
import type { Resilience } from './resilience/index.ts';
import type { RequestRateLimiter } from './limits/rate-limit.ts';
import type { Fetcher } from '@apollo/utils.fetcher';
import { auditStage } from './stages/audit.ts';
import { RefusalAuditor } from './audit/refusals.ts';
import { authenticateStage } from './stages/authenticate.ts';
import { authorizeStage } from './stages/authorize.ts';
import { cacheLookupStage } from './stages/cache-lookup.ts';
import { cacheStoreStage } from './stages/cache-store.ts';
import { executeStage } from './stages/execute.ts';
import { limitsStage } from './stages/limits.ts';
import { parseStage } from './stages/parse.ts';
import { persistedQueryStage } from './stages/persisted-query.ts';
import { planStage } from './stages/plan.ts';
import { readStage } from './stages/read.ts';
import { resolveOperationStage } from './stages/resolve-operation.ts';
import { safelistStage } from './stages/safelist.ts';
import { shapeStage } from './stages/shape.ts';
import { STAGE_REQUEST_HOOKS, type FormatError, type GatewayContext, type Stage, type StageName } from './stages/stage.ts';

/** The stages, in the order a request goes through them. */
export const STAGE_ORDER: readonly StageName[] = [
  'authenticate',
  'read',
  'persisted-query',
  'parse',
  'resolve-operation',
  'limits',
  'safelist',
  'authorize',
  'cache-lookup',
  'plan',
  'execute',
  'shape',
  'cache-store',
  'audit',
];

/** What the stages are built from. */
export interface StageParts {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly authenticate: Authenticate;
  readonly performance: Performance;
  readonly resilience: Resilience;
  readonly audit: AuditTrail;
  /** The principal's request rate, checked after authentication (gateway/src/limits/rate-limit.ts). */
  readonly rateLimiter?: RequestRateLimiter;
  /** The shared secret principal tokens are signed with. */
  readonly secret: Uint8Array;
  /** The transport's fetcher (gateway/src/transport/), before the resilience wrapper. */
  readonly fetcher: Fetcher;
  /** The authorization requirements of the supergraph being served. */
  readonly requirements: () => Requirements;
}

/** The gateway's stages, built in order from its configuration and parts. */
export function gatewayStages(parts: StageParts) {
  const { config, performance } = parts;
  const persisted = config.performance.persistedQueries;
  const limits = limitsStage(config.performance.limits);
  const stages = [
    authenticateStage(parts.authenticate, parts.rateLimiter, new RefusalAuditor(parts.audit, config.rateLimit.windowSeconds * 1000, parts.logger)),
    readStage(config.maxBodyBytes),
    persistedQueryStage(performance.persistedQueries),
    parseStage(),
    resolveOperationStage(),
    limits,
    safelistStage(performance.knownOperations, { enabled: persisted.safelist, allowIntrospection: persisted.safelistAllowsIntrospection }),
    authorizeStage({ mode: config.authorizationMode, policies: config.policies, requirements: parts.requirements }),
    cacheLookupStage(performance.responseCache),
    planStage(performance.planCache),
    executeStage({ secret: parts.secret, subgraphUrls: config.subgraphUrls, fetcher: parts.fetcher, resilience: parts.resilience }),
    shapeStage(),
    cacheStoreStage(performance.responseCache),
    auditStage({ trail: parts.audit, redact: config.audit.redact, logger: parts.logger, writeWaitMs: config.audit.writeWaitMs }),
  ];
  return { stages, limits };
}

/** One stage hook running for one request: what gateway/test/pipeline.test.ts watches. */
export interface StageEvent {
  readonly stage: StageName;
  readonly hook: 'requestDidStart' | (typeof STAGE_REQUEST_HOOKS)[number];
  readonly requestId: string | undefined;
}

export interface Pipeline {
  readonly stages: readonly Stage[];
  /** For createGraphQLHandler (platform): authentication, the body limit, the body sent. */
  readonly http: {
    authenticate: (request: http.IncomingMessage) => Promise<Principal>;
    maxBodyBytes: number;
    completeBody: (context: GatewayContext, body: string) => string | Buffer;
  };
  /** For ApolloServer: the plugins (the stages' plugin, then Apollo Server's own ones they configure) and options. */
  readonly server: {
    plugins: ApolloServerPlugin<GatewayContext>[];
    parseOptions: NonNullable<Stage['server']>['parseOptions'];
    persistedQueries: NonNullable<Stage['server']>['persistedQueries'];
    /** The stages' error formatting around `base` (the innermost). */
    formatError(base: FormatError): FormatError;
  };
  /** For ApolloGateway. */
  readonly gateway: NonNullable<Stage['gateway']>;
  /** Calls `listener` for each stage hook as it runs; returns the function that stops it. */
  observe(listener: (event: StageEvent) => void): () => void;
}

/**
 * Puts the stages together. `observers` are plugins that watch every request without being a stage (error logs,
 * metrics): their `didEncounterErrors` and `willSendResponse` run after the stages'.
 */
export function createPipeline(stages: readonly Stage[], observers: readonly ApolloServerPlugin<GatewayContext>[] = []): Pipeline {
  const names = stages.map((stage) => stage.name);
  if (names.join() !== STAGE_ORDER.join()) throw new Error(`The pipeline's stages must be ${STAGE_ORDER.join(' → ')}; given ${names.join(' → ')}`);
  const merged = <K extends keyof NonNullable<Stage[T]>, T extends 'http' | 'server' | 'gateway'>(part: T, key: K): NonNullable<Stage[T]>[K] | undefined => {
    const given = stages.filter((stage) => (stage[part] as NonNullable<Stage[T]> | undefined)?.[key] !== undefined);
    if (given.length > 1) throw new Error(`Only one stage may set ${part}.${String(key)}; ${given.map((stage) => stage.name).join(' and ')} do`);
    return (given[0]?.[part] as NonNullable<Stage[T]> | undefined)?.[key];
  };
  for (const stage of stages) {
    const extra = Object.keys(stage.plugin ?? {}).filter((key) => key !== 'requestDidStart' && key !== 'unexpectedErrorProcessingRequest');
    if (extra.length > 0) throw new Error(`Stage ${stage.name}: a stage plugin has only requestDidStart and unexpectedErrorProcessingRequest, not ${extra.join(', ')}`);
  }
  for (const observer of observers) {
    const extra = Object.keys(observer).filter((key) => key !== 'requestDidStart');
    if (extra.length > 0) throw new Error(`A pipeline observer has only requestDidStart, not ${extra.join(', ')}`);
  }

  const listeners = new Set<(event: StageEvent) => void>();
  const emit = (stage: StageName, hook: StageEvent['hook'], context: GatewayContext) => {
    for (const listener of listeners) listener({ stage, hook, requestId: context.requestId });
  };
  const withPlugins = stages.filter((stage): stage is Stage & { plugin: ApolloServerPlugin<GatewayContext> } => stage.plugin !== undefined);

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart(requestContext: GraphQLRequestContext<GatewayContext>) {
      const started: { stage: StageName; listener: GraphQLRequestListener<GatewayContext> }[] = [];
      for (const stage of withPlugins) {
        emit(stage.name, 'requestDidStart', requestContext.contextValue);
        const listener = await stage.plugin.requestDidStart?.(requestContext);
        if (!listener) continue;
        const extra = Object.keys(listener).filter((key) => !(STAGE_REQUEST_HOOKS as readonly string[]).includes(key));
        if (extra.length > 0) throw new Error(`Stage ${stage.name} uses ${extra.join(', ')}: a stage's hooks are ${STAGE_REQUEST_HOOKS.join(', ')}`);
        started.push({ stage: stage.name, listener });
      }
      const watching: GraphQLRequestListener<GatewayContext>[] = [];
      for (const observer of observers) {
        const listener = await observer.requestDidStart?.(requestContext);
        if (listener) watching.push(listener);
      }
      return {
        async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<GatewayContext>) {
          // In order; the first stage that throws refuses the request, and the stages after it do not see it.
          for (const { stage, listener } of started) {
            if (!listener.didResolveOperation) continue;
            emit(stage, 'didResolveOperation', requestContext.contextValue);
            await listener.didResolveOperation(requestContext);
          }
        },
        async responseForOperation(requestContext: GraphQLRequestContextResponseForOperation<GatewayContext>): Promise<GraphQLResponse | null> {
          for (const { stage, listener } of started) {
            if (!listener.responseForOperation) continue;
            emit(stage, 'responseForOperation', requestContext.contextValue);
            const response = await listener.responseForOperation(requestContext);
            if (response !== null) return response;
          }
          return null;
        },
        async didEncounterErrors(requestContext: GraphQLRequestContextDidEncounterErrors<GatewayContext>) {
          for (const listener of watching) await listener.didEncounterErrors?.(requestContext);
        },
        async willSendResponse(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>) {
          // Every stage, in order, even when one fails (the audit event is written whatever happened before it); then
          // the observers, which see the response as the stages left it.
          let failure: { error: unknown } | undefined;
          for (const { stage, listener } of started) {
            if (!listener.willSendResponse) continue;
            emit(stage, 'willSendResponse', requestContext.contextValue);
            try {
              await listener.willSendResponse(requestContext);
            } catch (error) {
              failure ??= { error };
            }
          }
          for (const listener of watching) await listener.willSendResponse?.(requestContext);
          if (failure) throw failure.error;
        },
      };
    },
    async unexpectedErrorProcessingRequest(args) {
      for (const stage of withPlugins) await stage.plugin.unexpectedErrorProcessingRequest?.(args);
    },
  };

  const formatters = stages.flatMap((stage) => (stage.server?.formatError ? [stage.server.formatError] : []));
  return {
    stages,
    http: {
      authenticate: merged('http', 'authenticate')!,
      maxBodyBytes: merged('http', 'maxBodyBytes')!,
      completeBody: merged('http', 'completeBody') ?? ((_context, body) => body),
    },
    server: {
      plugins: [plugin, ...stages.flatMap((stage) => stage.apolloPlugins ?? [])],
      parseOptions: merged('server', 'parseOptions'),
      persistedQueries: merged('server', 'persistedQueries'),
      formatError: (base) => formatters.reduceRight((inner, wrap) => wrap(inner), base),
    },
    gateway: { queryPlannerConfig: merged('gateway', 'queryPlannerConfig'), buildService: merged('gateway', 'buildService') },
    observe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
