// `npm run audit:verify [-- --dir <folder> | --redis <url> [--stream <key> | --set <key>]] [--json]`
// Checks the whole audit trail the gateway writes (the configured one by default: AUDIT_DIR / DATA_DIR, or the Redis
// stream when REDIS_URL is set) and names the first record that was changed, removed, reordered or truncated.
// `npm run audit:verify -- <bundle.json>` checks an evidence bundle (`npm run audit:export`) offline instead: no trail,
// no Redis, only the file and the key, and says what it proves and what it does not.
// Exit code: 0 intact (verified), 1 broken (rejected), 2 bad usage or unreadable trail (or bundle that cannot be checked).
import fs from 'node:fs';
import { ConfigError, parseCli, usageError } from '@cmcc/platform';
import {
  describeEvidence,
  EvidenceInputError,
  fingerprintOfKeyFile,
  normalizeFingerprint,
  verifyEvidenceText,
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

const USAGE = `Usage: npm run audit:verify [-- options]            the whole trail
       npm run audit:verify -- <bundle.json> [options]  an evidence bundle (npm run audit:export), offline
  --dir <folder>     a JSONL trail folder (audit.jsonl, audit.head.json); default: the gateway's AUDIT_DIR
  --redis <url>      a Redis trail instead (default: REDIS_URL when set)
  --stream <key>     one stream only (default: AUDIT_REDIS_STREAM or cmcc:audit)
  --set <key>        every replica's stream named in this set, each chain verified, and no event in two chains
                     (default: AUDIT_REDIS_STREAM_SET when set and no --stream is given)
  --key <file>       an Ed25519 audit key file (the public part is enough); default: AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE;
                     for a bundle: the operator's public key, trusted instead of the one the bundle carries
  --hmac-key-file <file>  a file holding the HMAC audit key, instead of AUDIT_SIGNING_KEY
  --fingerprint <sha256>  a bundle only: the Ed25519 key fingerprint you confirmed with the trail's operator
                     (not through the bundle); a bundle signed with another key is rejected
  --json             print the full result as JSON (for a bundle: "ok", "reason", "proven", "notProven", ...)
Exit code: 0 intact (a bundle: verified), 1 broken (a bundle: rejected, the reason named), 2 bad usage, unreadable
trail, or a bundle that cannot be checked (not a bundle, HMAC key missing).`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    redis: { type: 'string' },
    stream: { type: 'string' },
    set: { type: 'string' },
    key: { type: 'string' },
    'hmac-key-file': { type: 'string' },
    fingerprint: { type: 'string' },
    json: { type: 'boolean' },
  },
});

/** The HMAC key in --hmac-key-file (its content is never printed). */
function hmacKeyFromFile(file: string): AuditKey {
  if (!fs.existsSync(file)) usageError(USAGE, `--hmac-key-file ${file}: no such file.`);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (!secret) usageError(USAGE, `--hmac-key-file ${file} is empty.`);
  return hmacAuditKey(secret);
}

if (positionals.length > 1) usageError(USAGE, `One bundle at a time; got ${positionals.join(' ')}.`);
if (positionals.length === 1) process.exit(verifyBundleFile(positionals[0]));
if (values.fingerprint) usageError(USAGE, '--fingerprint is for an evidence bundle: give the bundle file too.');

/** Checks an evidence bundle offline; returns the exit code. */
function verifyBundleFile(file: string): number {
  if (values.dir || values.redis || values.stream || values.set) {
    usageError(USAGE, `${file} is checked on its own: --dir, --redis, --stream and --set name a trail, which verifying a bundle does not read.`);
  }
  if (values.key && values['hmac-key-file']) usageError(USAGE, '--key (Ed25519) and --hmac-key-file (HMAC) name two different keys: give the one that signed the bundle.');
  const fingerprint = values.fingerprint === undefined ? null : normalizeFingerprint(values.fingerprint);
  if (values.fingerprint !== undefined && !fingerprint) usageError(USAGE, `--fingerprint "${values.fingerprint}" is not a SHA-256 fingerprint (64 hex digits, as sha256:ab12...).`);
  if (!fs.existsSync(file)) usageError(USAGE, `${file}: no such file.`);
  if (!fs.statSync(file).isFile()) usageError(USAGE, `${file} is a folder, not a bundle: a trail folder is verified with --dir ${file}.`);
  let publicKey: AuditKey | null = null;
  let publicKeyFingerprint: string | null = null;
  if (values.key) {
    if (!fs.existsSync(values.key)) usageError(USAGE, `--key ${values.key}: no such file.`);
    try {
      publicKey = loadEd25519Key(values.key);
    } catch (error) {
      usageError(USAGE, `--key ${values.key} is not an Ed25519 audit key file (${(error as Error).message}).`);
    }
    publicKeyFingerprint = fingerprintOfKeyFile(fs.readFileSync(values.key, 'utf8'));
  }
  let hmacKey: AuditKey | null = null;
  if (values['hmac-key-file']) hmacKey = hmacKeyFromFile(values['hmac-key-file']);
  else {
    try {
      const signingKey = loadAuditConfig().signingKey;
      if (signingKey) hmacKey = hmacAuditKey(signingKey);
    } catch (error) {
      console.error(error instanceof ConfigError ? error.message : (error as Error).message);
      return 2;
    }
  }
  try {
    const result = verifyEvidenceText(fs.readFileSync(file, 'utf8'), { hmacKey, publicKey, publicKeyFingerprint, fingerprint });
    if (values.json) console.log(JSON.stringify({ bundle: file, ...result }, null, 2));
    else for (const line of describeEvidence(result)) console.log(line);
    return result.ok ? 0 : 1;
  } catch (error) {
    // Not checkable (not a bundle, a newer format, the HMAC key missing) or not readable: neither verified nor rejected.
    const message = error instanceof EvidenceInputError ? error.message : `it cannot be read (${(error as Error).message})`;
    if (values.json) console.log(JSON.stringify({ bundle: file, ok: false, reason: null, error: message }, null, 2));
    console.error(`Cannot verify ${file}: ${message}.`);
    return 2;
  }
}

let store: AuditStore;
let key: AuditKey | null = null;
try {
  const config = loadAuditConfig();
  if (values.key) key = loadEd25519Key(values.key);
  else if (values['hmac-key-file']) key = hmacKeyFromFile(values['hmac-key-file']);
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
