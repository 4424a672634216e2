import os from 'node:os';
import path from 'node:path';
import { ConfigError, type Env } from '@cmcc/platform';
import { parseAuditConfig, type AuditConfig } from '@cmcc/audit-trail';

/** Where the schema registry lives: Redis when `REDIS_URL` is set, otherwise files under `SCHEMA_REGISTRY_DIR`. */
export interface RegistryConfig {
  readonly kind: 'redis' | 'files';
  readonly redisUrl: string | undefined;
  /** Redis key prefix (`SCHEMA_REGISTRY_PREFIX`, default `cmcc:schema:`). */
  readonly prefix: string;
  /** Registry folder (`SCHEMA_REGISTRY_DIR`, default `<DATA_DIR>/registry`). */
  readonly dir: string;
}

/** Reads the registry's variables in the config modules' style: problems are collected, not thrown. REDIS_URL's form is checked with the audit settings. */
export function parseRegistryConfig(env: Env, dataDir: string, problems: string[]): RegistryConfig {
  const prefix = env.SCHEMA_REGISTRY_PREFIX || 'cmcc:schema:';
  if (/\s/.test(prefix)) problems.push(`SCHEMA_REGISTRY_PREFIX must not contain spaces, got "${prefix}"`);
  const redisUrl = env.REDIS_URL || undefined;
  return Object.freeze({ kind: redisUrl ? 'redis' : 'files', redisUrl, prefix, dir: path.resolve(env.SCHEMA_REGISTRY_DIR || path.join(dataDir, 'registry')) });
}

/** The settings of `npm run schema`. */
export interface SchemaCliConfig {
  readonly registry: RegistryConfig;
  /** Recorded on each version unless `--author` says otherwise (`SCHEMA_AUTHOR`, default the OS user name). */
  readonly author: string;
  /** The audit trail, read for the operations seen in traffic. */
  readonly audit: AuditConfig;
}

export function loadSchemaCliConfig(env: Env = process.env): SchemaCliConfig {
  const problems: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const config = {
    registry: parseRegistryConfig(env, dataDir, problems),
    author: env.SCHEMA_AUTHOR || safeUserName(),
    audit: parseAuditConfig(env, dataDir, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
