// `npm run audit:verify [-- --dir <folder> | --redis <url> [--stream <key> | --set <key>]] [--json]`
// Checks the whole audit trail the gateway writes (the configured one by default: AUDIT_DIR / DATA_DIR, or the Redis
// stream when REDIS_URL is set) and names the first record that was changed, removed, reordered or truncated.
// Exit code: 0 intact, 1 broken, 2 bad usage or unreadable trail.
import { ConfigError, parseCli } from '@cmcc/platform';
import {
  loadAuditConfig,
  auditKeyFromConfig,
  hmacAuditKey,
  loadEd25519Key,
  type AuditKey,
  FileAuditStore,
  MergedRedisAuditStore,
  RedisAuditStore,
  type AuditStore,
  describeResult,
} from '@cmcc/audit-trail';

const { values } = parseCli({
  usage: `Usage: npm run audit:verify [-- options]
  --dir <folder>     a JSONL trail folder (audit.jsonl, audit.head.json); default: the gateway's AUDIT_DIR
  --redis <url>      a Redis trail instead (default: REDIS_URL when set)
  --stream <key>     one stream only (default: AUDIT_REDIS_STREAM or cmcc:audit)
  --set <key>        every replica's stream named in this set, each chain verified, and no event in two chains
                     (default: AUDIT_REDIS_STREAM_SET when set and no --stream is given)
  --key <file>       an Ed25519 audit key file (the public part is enough); default: AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE
  --json             print the full result as JSON
Exit code: 0 intact, 1 broken, 2 bad usage or unreadable trail.`,
  options: {
    dir: { type: 'string' },
    redis: { type: 'string' },
    stream: { type: 'string' },
    set: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean' },
  },
});

let store: AuditStore;
let key: AuditKey | null = null;
try {
  const config = loadAuditConfig();
  if (values.key) key = loadEd25519Key(values.key);
  else if (config.signingKey) key = hmacAuditKey(config.signingKey);
  else {
    try {
      key = auditKeyFromConfig(config, { create: false });
    } catch {
      key = null;
    }
  }
  const redisUrl = values.redis ?? (values.dir ? undefined : config.sink === 'redis' ? config.redisUrl : undefined);
  const streamSet = values.set ?? (values.stream ? undefined : config.redisStreamSet);
  if (!redisUrl) store = new FileAuditStore(values.dir ?? config.dir, key);
  else if (streamSet) store = new MergedRedisAuditStore(redisUrl, streamSet, values.stream ?? config.redisStream, key);
  else store = new RedisAuditStore(redisUrl, values.stream ?? config.redisStream, key);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Cannot open the audit trail: ${(error as Error).message}`);
  process.exit(2);
}

try {
  const result = await store.verify();
  if (values.json) console.log(JSON.stringify({ trail: store.description, keyId: key?.keyId ?? null, ...result }, null, 2));
  else if (result.records === 0 && !result.head) {
    console.log(`No audit trail at ${store.description} yet: nothing to verify.`);
  } else {
    console.log(describeResult(result));
    console.log(`  trail: ${store.description}; key: ${key ? key.keyId : 'none (signatures not checked)'}`);
    for (const chain of result.chains ?? []) console.log(`  chain ${chain.chain}: ${describeResult(chain)}`);
    for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  }
  await store.close();
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  console.error(`Cannot read the audit trail (${store.description}): ${(error as Error).message}`);
  await store.close().catch(() => undefined);
  process.exit(2);
}
