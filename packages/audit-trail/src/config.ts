import path from 'node:path';
import { boolean, ConfigError, wholeNumber, defineEnv, list, oneOf, positiveInt, readEnv, SERVICE_ENV, text, type Env, readRedisUrl } from '@cmcc/platform';

/**
 * Keys whose values never reach the audit trail, matched case-insensitively anywhere in a variable's, argument's or
 * input field's name (nested too): credentials, and the sensitive details docs/domain.md names (exact coordinates, drivers,
 * incident notes). `AUDIT_REDACT` adds patterns; it cannot remove these.
 */
export const DEFAULT_REDACT_PATTERNS: readonly string[] = Object.freeze(['token', 'password', 'secret', 'key', 'credential', 'latitude', 'longitude', 'driver', 'notes']);

/** The audit trail's settings (part of the gateway's configuration). */
export interface AuditConfig {
  /** `file`: JSONL under `dir`; `redis`: a Redis stream (chosen when `REDIS_URL` is set, unless `AUDIT_SINK` says otherwise). */
  readonly sink: 'file' | 'redis';
  /** Folder of the JSONL trail (`audit.jsonl`) and its signed head (`audit.head.json`). */
  readonly dir: string;
  readonly redisUrl: string | undefined;
  /** Redis stream key; the signed head lives at `<stream>:head`. One stream per gateway instance. */
  readonly redisStream: string;
  /**
   * A Redis set naming every gateway replica's stream: each gateway adds its own stream to it, and readers (the audit
   * subgraph, `npm run audit:verify`) read every stream in it as one trail. Unset: only `redisStream` is read.
   */
  readonly redisStreamSet: string | undefined;
  /**
   * Replicas that must hold a batch before it counts as written (Redis WAIT): with a Sentinel-watched primary, 1 keeps
   * every acknowledged event through a failover. 0: the primary's answer is enough.
   */
  readonly redisWaitReplicas: number;
  /** HMAC-SHA256 key for checkpoints; unset means an Ed25519 key generated at `keyFile`. */
  readonly signingKey: string | undefined;
  readonly keyFile: string;
  /** A signed checkpoint after this many events... */
  readonly checkpointEvery: number;
  /** ...or this many seconds after the first event not yet covered by one. */
  readonly checkpointSeconds: number;
  /** Events held in memory while the sink writes; when full, operations are refused (or served unaudited if failOpen). */
  readonly bufferSize: number;
  /** Largest batch written to the sink at once. */
  readonly batchSize: number;
  readonly failOpen: boolean;
  /**
   * How long a mutation's answer waits for its audit event to be in the sink (ms; 0: not at all). A gateway killed
   * after acknowledging a write then cannot take the write's event with it: the client, unanswered, retries.
   */
  readonly writeWaitMs: number;
  /** Case-insensitive regular expressions of sensitive key names (defaults plus `AUDIT_REDACT`). */
  readonly redact: readonly string[];
}

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

const AUDIT_COMPONENTS = ['gateway', 'audit subgraph', '`npm run audit:verify`', '`npm run audit:export`', '`npm run schema`'];

/** The audit trail's variables. */
export const AUDIT_ENV = defineEnv({
  AUDIT_SINK: {
    description: '`auto` (Redis when `REDIS_URL` is set, else file), `file` or `redis`',
    components: AUDIT_COMPONENTS,
    default: 'auto',
    ...oneOf(['auto', 'file', 'redis']),
  },
  AUDIT_DIR: {
    description: 'folder of the JSONL trail (`audit.jsonl`) and its signed head (`audit.head.json`)',
    components: AUDIT_COMPONENTS,
    defaultText: '`<DATA_DIR>/audit`',
    ...text(),
  },
  AUDIT_REDIS_STREAM: {
    description: 'stream key (head at `<key>:head`); one per gateway instance',
    components: AUDIT_COMPONENTS,
    default: 'cmcc:audit',
    ...text({ noSpaces: true }),
  },
  AUDIT_REDIS_STREAM_SET: {
    description:
      "Redis set of every replica's stream: each gateway adds its `AUDIT_REDIS_STREAM`, and the audit subgraph and `audit:verify` read all of them as one trail; unset: the one stream only",
    components: AUDIT_COMPONENTS,
    ...text({ noSpaces: true }),
  },
  AUDIT_REDIS_WAIT_REPLICAS: {
    description:
      'replicas that must have each batch of the Redis trail before it counts as written (WAIT); set 1 with Sentinel so a failover loses no event (the buffer holds events, then operations are refused, while no replica answers); 0: the primary alone',
    components: ['gateway'],
    default: '0',
    ...wholeNumber({ max: 16 }),
  },
  AUDIT_SIGNING_KEY: {
    description: 'HMAC-SHA256 key (32+ characters) for checkpoints; unset: an Ed25519 key generated in `AUDIT_SIGNING_KEY_FILE`',
    components: AUDIT_COMPONENTS,
    secret: true,
    ...text({ minLength: 32, rule: 'must be at least 32 characters (e.g. openssl rand -base64 32)' }),
  },
  AUDIT_SIGNING_KEY_FILE: {
    description: 'the Ed25519 audit key (created on first start)',
    components: AUDIT_COMPONENTS,
    defaultText: '`<DATA_DIR>/auth/audit-signing-key.json`',
    ...text(),
  },
  AUDIT_CHECKPOINT_EVERY: { description: 'a signed checkpoint after this many events...', components: ['gateway'], default: '1000', ...positiveInt() },
  AUDIT_CHECKPOINT_SECONDS: { description: '...or this many seconds after the first event not yet covered by one', components: ['gateway'], default: '60', ...positiveInt(86_400) },
  AUDIT_BUFFER_SIZE: { description: 'events held in memory at most while the sink writes', components: ['gateway'], default: '10000', ...positiveInt(1_000_000) },
  AUDIT_BATCH_SIZE: { description: 'events written to the sink per batch (at most `AUDIT_BUFFER_SIZE`)', components: ['gateway'], default: '500', ...positiveInt(100_000) },
  AUDIT_FAIL_OPEN: {
    description: '`true`: when the buffer is full, serve operations unaudited (each dropped event logged as an error) instead of refusing them',
    components: ['gateway'],
    default: 'false',
    ...boolean(),
  },
  AUDIT_WRITE_WAIT_MS: {
    description:
      "how long a mutation's answer waits for its audit event to be written to the sink (so a gateway killed after answering cannot lose a write's event; answered anyway after this, the event still buffered); 0: answer at once",
    components: ['gateway'],
    default: '10000',
    ...wholeNumber({ max: 120_000 }),
  },
  AUDIT_REDACT: {
    description: 'extra comma-separated key patterns (case-insensitive regular expressions) whose values are redacted, added to the defaults',
    components: ['gateway'],
    ...list(validPattern, 'must be a comma-separated list of key patterns (regular expressions)'),
  },
});

/** Reads the AUDIT_* variables (and REDIS_URL) in the gateway config's style: problems are collected, not thrown. */
export function parseAuditConfig(env: Env, dataDir: string, problems: string[]): AuditConfig {
  const redisUrl = readRedisUrl(env, problems);
  const values = readEnv(env, AUDIT_ENV, problems);
  const requested = values.AUDIT_SINK;
  if (requested === 'redis' && !redisUrl) problems.push('AUDIT_SINK=redis needs REDIS_URL');
  const sink = requested === 'file' ? 'file' : requested === 'redis' || (requested === 'auto' && redisUrl) ? 'redis' : 'file';
  return Object.freeze({
    sink,
    dir: path.resolve(values.AUDIT_DIR || path.join(dataDir, 'audit')),
    redisUrl,
    redisStream: values.AUDIT_REDIS_STREAM,
    redisStreamSet: values.AUDIT_REDIS_STREAM_SET,
    redisWaitReplicas: values.AUDIT_REDIS_WAIT_REPLICAS,
    signingKey: values.AUDIT_SIGNING_KEY,
    keyFile: path.resolve(values.AUDIT_SIGNING_KEY_FILE || path.join(dataDir, 'auth', 'audit-signing-key.json')),
    checkpointEvery: values.AUDIT_CHECKPOINT_EVERY,
    checkpointSeconds: values.AUDIT_CHECKPOINT_SECONDS,
    bufferSize: values.AUDIT_BUFFER_SIZE,
    batchSize: Math.min(values.AUDIT_BATCH_SIZE, values.AUDIT_BUFFER_SIZE),
    failOpen: values.AUDIT_FAIL_OPEN,
    writeWaitMs: values.AUDIT_WRITE_WAIT_MS,
    redact: Object.freeze([...DEFAULT_REDACT_PATTERNS, ...(values.AUDIT_REDACT ?? [])]),
  });
}

/** The audit settings alone, for `npm run audit:verify` and the audit read API. */
export function loadAuditConfig(env: Env = process.env): AuditConfig {
  const problems: string[] = [];
  const config = parseAuditConfig(env, path.resolve(readEnv(env, { DATA_DIR: SERVICE_ENV.DATA_DIR }, problems).DATA_DIR), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
