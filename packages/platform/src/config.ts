import { z } from 'zod';
import path from 'node:path';
import { ConfigError, defineEnv, oneOf, port, positiveInt, readEnv, text, url, type Env } from './env.ts';
import { isRedisUrl, parseRedisNodes, parseRedisUrl } from './redis.ts';
import { parseObservabilityConfig, type ObservabilityConfig } from './observability-config.ts';
import { DATABASE_PASSWORD_ENV, withDatabasePassword } from './database-password.ts';
import { DATABASE_ENV, parseDatabaseConfig, type PostgresSettings, type SeedMode } from './database-config.ts';

/** Configuration shared by every subgraph service, parsed once from the environment and frozen. */
export interface SubgraphConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Postgres connection string; when absent the subgraph uses embedded PGlite on disk. */
  readonly databaseUrl: string | undefined;
  /** Pool size, statement timeout and TLS of the Postgres connection (DATABASE_POOL_MAX, _STATEMENT_TIMEOUT_MS, _SSL, _SSL_CA). */
  readonly postgres: PostgresSettings;
  /** Whether the synthetic seed runs on start (SEED; by default on the embedded database only). */
  readonly seed: SeedMode;
  /** Redis shared by the subgraph's replicas (REDIS_URL): the principal tokens already used are recorded there. */
  readonly redisUrl: string | undefined;
  /** Root folder for embedded data; each subgraph keeps its database in `<dataDir>/<name>/`. */
  readonly dataDir: string;
  readonly logLevel: string;
  /** Secret shared with the gateway to verify the principal it forwards; unset means a generated development secret. */
  readonly sharedSecret: string | undefined;
  /** /metrics token, OpenTelemetry export, shutdown grace period (METRICS_TOKEN, OTEL_*, SHUTDOWN_GRACE_MS). */
  readonly observability: ObservabilityConfig;
  /** How the subgraph publishes its change events (docs/live-data.md). */
  readonly events: ChangeEventsConfig;
}

/** Publishing change events: served at `GET /events`, and relayed to a Redis stream when REDIS_URL is set. */
export interface ChangeEventsConfig {
  /** How far back a gateway may resume (`EVENTS_RETENTION_HOURS`); the history itself is kept regardless. */
  readonly retentionHours: number;
  /** How often the history is read for writes made by another process, e.g. `npm run import` (`EVENTS_POLL_MS`). */
  readonly pollMs: number;
  /** When set, events are also relayed to the Redis stream `cmcc:{events:<subgraph>}`. */
  readonly redisUrl: string | undefined;
  /** About how many events the Redis stream keeps (`EVENTS_STREAM_MAX_LENGTH`). */
  readonly streamMaxLength: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The variables every service (gateway and subgraphs) reads. */
export const SERVICE_ENV = defineEnv({
  HOST: { description: 'interface to listen on', components: ['all'], default: '0.0.0.0', ...text() },
  LOG_LEVEL: { description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`', components: ['all'], default: 'info', ...oneOf(LOG_LEVELS) },
  DATA_DIR: {
    description: 'folder of embedded databases (`<DATA_DIR>/<group>/`), development keys (`<DATA_DIR>/auth/`), the file audit trail and registry',
    components: ['all'],
    default: 'data',
    ...text(),
  },
  SUBGRAPH_SHARED_SECRET: {
    description: 'secret that signs the principal the gateway forwards to subgraphs (32+ characters)',
    components: ['gateway', 'subgraphs'],
    defaultText: 'generated in `<DATA_DIR>/auth/`',
    secret: true,
    ...text({ minLength: 32, rule: 'must be at least 32 characters (e.g. openssl rand -base64 32)' }),
  },
});

/** The variables only subgraphs read. */
export const SUBGRAPH_ENV = defineEnv({
  PORT: { description: 'HTTP port of the subgraph', components: ['subgraphs'], defaultText: '4001-4007 (see the table of subgraphs)', ...port() },
  DATABASE_URL: {
    description: '`postgres://...`: use Postgres (schema named after the subgraph); unset: embedded PGlite',
    components: ['subgraphs'],
    secret: true,
    ...url('postgres://user:password@postgres:5432/cmcc', ['postgres', 'postgresql']),
  },
  ...DATABASE_ENV,
  EVENTS_RETENTION_HOURS: {
    description: 'how far back a gateway may resume change events (older resumes get `RESUME_WINDOW_EXCEEDED`); the change history itself is kept',
    components: ['subgraphs'],
    default: '24',
    ...positiveInt(24 * 365),
  },
  EVENTS_POLL_MS: {
    description: 'how often a subgraph reads its change history for writes another process made (`npm run import`); its own writes publish at once',
    components: ['subgraphs'],
    default: '1000',
    ...positiveInt(60_000),
  },
  EVENTS_STREAM_MAX_LENGTH: {
    description: "with `REDIS_URL`: about how many change events each subgraph's Redis stream keeps (trimmed with `MAXLEN ~`)",
    components: ['subgraphs'],
    default: '100000',
    ...positiveInt(100_000_000),
  },
});

/** `REDIS_URL`, read by every part that can keep its state in Redis. */
export const REDIS_ENV = defineEnv({
  REDIS_URL: {
    description:
      '`redis://...`: the audit trail goes to a Redis stream instead of the JSONL file, the schema registry lives in Redis, and so do the response cache and persisted queries; subgraphs record there the principal headers they accepted, so a replica refuses one another replica accepted, and relay their change events to Redis streams, which gateways read',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    secret: true,
    schema: z.string().refine(isRedisUrl),
    rule: 'must be a Redis URL: redis://[user:password@]host:6379 (rediss:// for TLS), redis+sentinel://[user:password@]host:26379,host:26379/<primary name>, or redis+cluster://[user:password@]host:6379,host:6379',
  },
  REDIS_SENTINELS: {
    description:
      'Redis Sentinels as `host:port,host:port` (with `REDIS_SENTINEL_NAME`): the services follow the primary through a failover; user, password and TLS (`rediss`) come from `REDIS_URL` when it is also set, its host is then not used',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    schema: z.string().refine(validNodes),
    rule: 'must be host:port entries separated by commas, e.g. sentinel-1:26379,sentinel-2:26379',
  },
  REDIS_SENTINEL_NAME: {
    description: 'the name of the primary the Sentinels of `REDIS_SENTINELS` watch',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    ...text({ noSpaces: true }),
  },
  REDIS_SENTINEL_USERNAME: {
    description: 'the ACL user the Sentinels of `REDIS_SENTINELS` ask for (with `REDIS_SENTINEL_PASSWORD`); unset: the default user',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    ...text({ noSpaces: true }),
  },
  REDIS_SENTINEL_PASSWORD: {
    description: 'the password of the Sentinels themselves (`requirepass` in sentinel.conf), when they ask for one; the data nodes’ password is `REDIS_URL`’s',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    secret: true,
    ...text({}),
  },
  REDIS_CLUSTER_NODES: {
    description:
      'Redis Cluster nodes to discover the cluster from, `host:port,host:port`; keys that go together share a hash tag; user, password and TLS come from `REDIS_URL` when it is also set, its host is then not used',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    schema: z.string().refine(validNodes),
    rule: 'must be host:port entries separated by commas, e.g. redis-0:6379,redis-1:6379',
  },
});

function validNodes(list: string): boolean {
  try {
    return parseRedisNodes(list).length > 0;
  } catch {
    return false;
  }
}

/**
 * The Redis every part of a service uses, as one setting: `REDIS_URL`, or the Sentinels of `REDIS_SENTINELS` (and
 * `REDIS_SENTINEL_NAME`) or the nodes of `REDIS_CLUSTER_NODES`, with `REDIS_URL`'s user, password and TLS. Undefined
 * when none is set (the embedded defaults). Problems are collected, not thrown.
 */
export function readRedisUrl(env: Env, problems: string[]): string | undefined {
  const values = readEnv(env, REDIS_ENV, problems);
  const sentinels = values.REDIS_SENTINELS;
  const cluster = values.REDIS_CLUSTER_NODES;
  if (sentinels && cluster) problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES name two different Redis deployments: set one of them');
  if (sentinels && !values.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name of the primary they watch');
  if (!sentinels && values.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS');
  if (!sentinels && (values.REDIS_SENTINEL_PASSWORD || values.REDIS_SENTINEL_USERNAME)) {
    problems.push('REDIS_SENTINEL_USERNAME / REDIS_SENTINEL_PASSWORD are set without REDIS_SENTINELS (in a redis+sentinel:// REDIS_URL, write ?sentinelPassword=...)');
  }
  if (!sentinels && !cluster) return values.REDIS_URL;
  const base = values.REDIS_URL ? parseRedisUrl(values.REDIS_URL) : undefined;
  if (base && base.topology !== 'standalone') problems.push('REDIS_URL names a Sentinel or Cluster deployment itself: leave out REDIS_SENTINELS and REDIS_CLUSTER_NODES');
  const credentials = base?.username || base?.password ? `${encodeURIComponent(base.username ?? '')}${base.password ? `:${encodeURIComponent(base.password)}` : ''}@` : '';
  const scheme = base?.tls ? 'rediss' : 'redis';
  const sentinelAuth = new URLSearchParams();
  if (values.REDIS_SENTINEL_USERNAME) sentinelAuth.set('sentinelUsername', values.REDIS_SENTINEL_USERNAME);
  if (values.REDIS_SENTINEL_PASSWORD) sentinelAuth.set('sentinelPassword', values.REDIS_SENTINEL_PASSWORD);
  const query = sentinelAuth.toString() ? `?${sentinelAuth.toString()}` : '';
  return sentinels
    ? `${scheme}+sentinel://${credentials}${sentinels.replace(/\s/g, '')}/${encodeURIComponent(values.REDIS_SENTINEL_NAME ?? '')}${query}`
    : `${scheme}+cluster://${credentials}${cluster!.replace(/\s/g, '')}`;
}

/** The shared service settings: listen address, log level, data folder, shared secret. */
export function parseServiceEnv(env: Env, problems: string[]) {
  const values = readEnv(env, SERVICE_ENV, problems);
  return { host: values.HOST, logLevel: values.LOG_LEVEL as string, dataDir: path.resolve(values.DATA_DIR), sharedSecret: values.SUBGRAPH_SHARED_SECRET };
}

/**
 * Reads the subgraph's settings. `PORT` overrides the group's default port; `DATABASE_URL` switches from the embedded
 * PGlite database to Postgres, which the `DATABASE_*` settings tune; `SEED` says whether the synthetic data is written.
 */
export function loadSubgraphConfig(name: string, defaultPort: number, env: Env = process.env): SubgraphConfig {
  const problems: string[] = [];
  const service = parseServiceEnv(env, problems);
  const values = readEnv(env, SUBGRAPH_ENV, problems);
  const redisUrl = readRedisUrl(env, problems);
  const config: SubgraphConfig = {
    name,
    ...service,
    port: values.PORT ?? defaultPort,
    databaseUrl: withDatabasePassword(values.DATABASE_URL, readEnv(env, DATABASE_PASSWORD_ENV, problems).DATABASE_PASSWORD_FILE, problems),
    ...parseDatabaseConfig(env, values, problems),
    redisUrl,
    observability: parseObservabilityConfig(env, problems, name),
    events: { retentionHours: values.EVENTS_RETENTION_HOURS, pollMs: values.EVENTS_POLL_MS, redisUrl, streamMaxLength: values.EVENTS_STREAM_MAX_LENGTH },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
