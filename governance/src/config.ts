import os from 'node:os';
import path from 'node:path';
import { slotPrefix, ConfigError, defineEnv, readEnv, SERVICE_ENV, text, type Env, readRedisUrl } from '@cmcc/platform';
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

/** The schema registry's variables (and `npm run schema`'s). */
export const SCHEMA_ENV = defineEnv({
  SCHEMA_REGISTRY_DIR: {
    description: 'folder of the file registry (used when `REDIS_URL` is unset)',
    components: ['gateway', '`npm run schema`'],
    defaultText: '`<DATA_DIR>/registry`',
    ...text(),
  },
  SCHEMA_REGISTRY_PREFIX: {
    description: 'Redis key prefix of the registry (used when `REDIS_URL` is set)',
    components: ['gateway', '`npm run schema`'],
    default: 'cmcc:schema:',
    ...text({ noSpaces: true }),
  },
  SCHEMA_AUTHOR: {
    description: 'author recorded on published versions (`--author` overrides)',
    components: ['`npm run schema`'],
    defaultText: 'the OS user name',
    ...text(),
  },
});

/** Reads the registry's variables in the config modules' style: problems are collected, not thrown. */
export function parseRegistryConfig(env: Env, dataDir: string, problems: string[]): RegistryConfig {
  const redisUrl = readRedisUrl(env, problems);
  const values = readEnv(env, SCHEMA_ENV, problems);
  return Object.freeze({
    kind: redisUrl ? 'redis' : 'files',
    redisUrl,
    // On a Redis Cluster the prefix carries a hash tag: publishing is one script over the head, a version and the list.
    prefix: slotPrefix(values.SCHEMA_REGISTRY_PREFIX, redisUrl),
    dir: path.resolve(values.SCHEMA_REGISTRY_DIR || path.join(dataDir, 'registry')),
  });
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
  const dataDir = path.resolve(readEnv(env, { DATA_DIR: SERVICE_ENV.DATA_DIR }, problems).DATA_DIR);
  const config = {
    registry: parseRegistryConfig(env, dataDir, problems),
    author: readEnv(env, SCHEMA_ENV, problems).SCHEMA_AUTHOR || safeUserName(),
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
