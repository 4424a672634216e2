import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cmcc/platform';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import {
  AuditTrail,
  checkpointSigningInput,
  ed25519Fingerprint,
  evidenceKeyOf,
  evidenceSources,
  EvidenceExportError,
  exportEvidence,
  FileAuditSink,
  FileAuditStore,
  hmacAuditKey,
  loadOrCreateEd25519Key,
  publicKeyFileContent,
  RedisAuditSink,
  recordHash,
  sha256,
  verifyEvidence,
  verifyEvidenceText,
  type AuditCheckpointRecord,
  type AuditEventContent,
  type AuditKey,
  type AuditRecord,
  type AuditSink,
  type EvidenceBundle,
} from '@cmcc/audit-trail';
import { runToEnd, type ProcessOutcome } from '@cmcc/test-support/process';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';

/**
 * Evidence bundles (`npm run audit:export`, `npm run audit:verify -- <file>`): a trail written by the real writer is
 * exported and verified offline (another DATA_DIR, no trail, no Redis), then the bundle is tampered with. What each
 * tampering must be rejected for follows from the format (packages/audit-trail/src/bundle.ts): every record carries
 * `hash` = SHA-256 of its canonical JSON without `hash`, `prevHash` = the record before's `hash`, seqs without gap; the
 * range ends in a checkpoint whose signature covers its `prevHash`; `selected` lists events of the range.
 */

const logger = createLogger('audit-bundle-test', 'silent');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-audit-bundle-'));
  dirs.push(dir);
  return dir;
}

const ANALYST = 'us-analyst';
const HMAC_SECRET = 'a-bundle-test-hmac-audit-key-of-32-characters';

/** Event n: the principal is us-analyst for every third one, another principal otherwise; `request-<n>` is its own. */
function event(n: number, chain = 'a'): AuditEventContent {
  return {
    id: `event-${chain}-${n}`,
    time: new Date(Date.UTC(2025, 10, 22, 8, 0, n)).toISOString(),
    requestId: `request-${n}`,
    principal: { subject: n % 3 === 0 ? ANALYST : 'wfp-logistics', nation: n % 3 === 0 ? 'USA' : null, organization: 'CMCC', roles: [], clearance: 'UNCLASSIFIED' },
    client: { name: 'dashboard', version: '1.0.0' },
    operation: { name: n % 2 ? 'Situation' : 'Crossings', type: 'query', hash: 'a'.repeat(64), document: 'query Situation { areas { pcode } }' },
    variables: null,
    fields: ['Area.pcode', 'Query.areas'],
    entities: [{ field: 'areas', type: 'Area', key: `PS02${55 + (n % 5) * 5}` }],
    subgraphs: ['civil-administration'],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    durationMs: 12.5,
  };
}

/** Writes events 1..count through the real writer (a checkpoint after every 4 events) and closes it (final checkpoint). */
async function writeTrail(sink: AuditSink, key: AuditKey, count: number, chain = 'a'): Promise<void> {
  const trail = new AuditTrail({ sink, key, logger, bufferSize: 100, batchSize: 3, checkpointEvery: 4, checkpointSeconds: 3600, failOpen: false });
  for (let n = 1; n <= count; n++) expect(trail.append(event(n, chain), trail.admit())).toBe(true);
  await trail.close();
}

const readTrail = (dir: string): AuditRecord[] =>
  fs
    .readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);

/** The environment of a machine with no trail, no Redis and no audit key: only what the test passes. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(AUDIT_|REDIS_|DATABASE_URL$|DATA_DIR$)/.test(name)) env[name] = value;
  return { ...env, DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...extra };
}

function cli(script: 'audit-export' | 'audit-verify', args: string[], env: Record<string, string> = {}): Promise<ProcessOutcome> {
  return runToEnd(process.execPath, ['--import', 'tsx', path.join('scripts', `${script}.ts`), ...args], { cwd: PROJECT_ROOT, env: cleanEnv(env) });
}

/** `audit:verify -- <file> --json` on a machine with nothing but the bundle (and the arguments given). */
async function verifyJson(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; result: any; stderr: string }> {
  const run = await cli('audit-verify', [file, '--json', ...args], env);
  return { code: run.code, result: run.stdout.trim() ? JSON.parse(run.stdout) : null, stderr: run.stderr };
}

const readBundle = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as EvidenceBundle;
function writeBundle(bundle: EvidenceBundle, name: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, JSON.stringify(bundle, null, 2));
  return file;
}

/** Re-chains records from `index` on (new hashes and links), signing each checkpoint with `sign`: what a forger without the key does. */
function rechain(records: AuditRecord[], index: number, sign: (checkpoint: AuditCheckpointRecord) => string): void {
  for (let i = index; i < records.length; i++) {
    const record = records[i] as AuditRecord & { hash: string };
    if (i > 0) record.prevHash = records[i - 1].hash;
    if (record.kind === 'checkpoint') record.signature = sign(record);
    record.hash = recordHash(record);
  }
}

describe('an evidence bundle of a file trail (Ed25519)', () => {
  let dataDir: string;
  let records: AuditRecord[];
  let bundleFile: string;
  let exported: ProcessOutcome;
  let fingerprint: string;
  /** From the trail itself: the analyst's events, and the first checkpoint after the last of them. */
  let selected: number[];
  let anchorSeq: number;

  beforeAll(async () => {
    dataDir = tempDir();
    const keyFile = path.join(dataDir, 'auth', 'audit-signing-key.json');
    await writeTrail(new FileAuditSink(path.join(dataDir, 'audit')), loadOrCreateEd25519Key(keyFile), 14);
    records = readTrail(path.join(dataDir, 'audit'));
    selected = records.filter((r) => r.kind === 'event' && r.principal?.subject === ANALYST).map((r) => r.seq);
    anchorSeq = records.find((r) => r.kind === 'checkpoint' && r.seq > selected[selected.length - 1])!.seq;
    fingerprint = `sha256:${crypto
      .createHash('sha256')
      .update(Buffer.from(JSON.parse(fs.readFileSync(keyFile, 'utf8')).publicJwk.x, 'base64url'))
      .digest('hex')}`;
    bundleFile = path.join(tempDir(), 'evidence.json');
    // The operator's machine: the gateway's DATA_DIR (trail and key found by default).
    exported = await cli('audit-export', ['--principal', ANALYST, '--out', bundleFile], { DATA_DIR: dataDir });
  }, 60_000);

  it('writes the selected events with every record from the first to the checkpoint after the last, and the public key', () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect(selected.length).toBeGreaterThanOrEqual(3);
    expect(exported.stdout).toContain(`fingerprint ${fingerprint}`);
    expect(exported.stdout).toContain('through another channel');
    const bundle = readBundle(bundleFile);
    expect(bundle).toMatchObject({ format: 'cmcc-audit-evidence', version: 1, filter: { principal: ANALYST }, searched: ['audit.jsonl'] });
    expect(bundle.key).toMatchObject({ alg: 'EdDSA', fingerprint });
    expect(bundle.chains).toHaveLength(1);
    const [chain] = bundle.chains;
    expect(chain).toMatchObject({ chain: 'audit.jsonl', fromSeq: selected[0], toSeq: anchorSeq, selected, anchor: { kind: 'checkpoint', seq: anchorSeq } });
    // Exactly the trail's records of that range, as stored.
    expect(chain.records).toEqual(records.filter((r) => r.seq >= selected[0] && r.seq <= anchorSeq));
    const text = fs.readFileSync(bundleFile, 'utf8');
    expect(text).not.toContain(dataDir); // no machine path
    expect(text).not.toContain('privateJwk');
    expect(JSON.stringify(bundle.key)).not.toContain('"d"');
    expect(fs.statSync(bundleFile).mode & 0o077).toBe(0);
  });

  it('verifies offline (no trail, no key but the bundle) and says what is proven and what is not', async () => {
    const run = await cli('audit-verify', [bundleFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^VERIFIED: 4 selected events in 1 chain/);
    expect(run.stdout).toContain(`no event was removed between the first selected (seq ${selected[0]}) and the last (seq ${selected[selected.length - 1]})`);
    expect(run.stdout).toContain(`checkpoint seq ${anchorSeq}`);
    expect(run.stdout).toMatch(/Not proven:[\s\S]*confirm the fingerprint sha256:[0-9a-f]{64} with the trail's operator/);

    const confirmed = await verifyJson(bundleFile, ['--fingerprint', fingerprint.toUpperCase().replace('SHA256:', '')]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.result).toMatchObject({ ok: true, reason: null, selectedEvents: selected.length, key: { alg: 'EdDSA', fingerprint, source: 'confirmed', trusted: true } });
    expect(confirmed.result.chains[0]).toMatchObject({ chain: 'audit.jsonl', fromSeq: selected[0], toSeq: anchorSeq, selected, selectionChecked: true });
    expect(confirmed.result.proven.join('\n')).toContain('exactly the events');
    expect(confirmed.result.notProven.join('\n')).toContain('Anything outside');
    expect(confirmed.result.notProven.join('\n')).not.toContain('Who signed');
  });

  it('rejects a bundle with one altered byte as changed, at the altered event', async () => {
    const target = records.find((r) => r.seq === selected[1]) as AuditEventContent & AuditRecord;
    const text = fs.readFileSync(bundleFile, 'utf8');
    const at = text.indexOf(`"${target.requestId}"`) + target.requestId!.length; // the last character inside the quotes
    expect(text.indexOf(`"${target.requestId}"`)).toBeGreaterThan(0);
    const file = path.join(tempDir(), 'altered.json');
    fs.writeFileSync(file, `${text.slice(0, at)}X${text.slice(at + 1)}`);
    expect(fs.readFileSync(file).length).toBe(Buffer.byteLength(text));

    // Its content no longer hashes to its `hash`.
    const [json, human] = await Promise.all([verifyJson(file), cli('audit-verify', [file])]);
    expect(json.code).toBe(1);
    expect(json.result).toMatchObject({ ok: false, reason: 'changed', problem: { reason: 'changed', chain: 'audit.jsonl', seq: target.seq } });
    expect(json.result.proven).toEqual([]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`REJECTED (changed, at seq ${target.seq}, chain audit.jsonl)`);
  });

  it('rejects a bundle with an event removed between the first and the last as removed, naming the missing seq', async () => {
    const bundle = readBundle(bundleFile);
    const removed = selected[2];
    // A careful forger drops it from the selection too.
    bundle.chains[0].records = bundle.chains[0].records.filter((r) => r.seq !== removed);
    bundle.chains[0].selected = bundle.chains[0].selected.filter((seq) => seq !== removed);
    const file = writeBundle(bundle, 'removed.json');

    // The record after it follows a seq that is not its predecessor.
    const [json, human] = await Promise.all([verifyJson(file), cli('audit-verify', [file])]);
    expect(json.code).toBe(1);
    expect(json.result).toMatchObject({ ok: false, reason: 'removed', problem: { seq: removed } });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`REJECTED (removed, at seq ${removed}, chain audit.jsonl): seq ${removed} was removed`);
  });

  it('rejects a bundle rewritten with recomputed hashes and a forged checkpoint as signature, at that checkpoint', async () => {
    const bundle = readBundle(bundleFile);
    const chain = bundle.chains[0];
    const index = chain.records.findIndex((r) => r.seq === selected[1]);
    (chain.records[index] as AuditEventContent).outcome.status = 'FAILED';
    const forger = crypto.generateKeyPairSync('ed25519').privateKey;
    rechain(chain.records, index, (checkpoint) => crypto.sign(null, Buffer.from(checkpointSigningInput(checkpoint)), forger).toString('base64url'));
    const forgedAt = chain.records.find((r) => r.kind === 'checkpoint' && r.seq > selected[1])!.seq;
    const file = writeBundle(bundle, 'forged-checkpoint.json');

    // Every hash and link now holds; only the signature over the checkpoint's new prevHash cannot be made without the key.
    const [json, human] = await Promise.all([verifyJson(file), cli('audit-verify', [file])]);
    expect(json.code).toBe(1);
    expect(json.result).toMatchObject({ ok: false, reason: 'signature', problem: { seq: forgedAt } });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`REJECTED (signature, at seq ${forgedAt}, chain audit.jsonl): checkpoint seq ${forgedAt} has an invalid signature`);
  });

  it('tells a forger who replaced the carried key by the fingerprint: unconfirmed it verifies with another fingerprint, confirmed it is rejected as key', async () => {
    const bundle = readBundle(bundleFile);
    const chain = bundle.chains[0];
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' });
    const keyId = `ed25519:${sha256(publicJwk.x!).slice(0, 16)}`;
    bundle.key = { alg: 'EdDSA', keyId, publicJwk, fingerprint: ed25519Fingerprint(publicJwk) };
    (chain.records[1] as AuditEventContent).durationMs = 1;
    for (const record of chain.records) if (record.kind === 'checkpoint') record.keyId = keyId;
    rechain(chain.records, 0, (checkpoint) => crypto.sign(null, Buffer.from(checkpointSigningInput(checkpoint)), privateKey).toString('base64url'));
    const file = writeBundle(bundle, 'forged-key.json');

    const unconfirmed = verifyEvidenceText(fs.readFileSync(file, 'utf8'));
    expect(unconfirmed).toMatchObject({ ok: true, key: { source: 'bundle', trusted: false } });
    expect(unconfirmed.key!.fingerprint).not.toBe(fingerprint);
    expect(unconfirmed.notProven[0]).toMatch(/^Who signed: the Ed25519 key came with the bundle/);

    const confirmed = await verifyJson(file, ['--fingerprint', fingerprint]);
    expect(confirmed.code).toBe(1);
    expect(confirmed.result).toMatchObject({ ok: false, reason: 'key' });
    expect(confirmed.result.problem.message).toContain(`not the confirmed ${fingerprint}`);
  });

  it('rejects a selection of records that are not events of the range, a range without its anchor, moved and repeated records', () => {
    // The selection is the exporter's statement: one that differs from what the filter matches is reported, the records still proven.
    const unselected = readBundle(bundleFile);
    unselected.chains[0].selected = unselected.chains[0].selected.slice(0, -1);
    const reported = verifyEvidence(unselected);
    expect(reported).toMatchObject({
      ok: true,
      chains: [{ selectionChecked: false, selectionMismatch: `seq ${selected[selected.length - 1]} matches the stated filter but is not selected` }],
    });
    expect(reported.notProven.join('\n')).toContain('that the selection is what the stated filter matches');
    expect(reported.proven.join('\n')).not.toContain('exactly the events');

    const checkpoint = readBundle(bundleFile);
    checkpoint.chains[0].selected.push(anchorSeq);
    expect(verifyEvidence(checkpoint)).toMatchObject({ ok: false, reason: 'selection', problem: { seq: anchorSeq } });

    const unanchored = readBundle(bundleFile);
    unanchored.chains[0].records.pop();
    unanchored.chains[0].toSeq -= 1;
    expect(verifyEvidence(unanchored)).toMatchObject({ ok: false, reason: 'unanchored' });

    const reordered = readBundle(bundleFile);
    const rs = reordered.chains[0].records;
    [rs[1], rs[2]] = [rs[2], rs[1]];
    expect(verifyEvidence(reordered)).toMatchObject({ ok: false, reason: 'reordered', problem: { seq: rs[2].seq } });

    const inserted = readBundle(bundleFile);
    inserted.chains[0].records.splice(2, 0, inserted.chains[0].records[1]);
    expect(verifyEvidence(inserted)).toMatchObject({ ok: false, reason: 'inserted' });

    expect(verifyEvidenceText('{"format": "cmcc-audit-evidence", "version": 1, "chains": [')).toMatchObject({ ok: false, reason: 'damaged' });
  });

  it('refuses bad usage with exit code 2 and a message to act on', async () => {
    const [noFilter, badTime, notBundle] = await Promise.all([
      cli('audit-export', ['--out', path.join(tempDir(), 'x.json')], { DATA_DIR: dataDir }),
      cli('audit-export', ['--from', 'yesterday', '--out', path.join(tempDir(), 'x.json')], { DATA_DIR: dataDir }),
      cli('audit-verify', [path.join(dataDir, 'auth', 'audit-signing-key.json')]),
    ]);
    expect(noFilter.code).toBe(2);
    expect(noFilter.stderr).toContain('Give at least one filter');
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('--from "yesterday" is not a time');
    expect(notBundle.code).toBe(2);
    expect(notBundle.stderr).toContain('is not an evidence bundle');
    for (const run of [noFilter, badTime, notBundle]) expect(run.stderr).not.toMatch(/^\s+at .+[:(]/m);
  });
});

describe('an evidence bundle of an HMAC-signed trail', () => {
  it('needs the HMAC key to verify, never carries or prints it, and says HMAC proves nothing against its holders', async () => {
    const dataDir = tempDir();
    await writeTrail(new FileAuditSink(path.join(dataDir, 'audit')), hmacAuditKey(HMAC_SECRET), 9);
    const bundleFile = path.join(tempDir(), 'evidence.json');
    const exported = await cli('audit-export', ['--operation', 'Crossings', '--from', '2025-11-22T08:00:03Z', '--out', bundleFile], {
      DATA_DIR: dataDir,
      AUDIT_SIGNING_KEY: HMAC_SECRET,
    });
    expect(exported.code, exported.stderr).toBe(0);
    const keyFile = path.join(tempDir(), 'hmac.key');
    fs.writeFileSync(keyFile, `${HMAC_SECRET}\n`);
    const wrongKeyFile = path.join(tempDir(), 'wrong.key');
    fs.writeFileSync(wrongKeyFile, 'another-hmac-audit-key-of-32-characters-x');

    const [withoutKey, withKey, wrongKey] = await Promise.all([
      verifyJson(bundleFile),
      verifyJson(bundleFile, ['--hmac-key-file', keyFile]),
      verifyJson(bundleFile, ['--hmac-key-file', wrongKeyFile]),
    ]);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain(`signed with the HMAC key ${hmacAuditKey(HMAC_SECRET).keyId}: give that key (--hmac-key-file <file>`);
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.result).toMatchObject({ ok: true, key: { alg: 'HS256', source: 'given', trusted: true }, filter: { operationName: 'Crossings', from: '2025-11-22T08:00:03Z' } });
    expect(withKey.result.chains[0].selected.length).toBe(3); // events 4, 6 and 8
    expect(withKey.result.notProven.join('\n')).toContain('every gateway and the audit subgraph hold it, and so do you');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.result).toMatchObject({ ok: false, reason: 'key' });
    for (const text of [fs.readFileSync(bundleFile, 'utf8'), exported.stdout, exported.stderr, withKey.stderr, JSON.stringify(withKey.result)])
      expect(text).not.toContain(HMAC_SECRET);
  });
});

describe('evidence anchored by the signed head, and across chains (in process)', () => {
  it('ends the range at the signed head when no checkpoint follows the last selected event yet, and refuses without a head', async () => {
    const dir = tempDir();
    const keyFile = path.join(dir, 'key.json');
    const key = loadOrCreateEd25519Key(keyFile);
    const trail = new AuditTrail({ sink: new FileAuditSink(dir), key, logger, bufferSize: 100, batchSize: 100, checkpointEvery: 100, checkpointSeconds: 3600, failOpen: false });
    for (let n = 1; n <= 5; n++) trail.append(event(n), trail.admit());
    expect(await trail.flush()).toBe(true); // written with the head; no checkpoint is due yet
    const store = new FileAuditStore(dir, key);
    const evidenceKey = evidenceKeyOf(key, publicKeyFileContent(keyFile));
    const bundle = await exportEvidence(await evidenceSources(store), { principal: ANALYST }, evidenceKey);
    const whole = verifyEvidence(JSON.parse(JSON.stringify(await exportEvidence(await evidenceSources(store), {}, evidenceKey))));
    expect(whole).toMatchObject({ ok: true, chains: [{ fromSeq: 1, toSeq: 5, startsChain: true }] });
    expect(whole.proven.join('\n')).toContain('begins with this range');
    expect(whole.notProven.join('\n')).not.toContain('records before each range');
    const headless = { chain: 'audit.jsonl', records: () => store.records(), head: async () => null };
    await expect(exportEvidence([headless], { principal: ANALYST }, evidenceKey)).rejects.toThrow(EvidenceExportError);
    await expect(exportEvidence([headless], { principal: ANALYST }, evidenceKey)).rejects.toThrow(/not yet covered by a signed checkpoint/);
    await trail.close();
    expect(bundle.chains[0]).toMatchObject({ fromSeq: 3, toSeq: 5, selected: [3], anchor: { kind: 'head', seq: 5 } });
    expect(verifyEvidence(JSON.parse(JSON.stringify(bundle)))).toMatchObject({ ok: true, chains: [{ anchor: { kind: 'head', seq: 5 } }] });

    const forgedHead = JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;
    const anchor = forgedHead.chains[0].anchor as { head: { time: string } };
    anchor.head.time = '2030-01-01T00:00:00.000Z';
    expect(verifyEvidence(forgedHead)).toMatchObject({ ok: false, reason: 'signature', problem: { seq: 5 } });
  });

  it('rejects an event recorded in two chains of one bundle as replayed', async () => {
    const key = hmacAuditKey(HMAC_SECRET);
    const dirA = tempDir();
    const dirB = tempDir();
    await writeTrail(new FileAuditSink(dirA), key, 4, 'same');
    await writeTrail(new FileAuditSink(dirB), key, 4, 'same');
    const as = (name: string, dir: string) => {
      const store = new FileAuditStore(dir, key);
      return { chain: name, records: () => store.records(), head: () => store.head() };
    };
    const bundle = await exportEvidence([as('replica-1', dirA), as('replica-2', dirB)], { principal: ANALYST }, evidenceKeyOf(key));
    expect(verifyEvidence(JSON.parse(JSON.stringify(bundle)), { hmacKey: key })).toMatchObject({ ok: false, reason: 'replayed', problem: { chain: 'replica-2', seq: 3 } });
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('an evidence bundle of a Redis trail with a chain per replica', () => {
  const prefix = `cmcc:audit:bundle-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const set = `${prefix}:streams`;
  const streams = [`${prefix}:gateway-1`, `${prefix}:gateway-2`];
  let admin: Redis;
  let keyFile: string;

  beforeAll(async () => {
    admin = new Redis(TEST_REDIS_URL);
    keyFile = path.join(tempDir(), 'audit-signing-key.json');
    const key = loadOrCreateEd25519Key(keyFile);
    await writeTrail(new RedisAuditSink(TEST_REDIS_URL, streams[0], logger, set), key, 7, 'g1');
    await writeTrail(new RedisAuditSink(TEST_REDIS_URL, streams[1], logger, set), key, 10, 'g2');
  });
  afterAll(async () => {
    if (!admin) return;
    await admin.del(set, ...streams, ...streams.map((stream) => `${stream}:head`));
    await admin.quit();
  });

  it('exports every chain of the set into one bundle, or one bundle per chain, each verified offline', async () => {
    const out = path.join(tempDir(), 'evidence.json');
    const redis = { AUDIT_REDIS_STREAM: streams[0] };
    const [merged, perChain] = await Promise.all([
      cli('audit-export', ['--redis', TEST_REDIS_URL, '--set', set, '--key', keyFile, '--principal', ANALYST, '--out', out], redis),
      cli(
        'audit-export',
        ['--redis', TEST_REDIS_URL, '--set', set, '--key', keyFile, '--principal', ANALYST, '--per-chain', '--out', path.join(path.dirname(out), 'chain.json')],
        redis,
      ),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(perChain.code, perChain.stderr).toBe(0);

    const verified = await verifyJson(out, ['--key', keyFile]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.result).toMatchObject({ ok: true, selectedEvents: 2 + 3, key: { source: 'given', trusted: true } });
    expect(verified.result.chains.map((chain: { chain: string }) => chain.chain)).toEqual(streams);
    expect(verified.result.proven.join('\n')).toContain('No event in the bundle is recorded in two of its 2 chains');

    for (const [index, stream] of streams.entries()) {
      const file = path.join(path.dirname(out), `chain.${stream.replace(/:/g, '-')}.json`);
      const result = verifyEvidenceText(fs.readFileSync(file, 'utf8'));
      expect(result).toMatchObject({ ok: true, chains: [{ chain: stream, selected: verified.result.chains[index].selected }] });
    }
  });
});
