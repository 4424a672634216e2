// `npm run audit:export -- <filters> --out <file> [--dir <folder> | --redis <url> [--stream <key> | --set <key>]] [--json]`
// Writes the audit events that match the filters as an evidence bundle: the events, every record of the hash chain
// between the first of them and the signed checkpoint after the last, and the key that signed it, so that
// `npm run audit:verify -- <file>` can check them on another machine (packages/audit-trail/src/bundle.ts).
// Exit code: 0 written, 1 nothing written (no event matches, or the trail cannot prove the range), 2 bad usage or unreadable trail.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseCli, usageError } from '@cmcc/platform';
import {
  EvidenceExportError,
  evidenceKeyOf,
  evidenceSources,
  exportEvidence,
  FileAuditStore,
  hmacAuditKey,
  loadAuditConfig,
  loadEd25519Key,
  MergedRedisAuditStore,
  publicKeyFileContent,
  RedisAuditStore,
  verifyEvidence,
  type AuditKey,
  type EvidenceBundle,
  type EvidenceFilter,
  type EvidenceKey,
} from '@cmcc/audit-trail';

const USAGE = `Usage: npm run audit:export -- <filters> --out <file> [options]
Writes the audit events matching every filter given as an evidence bundle (JSON) that
\`npm run audit:verify -- <file>\` checks offline: the events, the hash-chain records that link them and
the signed checkpoint after the last one.
Filters (at least one, or --all):
  --principal <subject>      the principal's subject
  --organization <org>       the principal's organisation
  --nation <code>            the principal's nation
  --operation <name>         the operation's name
  --field <Type.field>       a field the operation read, or a mutation it called (Mutation.upsertDisplacementSite)
  --entity <key>             the id or pcode of an entity returned or changed
  --from <time>              ISO 8601, inclusive (2025-11-22T08:00:00Z); --to <time> likewise
  --all                      every event
Trail (default: the gateway's, as for audit:verify):
  --dir <folder>             a JSONL trail folder (audit.jsonl, audit.head.json)
  --redis <url>              a Redis trail: --stream <key> for one chain, --set <key> for every replica's chain
  --per-chain                one bundle per chain, named <file> with the chain's name before the extension
Key (the bundle names it; an Ed25519 bundle carries the public key):
  --key <file>               an Ed25519 audit key file (the public part is enough); default: AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE
  --hmac-key-file <file>     a file holding the HMAC audit key, instead of AUDIT_SIGNING_KEY
Output:
  --out <file>               the bundle to write (an existing file is kept unless --force)
  --json                     print what was written as JSON
The bundle carries in full every record between the first selected event and the checkpoint after the last,
selected or not: hand it over only where their content may go too.
Exit code: 0 written, 1 nothing written (no event matches, or the trail cannot prove the range), 2 bad usage or unreadable trail.`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: {
    principal: { type: 'string' },
    organization: { type: 'string' },
    nation: { type: 'string' },
    operation: { type: 'string' },
    field: { type: 'string' },
    entity: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    all: { type: 'boolean' },
    dir: { type: 'string' },
    redis: { type: 'string' },
    stream: { type: 'string' },
    set: { type: 'string' },
    'per-chain': { type: 'boolean' },
    key: { type: 'string' },
    'hmac-key-file': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});

if (positionals.length > 0) usageError(USAGE, `Unexpected argument "${positionals[0]}": filters are flags (--principal <subject>, ...), and the bundle is named with --out.`);

// The filter: each flag is a field of AuditEventFilter (packages/audit-trail/src/store.ts).
const filter: EvidenceFilter = {};
const FLAGS = {
  principal: 'principal',
  organization: 'organization',
  nation: 'nation',
  operation: 'operationName',
  field: 'field',
  entity: 'entityKey',
  from: 'from',
  to: 'to',
} as const;
for (const [flag, field] of Object.entries(FLAGS) as [keyof typeof FLAGS, (typeof FLAGS)[keyof typeof FLAGS]][]) {
  const value = values[flag];
  if (value === undefined) continue;
  if (!value.trim()) usageError(USAGE, `--${flag} is empty: give a value, or leave the flag out.`);
  if ((flag === 'from' || flag === 'to') && Number.isNaN(Date.parse(value)))
    usageError(USAGE, `--${flag} "${value}" is not a time: give an ISO 8601 time such as 2025-11-22T08:00:00Z.`);
  filter[field] = value;
}
if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) usageError(USAGE, `--from ${filter.from} is after --to ${filter.to}: no event can match.`);
const filtered = Object.keys(filter).length > 0;
if (!filtered && !values.all) usageError(USAGE, 'Give at least one filter (--principal, --operation, --entity, --from, ...), or --all to export every event.');
if (filtered && values.all) usageError(USAGE, '--all exports every event: give it without filters.');
if (!values.out) usageError(USAGE, 'Name the bundle to write with --out <file>.');
if (values.dir && (values.redis || values.stream || values.set)) usageError(USAGE, '--dir reads a file trail; --redis, --stream and --set a Redis trail: give one or the other.');
if (values.key && values['hmac-key-file']) usageError(USAGE, '--key (Ed25519) and --hmac-key-file (HMAC) name two different keys: give the one that signed the trail.');
const out = values.out;
if (!fs.existsSync(path.dirname(path.resolve(out)))) usageError(USAGE, `The folder of --out ${out} does not exist.`);

/** The key that signed the trail: to name it in the bundle, and to check the bundle before it is written. */
function signingKey(config: ReturnType<typeof loadAuditConfig>): { key: AuditKey; evidenceKey: EvidenceKey; keyFile: string | null } | string {
  if (values['hmac-key-file']) {
    if (!fs.existsSync(values['hmac-key-file'])) return `--hmac-key-file ${values['hmac-key-file']}: no such file.`;
    const secret = fs.readFileSync(values['hmac-key-file'], 'utf8').trim();
    if (!secret) return `--hmac-key-file ${values['hmac-key-file']} is empty.`;
    const key = hmacAuditKey(secret);
    return { key, evidenceKey: evidenceKeyOf(key), keyFile: null };
  }
  if (!values.key && config.signingKey) {
    const key = hmacAuditKey(config.signingKey);
    return { key, evidenceKey: evidenceKeyOf(key), keyFile: null };
  }
  const keyFile = values.key ?? config.keyFile;
  if (!fs.existsSync(keyFile)) {
    return values.key
      ? `--key ${values.key}: no such file.`
      : 'No audit key: set AUDIT_SIGNING_KEY (HMAC), give --hmac-key-file <file>, or give the Ed25519 key file with --key <file> (AUDIT_SIGNING_KEY_FILE names none that exists).';
  }
  let key: AuditKey;
  try {
    key = loadEd25519Key(keyFile);
  } catch (error) {
    return `${values.key ? `--key ${values.key}` : 'AUDIT_SIGNING_KEY_FILE'} is not an Ed25519 audit key file (${(error as Error).message}).`;
  }
  return { key, evidenceKey: evidenceKeyOf(key, publicKeyFileContent(keyFile)), keyFile };
}

let store: FileAuditStore | RedisAuditStore | MergedRedisAuditStore;
let signer: { key: AuditKey; evidenceKey: EvidenceKey };
try {
  const config = loadAuditConfig();
  const found = signingKey(config);
  if (typeof found === 'string') usageError(USAGE, found);
  signer = found;
  const redisUrl = values.redis ?? (values.dir ? undefined : config.sink === 'redis' ? config.redisUrl : undefined);
  const streamSet = values.set ?? (values.stream ? undefined : config.redisStreamSet);
  if (!redisUrl) {
    const dir = values.dir ?? config.dir;
    if (!fs.existsSync(dir)) usageError(USAGE, `No audit trail folder at ${dir}${values.dir ? '' : " (the gateway's AUDIT_DIR)"}: name one with --dir <folder>.`);
    store = new FileAuditStore(dir, signer.key);
  } else if (streamSet) store = new MergedRedisAuditStore(redisUrl, streamSet, values.stream ?? config.redisStream, signer.key);
  else store = new RedisAuditStore(redisUrl, values.stream ?? config.redisStream, signer.key);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Cannot open the audit trail: ${(error as Error).message}`);
  process.exit(2);
}

/** `<file>` with the chain's name before its extension: evidence.json, cmcc:audit:gateway-1 -> evidence.cmcc-audit-gateway-1.json. */
function chainFile(file: string, chain: string): string {
  const extension = path.extname(file);
  return `${file.slice(0, file.length - extension.length)}.${chain.replace(/[^A-Za-z0-9._-]+/g, '-')}${extension || '.json'}`;
}

let bundle: EvidenceBundle;
try {
  bundle = await exportEvidence(await evidenceSources(store), filter, signer.evidenceKey);
} catch (error) {
  await store.close().catch(() => undefined);
  if (error instanceof EvidenceExportError) {
    console.error(`Nothing written: ${error.message}.`);
    process.exit(1);
  }
  console.error(`Cannot read the audit trail (${store.description}): ${(error as Error).message}`);
  process.exit(2);
}
await store.close();

if (bundle.chains.length === 0) {
  console.error(`Nothing written: no event in ${store.description} matches ${filtered ? JSON.stringify(bundle.filter) : 'at all (the trail holds no event)'}.`);
  process.exit(1);
}

const outputs = values['per-chain'] ? bundle.chains.map((chain) => ({ file: chainFile(out, chain.chain), bundle: { ...bundle, chains: [chain] } })) : [{ file: out, bundle }];
for (const { file } of outputs) {
  if (fs.existsSync(file) && !values.force) usageError(USAGE, `${file} exists: choose another --out, or add --force to replace it.`);
}

// Each bundle is checked as the auditor will check it (from its JSON) before it is written: a trail that is broken in
// the range gives no bundle, and says why.
const fingerprint = signer.evidenceKey.alg === 'EdDSA' ? signer.evidenceKey.fingerprint : null;
for (const output of outputs) {
  const check = verifyEvidence(JSON.parse(JSON.stringify(output.bundle)), {
    hmacKey: signer.key.alg === 'HS256' ? signer.key : null,
    publicKey: signer.key.alg === 'EdDSA' ? signer.key : null,
    publicKeyFingerprint: fingerprint,
  });
  if (!check.ok) {
    const problem = check.problem!;
    console.error(
      `Nothing written: the trail cannot prove the range to export (${problem.reason}${problem.chain ? `, chain ${problem.chain}` : ''}${problem.seq !== null ? `, seq ${problem.seq}` : ''}): ${problem.message}. ` +
        '`npm run audit:verify` checks the whole trail.',
    );
    process.exit(1);
  }
}

for (const output of outputs) {
  const temporary = `${output.file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(output.bundle, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, output.file);
}

const summary = outputs.map(({ file, bundle: written }) => ({
  file,
  chains: written.chains.map((chain) => {
    const others = chain.records.filter((record) => !chain.selected.includes(record.seq));
    return {
      chain: chain.chain,
      fromSeq: chain.fromSeq,
      toSeq: chain.toSeq,
      selected: chain.selected.length,
      otherRecords: others.length,
      otherEvents: others.filter((record) => record.kind === 'event').length,
      anchor: { kind: chain.anchor.kind, seq: chain.anchor.seq },
    };
  }),
}));
const keyInfo = { alg: signer.evidenceKey.alg, keyId: signer.evidenceKey.keyId, fingerprint };
if (values.json) {
  console.log(JSON.stringify({ written: summary, filter: bundle.filter, key: keyInfo }, null, 2));
} else {
  for (const { file, chains } of summary) {
    console.log(`Wrote ${file}:`);
    for (const chain of chains) {
      console.log(
        `  chain ${chain.chain}: ${chain.selected} selected event${chain.selected === 1 ? '' : 's'}, seq ${chain.fromSeq} to ${chain.toSeq}, anchored by ${chain.anchor.kind} seq ${chain.anchor.seq}` +
          (chain.otherRecords > 0 ? `; also ${chain.otherRecords} records not selected (${chain.otherEvents} events), in full, to complete the hash chain` : ''),
      );
    }
  }
  if (summary.some(({ chains }) => chains.some((chain) => chain.otherEvents > 0))) {
    console.log('  The events not selected travel with their whole content: hand the bundle over only where it may go too.');
  }
  if (keyInfo.alg === 'EdDSA') {
    console.log(`  key: Ed25519 ${keyInfo.keyId}, fingerprint ${fingerprint}`);
    console.log('  Give the auditor this fingerprint through another channel than the bundle: the key in the bundle is trusted only once it is confirmed.');
  } else {
    console.log(`  key: HMAC ${keyInfo.keyId}: the auditor needs this key to verify, and could then sign like the gateway (Ed25519 keys make evidence for a third party).`);
  }
  for (const { file } of outputs) console.log(`  Verify: npm run audit:verify -- ${file}`);
}
process.exit(0);
