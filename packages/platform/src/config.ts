import path from 'node:path';
import { ConfigError, defineEnv, oneOf, port, readEnv, text, url, type Env } from './env.ts';
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
});

/** `REDIS_URL`, read by every part that can keep its state in Redis. */
export const REDIS_ENV = defineEnv({
  REDIS_URL: {
    description:
      '`redis://...`: the audit trail goes to a Redis stream instead of the JSONL file, the schema registry lives in Redis, and so do the response cache and persisted queries; subgraphs record there the principal headers they accepted, so a replica refuses one another replica accepted',
    components: ['gateway', 'subgraphs', '`npm run audit:verify`', '`npm run schema`', '`npm run import`'],
    secret: true,
    ...url('redis://redis:6379', ['redis', 'rediss']),
  },
});

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
  const config: SubgraphConfig = {
    name,
    ...service,
    port: values.PORT ?? defaultPort,
    databaseUrl: withDatabasePassword(values.DATABASE_URL, readEnv(env, DATABASE_PASSWORD_ENV, problems).DATABASE_PASSWORD_FILE, problems),
    ...parseDatabaseConfig(env, values, problems),
    redisUrl: readEnv(env, REDIS_ENV, problems).REDIS_URL,
    observability: parseObservabilityConfig(env, problems, name),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
