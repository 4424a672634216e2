import path from 'node:path';
import { ConfigError, type Env } from '@cmcc/platform';

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
  /** Case-insensitive regular expressions of sensitive key names (defaults plus `AUDIT_REDACT`). */
  readonly redact: readonly string[];
}

function positiveInt(env: Env, variable: string, fallback: number, problems: string[], max = Number.MAX_SAFE_INTEGER): number {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0 || number > max) {
    problems.push(`${variable} must be a positive whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${value}"`);
    return fallback;
  }
  return number;
}

/** Reads the AUDIT_* variables (and REDIS_URL) in the gateway config's style: problems are collected, not thrown. */
export function parseAuditConfig(env: Env, dataDir: string, problems: string[]): AuditConfig {
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl) {
    try {
      const url = new URL(redisUrl);
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') problems.push(`REDIS_URL must start with redis:// or rediss://, got "${url.protocol}//..."`);
    } catch {
      problems.push(`REDIS_URL must be a URL such as redis://redis:6379, got "${redisUrl}"`);
    }
  }
  const requested = env.AUDIT_SINK || 'auto';
  if (!['auto', 'file', 'redis'].includes(requested)) problems.push(`AUDIT_SINK must be auto, file or redis, got "${requested}"`);
  if (requested === 'redis' && !redisUrl) problems.push('AUDIT_SINK=redis needs REDIS_URL');
  const sink = requested === 'file' ? 'file' : requested === 'redis' || (requested === 'auto' && redisUrl) ? 'redis' : 'file';

  const signingKey = env.AUDIT_SIGNING_KEY || undefined;
  if (signingKey !== undefined && signingKey.length < 32) problems.push('AUDIT_SIGNING_KEY must be at least 32 characters (e.g. openssl rand -base64 32)');

  const failOpenValue = (env.AUDIT_FAIL_OPEN || 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(failOpenValue)) problems.push(`AUDIT_FAIL_OPEN must be true or false, got "${env.AUDIT_FAIL_OPEN}"`);

  const extra = (env.AUDIT_REDACT || '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter(Boolean);
  for (const pattern of extra) {
    try {
      new RegExp(pattern, 'i');
    } catch {
      problems.push(`AUDIT_REDACT must be a comma-separated list of key patterns (regular expressions); "${pattern}" is not one`);
    }
  }

  const stream = env.AUDIT_REDIS_STREAM || 'cmcc:audit';
  if (/\s/.test(stream)) problems.push(`AUDIT_REDIS_STREAM must not contain spaces, got "${stream}"`);

  const bufferSize = positiveInt(env, 'AUDIT_BUFFER_SIZE', 10_000, problems, 1_000_000);
  return Object.freeze({
    sink,
    dir: path.resolve(env.AUDIT_DIR || path.join(dataDir, 'audit')),
    redisUrl,
    redisStream: stream,
    signingKey,
    keyFile: path.resolve(env.AUDIT_SIGNING_KEY_FILE || path.join(dataDir, 'auth', 'audit-signing-key.json')),
    checkpointEvery: positiveInt(env, 'AUDIT_CHECKPOINT_EVERY', 1000, problems),
    checkpointSeconds: positiveInt(env, 'AUDIT_CHECKPOINT_SECONDS', 60, problems, 86_400),
    bufferSize,
    batchSize: Math.min(positiveInt(env, 'AUDIT_BATCH_SIZE', 500, problems, 100_000), bufferSize),
    failOpen: failOpenValue === 'true' || failOpenValue === '1',
    redact: Object.freeze([...DEFAULT_REDACT_PATTERNS, ...extra]),
  });
}

/** The audit settings alone, for `npm run audit:verify` and the audit read API. */
export function loadAuditConfig(env: Env = process.env): AuditConfig {
  const problems: string[] = [];
  const config = parseAuditConfig(env, path.resolve(env.DATA_DIR || 'data'), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
