import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import { openDatabase, type Database } from './db.ts';
import { migrate, migrationSets } from './migrate.ts';
import { createGraphQLHandler, HttpError, listen, logErrors, maskInternalErrors, requestIdOf, observeRequests, RequestDrain, MAX_TOKENS } from '@cmcc/platform';
import {
  createMetrics,
  savedOperationNames,
  type ServiceMetrics,
  startTracing,
  type Tracing,
  createLogger,
  loadSubgraphConfig,
  type Logger,
  type SubgraphConfig,
  type SeedMode,
} from '@cmcc/platform';
import { databaseUnavailable, isDatabaseUnavailable, isStatementTimeout, statementTimedOut } from './unavailable.ts';
import {
  loadOrCreateSharedSecret,
  PRINCIPAL_HEADER,
  PrincipalTokenError,
  PrincipalVerifier,
  DateScalar,
  DateTimeScalar,
  withSharedVocabulary,
  ApolloServerPluginRecordMarkings,
  EVENT_STREAM_PATH,
} from '@cmcc/contracts';
import type { ChangeEvent, Principal, UsedTokenRegistry } from '@cmcc/contracts';
import { RedisUsedTokens } from './used-tokens.ts';
import { ApolloServerPluginSubscriptionsUncached, changeEventOf } from './subscriptions.ts';
import { startChangeTailer, type ChangeTailer } from './change-feed.ts';
import { createEventStream } from './event-stream.ts';
import { startEventRelay, type EventRelay } from './event-relay.ts';
import type { ImportKind } from './import.ts';

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<TLoaders> {
  readonly requestId: string;
  readonly principal: Principal;
  /** Per-request DataLoaders: created fresh for each request, so nothing cached leaks between principals. */
  readonly loaders: TLoaders;
  readonly logger: Logger;
  /** The subgraph's database, for mutations (which run in a transaction); reads go through `loaders`. */
  readonly db: Database;
  /** The change event a subscription fetch from the gateway answers (subscriptions.ts); null on any other request. */
  readonly event: ChangeEvent | null;
}

export type Resolvers<TLoaders> = GraphQLResolverMap<SubgraphContext<TLoaders>>;

/** Everything that makes one working group's subgraph; each group's `src/server.ts` exports one. */
export interface SubgraphDefinition<TLoaders> {
  /** Service name as composed into the supergraph, e.g. `civil-administration`. */
  readonly name: string;
  readonly defaultPort: number;
  /** Folder of the subgraph package (holds `schema.graphql` and `src/data/migrations/`). */
  readonly root: string;
  readonly resolvers: Resolvers<TLoaders>;
  createLoaders(db: Database, principal: Principal): TLoaders;
  /** Writes the seed data; must be idempotent (a second run changes nothing). */
  seed(db: Database): Promise<void>;
  /** The agency files this group imports with `npm run import -- <group> <kind> <file>`. */
  readonly importers?: readonly ImportKind[];
  /** Adds the subgraph's own metrics to its `/metrics` (e.g. gauges with `metrics.registerGauge`), once when it is built. */
  registerMetrics?(metrics: ServiceMetrics): void;
}

/** The Postgres schema of a subgraph: its name with `-` as `_`. */
export function schemaNameOf(name: string): string {
  return name.replace(/-/g, '_');
}

/** The subgraph's `schema.graphql` with the shared vocabulary added: the schema the subgraph serves. */
export function readTypeDefs(root: string, name = path.basename(root)): DocumentNode {
  return withSharedVocabulary(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'), name);
}

const KIT_MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface PrepareOptions {
  /** `synthetic` writes the seed (once per database); `none` leaves the tables empty. Default: as `SEED`'s default (`synthetic` on PGlite, `none` on Postgres). */
  seed?: SeedMode;
}

/**
 * Creates the tables (the kit's migrations, then the subgraph's own) and, when asked, the seed data. Replicas starting
 * at once take turns (one lock per schema around both): the first migrates and seeds, the others then find nothing to do.
 */
export async function prepareDatabase(definition: SubgraphDefinition<unknown>, db: Database, options: PrepareOptions = {}): Promise<string[]> {
  const seed = options.seed ?? (db.kind === 'pglite' ? 'synthetic' : 'none');
  return db.exclusively(`prepare:${db.schema}`, async () => {
    const applied = await migrate(db, migrationSets(KIT_MIGRATIONS, path.join(definition.root, 'src', 'data', 'migrations')));
    if (seed === 'synthetic') await definition.seed(db);
    return applied;
  });
}

export interface BuiltSubgraph {
  readonly apollo: ApolloServer<SubgraphContext<unknown>>;
  readonly handler: http.RequestListener;
  readonly metrics: ServiceMetrics;
  /** The change events served at `GET /events`. */
  readonly events: {
    /** The tailer of `record_change` behind the stream (started on first use). */
    tailer(): Promise<ChangeTailer>;
    /** Ends open event streams and stops the tailer. */
    stop(): void;
  };
}

/** How the subgraph publishes change events (from its config's `events`). */
export interface SubgraphEventOptions {
  retentionHours?: number;
  pollMs?: number;
}

/** Metrics and tracing of a subgraph (from its config's `observability`). */
export interface SubgraphObservability {
  metricsToken?: string;
  tracing?: Tracing | null;
}

/** How the subgraph checks the gateway's principal header. */
export interface SubgraphSecurity {
  /** Where used principal tokens are recorded: this process's memory unless given (Redis with `REDIS_URL`). */
  usedTokens?: UsedTokenRegistry;
}

/** Builds the subgraph's Apollo Server and HTTP handler without listening (tests use it in-process). */
export async function buildSubgraph<TLoaders>(
  definition: SubgraphDefinition<TLoaders>,
  db: Database,
  logger: Logger,
  sharedSecret: Uint8Array,
  observability: SubgraphObservability = {},
  security: SubgraphSecurity = {},
  eventOptions: SubgraphEventOptions = {},
): Promise<BuiltSubgraph> {
  const metrics = createMetrics({ service: definition.name, knownOperations: savedOperationNames(), token: observability.metricsToken });
  definition.registerMetrics?.(metrics);
  const verifier = new PrincipalVerifier(sharedSecret, definition.name, security.usedTokens);
  const schema = buildSubgraphSchema({
    typeDefs: readTypeDefs(definition.root, definition.name),
    resolvers: { DateTime: DateTimeScalar, Date: DateScalar, ...definition.resolvers } as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
    schema,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    // runSubgraph handles SIGINT/SIGTERM itself: stop taking requests, finish them, close the database, exit.
    stopOnTerminationSignals: false,
    formatError: maskInternalErrors((error) => {
      if (isStatementTimeout(error)) return statementTimedOut(definition.name);
      return isDatabaseUnavailable(error) ? databaseUnavailable(definition.name) : undefined;
    }),
    // Inline traces serve Apollo's hosted usage reporting, which a closed coalition network does not use.
    // The markings of the records each operation returned, for the gateway's audit event (record-markings.ts).
    plugins: [ApolloServerPluginInlineTraceDisabled(), logErrors(logger), metrics.plugin, ApolloServerPluginRecordMarkings(), ApolloServerPluginSubscriptionsUncached()],
  });
  await apollo.start();
  let tailer: Promise<ChangeTailer> | null = null;
  const startTailer = () => (tailer ??= startChangeTailer({ db, subgraph: definition.name, logger, pollMs: eventOptions.pollMs ?? 1000 }));
  const eventStream = createEventStream({ db, subgraph: definition.name, verifier, tailer: startTailer, retentionHours: eventOptions.retentionHours ?? 24, logger });
  const graphqlHandler = createGraphQLHandler<SubgraphContext<TLoaders>, { principal: Principal; event: ChangeEvent | null }>({
    apollo,
    logger,
    async authenticate(request) {
      const header = request.headers[PRINCIPAL_HEADER];
      try {
        const principal = await verifier.verify(typeof header === 'string' ? header : undefined);
        return { principal, event: changeEventOf(request) };
      } catch (error) {
        if (!(error instanceof PrincipalTokenError)) throw error;
        logger.warn({ requestId: requestIdOf(request), reason: error.message, remote: request.socket.remoteAddress }, 'refused a request not signed by the gateway');
        throw new HttpError(401, 'UNAUTHENTICATED', error.message);
      }
    },
    context: async (_request, requestId, { principal, event }) => ({
      requestId,
      principal,
      event,
      db,
      loaders: definition.createLoaders(db, principal),
      logger: logger.child({ requestId, subject: principal.subject }),
    }),
    routes: {
      '/health': async () => ({ status: 200, body: { status: 'ok', service: definition.name } }),
      '/ready': async () => {
        try {
          await db.query('SELECT 1');
          return { status: 200, body: { status: 'ready', service: definition.name, database: db.kind } };
        } catch {
          return { status: 503, body: { status: 'unavailable', service: definition.name, database: db.kind } };
        }
      },
    },
    rawRoutes: { '/metrics': metrics.route, [EVENT_STREAM_PATH]: eventStream.route },
  });
  const handler = observeRequests(graphqlHandler, { logger, metrics, tracing: observability.tracing, routes: ['/graphql', '/health', '/ready', '/metrics', EVENT_STREAM_PATH] });
  const events = {
    tailer: startTailer,
    stop() {
      eventStream.closeAll();
      void tailer?.then((started) => started.stop());
    },
  };
  return { apollo: apollo as ApolloServer<SubgraphContext<unknown>>, handler, metrics, events };
}

export interface RunningSubgraph {
  readonly url: string;
  readonly db: Database;
  /** Stops taking requests, lets those in flight finish (at most SHUTDOWN_GRACE_MS), closes the database. */
  stop(): Promise<void>;
}

/** Opens the database, migrates, seeds (as `SEED` says) and listens; the entry point of each subgraph's `src/index.ts`. */
export async function startSubgraph<TLoaders>(
  definition: SubgraphDefinition<TLoaders>,
  config: SubgraphConfig = loadSubgraphConfig(definition.name, definition.defaultPort),
  logger: Logger = createLogger(definition.name, config.logLevel),
): Promise<RunningSubgraph> {
  const db = await openDatabase({
    schema: schemaNameOf(definition.name),
    databaseUrl: config.databaseUrl,
    dataDir: path.join(config.dataDir, definition.name),
    postgres: config.postgres,
  });
  const applied = await prepareDatabase(definition as SubgraphDefinition<unknown>, db, { seed: config.seed });
  logger.info({ database: db.kind, schema: db.schema, migrationsApplied: applied, seed: config.seed }, 'database ready');
  const tracing = startTracing(config.observability.tracing);
  // With Redis, a principal header one replica accepted is refused by every other; without, by this process only.
  const usedTokens = config.redisUrl ? new RedisUsedTokens(config.redisUrl) : undefined;
  const { apollo, handler, events } = await buildSubgraph(
    definition,
    db,
    logger,
    loadOrCreateSharedSecret(config.sharedSecret, config.dataDir),
    { metricsToken: config.observability.metricsToken, tracing },
    { usedTokens },
    { retentionHours: config.events.retentionHours, pollMs: config.events.pollMs },
  );
  const relay: EventRelay | null = config.events.redisUrl
    ? await startEventRelay({ db, subgraph: definition.name, redisUrl: config.events.redisUrl, logger, pollMs: config.events.pollMs, maxLength: config.events.streamMaxLength })
    : null;
  const drain = new RequestDrain();
  const { server, url } = await listen(drain.wrap(handler), config.port, config.host);
  logger.info({ url: `${url}/graphql` }, 'subgraph listening');
  return {
    url,
    db,
    async stop() {
      // Open event streams would hold the drain for its whole grace period; gateways reconnect with their last id.
      events.stop();
      await relay?.stop();
      const inFlight = drain.requestsInFlight;
      const finished = await drain.drain(server, config.observability.shutdownGraceMs);
      logger.info(
        { inFlight, finished, graceMs: config.observability.shutdownGraceMs },
        finished ? 'drained: every request in flight finished' : 'grace period over: remaining requests cut off',
      );
      await apollo.stop();
      await tracing?.shutdown().catch(() => undefined);
      await usedTokens?.close();
      await db.close();
    },
  };
}

/** Starts the subgraph and stops it cleanly on SIGINT/SIGTERM. */
export async function runSubgraph<TLoaders>(definition: SubgraphDefinition<TLoaders>): Promise<void> {
  const config = loadSubgraphConfig(definition.name, definition.defaultPort);
  const logger = createLogger(definition.name, config.logLevel);
  const running = await startSubgraph(definition, config, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: refusing new requests, finishing those in flight');
    setTimeout(() => process.exit(1), config.observability.shutdownGraceMs + 15_000).unref();
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
