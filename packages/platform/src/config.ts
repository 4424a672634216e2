import path from 'node:path';
import type { Env } from './env.ts';
import { parseObservabilityConfig, type ObservabilityConfig } from './observability-config.ts';

/** Configuration shared by every subgraph service, parsed once from the environment and frozen. */
export interface SubgraphConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Postgres connection string; when absent the subgraph uses embedded PGlite on disk. */
  readonly databaseUrl: string | undefined;
  /** Root folder for embedded data; each subgraph keeps its database in `<dataDir>/<name>/`. */
  readonly dataDir: string;
  readonly logLevel: string;
  /** Secret shared with the gateway to verify the principal it forwards; unset means a generated development secret. */
  readonly sharedSecret: string | undefined;
  /** /metrics token, OpenTelemetry export, shutdown grace period (METRICS_TOKEN, OTEL_*, SHUTDOWN_GRACE_MS). */
  readonly observability: ObservabilityConfig;
}

export type { Env } from './env.ts';

/** Thrown when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parsePort(value: string | undefined, fallback: number, variable: string, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${variable} must be a port number from 0 to 65535, got "${value}"`);
    return fallback;
  }
  return port;
}

/** A setting that must be a whole number above 0; unset or empty gives `fallback`. */
export function parsePositiveInt(value: string | undefined, fallback: number, variable: string, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    problems.push(`${variable} must be a positive whole number, got "${value}"`);
    return fallback;
  }
  return number;
}

export function parseLogLevel(value: string | undefined, problems: string[]): string {
  const level = value && value !== '' ? value : 'info';
  if (!LOG_LEVELS.includes(level)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}

/** `SUBGRAPH_SHARED_SECRET`: at least 32 characters when set. */
export function parseSharedSecret(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) problems.push('SUBGRAPH_SHARED_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)');
  return value;
}

export function parseDatabaseUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
      problems.push(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//..."`);
    }
  } catch {
    problems.push('DATABASE_URL is not a valid URL');
  }
  return value;
}

/**
 * Reads the subgraph's settings. `PORT` overrides the group's default port; `DATABASE_URL` switches from the embedded
 * PGlite database to Postgres.
 */
export function loadSubgraphConfig(name: string, defaultPort: number, env: Env = process.env): SubgraphConfig {
  const problems: string[] = [];
  const config: SubgraphConfig = {
    name,
    host: env.HOST || '0.0.0.0',
    port: parsePort(env.PORT, defaultPort, 'PORT', problems),
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL, problems),
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    logLevel: parseLogLevel(env.LOG_LEVEL, problems),
    sharedSecret: parseSharedSecret(env.SUBGRAPH_SHARED_SECRET, problems),
    observability: parseObservabilityConfig(env, problems, name),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
