import crypto from 'node:crypto';
import {
  checkpointSigningInput,
  GENESIS_HASH,
  headSigningInput,
  recordHash,
  sha256,
  type AuditCheckpointRecord,
  type AuditEventRecord,
  type AuditHead,
  type AuditNoticeRecord,
  type AuditRecord,
} from './records.ts';
import type { AuditKey } from './signing.ts';
import { matchesFilter, MergedRedisAuditStore, type AuditEventFilter, type FileAuditStore, type RedisAuditStore } from './store.ts';
import type { StoredRecord } from './verify.ts';

/**
 * Evidence bundles: selected audit events, exported with what an auditor needs to verify them offline (no trail, no
 * Redis): `npm run audit:export` writes one, `npm run audit:verify -- <file>` checks it.
 *
 * Every record's hash is SHA-256 over the canonical JSON of the whole record, `prevHash` included, so a record can only
 * be linked to its neighbours by someone who holds all of its content: a filtered selection is not a chain. A bundle
 * therefore carries, for each chain, the complete contiguous range of records from the first selected event to the
 * first signed anchor after the last one (the next checkpoint, or the signed head when no checkpoint follows yet),
 * verbatim, with the seqs of the selected events listed beside them. The records in between that were not selected
 * travel in full: that is the price of "none removed between the first and the last". (A format that let a record be
 * elided and proven from a digest would need a different record hash, e.g. over a commitment to the payload; the
 * existing trail's records cannot be re-hashed, so this format does not try.)
 *
 * What a verified bundle proves, and what it does not, is spelled out by `verifyEvidence` (`proven`, `notProven`).
 */
export const EVIDENCE_FORMAT = 'cmcc-audit-evidence';
export const EVIDENCE_VERSION = 1;

/** The filter an export states: `AuditEventFilter` without the reader-specific `payloadReleased`. */
export type EvidenceFilter = Omit<AuditEventFilter, 'payloadReleased'>;

/** The filter fields this version exports and re-checks on verification (all strings). */
export const EVIDENCE_FILTER_FIELDS = [
  'principal',
  'organization',
  'nation',
  'operationName',
  'field',
  'entityKey',
  'from',
  'to',
] as const satisfies readonly (keyof EvidenceFilter)[];

/** The key that signed the bundle's checkpoints: an HMAC key by its id only (never the secret); an Ed25519 key with its public part. */
export type EvidenceKey =
  | { alg: 'HS256'; keyId: string }
  | { alg: 'EdDSA'; keyId: string; publicJwk: crypto.JsonWebKey; /** `sha256:` + SHA-256 (hex) of the raw 32-byte public key. */ fingerprint: string };

/** The signed statement that closes a chain's range: its last record, a checkpoint, or the signed head naming it. */
export type EvidenceAnchor = { kind: 'checkpoint'; seq: number } | { kind: 'head'; seq: number; head: AuditHead };

export interface EvidenceChain {
  /** The chain's name: `audit.jsonl` or the Redis stream key (the exporter's statement: nothing signs it). */
  chain: string;
  /** The range the records cover, first and last seq. */
  fromSeq: number;
  toSeq: number;
  /** The seqs of the selected events, in order. */
  selected: number[];
  anchor: EvidenceAnchor;
  /** Every record of seq `fromSeq` to `toSeq`, exactly as stored (selected or not). */
  records: AuditRecord[];
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  version: number;
  /** For a person opening the file. */
  about: string;
  exportedAt: string;
  filter: EvidenceFilter;
  key: EvidenceKey;
  /** Every chain the exporter read; those without a matching event have no entry in `chains`. */
  searched: string[];
  chains: EvidenceChain[];
}

const ABOUT =
  'Audit evidence bundle. For each chain, records holds every record of the trail from the first selected event to the signed anchor ' +
  '(a checkpoint, or the signed head) after the last one, exactly as stored; selected lists the seqs of the events that were asked for ' +
  '(the others travel only to complete the hash chain, in full). Verify it with: npm run audit:verify -- <this file>. ' +
  'An Ed25519 key carried here is trusted only once its fingerprint is confirmed with the trail operator through another channel.';

// ---------------------------------------------------------------------------------------------------------------------
// Keys

/** The fingerprint of an Ed25519 public key: `sha256:` + SHA-256 (hex) of its raw 32 bytes. */
export function ed25519Fingerprint(publicJwk: crypto.JsonWebKey): string {
  return `sha256:${crypto
    .createHash('sha256')
    .update(Buffer.from(publicJwk.x ?? '', 'base64url'))
    .digest('hex')}`;
}

/** A fingerprint as a person may type it (`SHA256:AB:CD...`, spaces, no prefix) in the form `ed25519Fingerprint` gives; null if it is not one. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? `sha256:${hex}` : null;
}

/** The id the writer gives an Ed25519 key (signing.ts): derived from the public key, so a bundle's key and id must agree. */
function ed25519KeyId(publicJwk: crypto.JsonWebKey): string {
  return `ed25519:${sha256(publicJwk.x ?? '').slice(0, 16)}`;
}

/** What a bundle says about the key: HMAC by id only; Ed25519 with the public part of its key file (`publicKeyFileContent`). */
export function evidenceKeyOf(key: AuditKey, publicKeyFileContent?: string): EvidenceKey {
  if (key.alg === 'HS256') return { alg: 'HS256', keyId: key.keyId };
  if (!publicKeyFileContent) throw new Error(`the Ed25519 key ${key.keyId} needs its key file to be carried in a bundle`);
  const { publicJwk } = JSON.parse(publicKeyFileContent) as { publicJwk: crypto.JsonWebKey };
  return { alg: 'EdDSA', keyId: key.keyId, publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x }, fingerprint: ed25519Fingerprint(publicJwk) };
}

/** A verify-only Ed25519 key from a public JWK. */
export function ed25519PublicKey(publicJwk: crypto.JsonWebKey, keyId: string): AuditKey {
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }, format: 'jwk' });
  return {
    alg: 'EdDSA',
    keyId,
    canSign: false,
    sign() {
      throw new Error(`the key ${keyId} is a public key: it verifies, it does not sign`);
    },
    verify: (data, signature) => crypto.verify(null, Buffer.from(data), publicKey, Buffer.from(signature, 'base64url')),
  };
}

/** The fingerprint of a verify key, when it is an Ed25519 key given as a key file's public part. */
export function fingerprintOfKeyFile(content: string): string | null {
  try {
    const { publicJwk } = JSON.parse(content) as { publicJwk?: crypto.JsonWebKey };
    return publicJwk?.x ? ed25519Fingerprint(publicJwk) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Export

/** One chain to export from: a file trail, one Redis stream (the stores have these members). */
export interface EvidenceSource {
  readonly chain: string;
  records(): AsyncIterable<StoredRecord>;
  head(): Promise<AuditHead | null>;
}

/** The chains of a store: one for a file or a stream, every replica's for a merged Redis store. */
export async function evidenceSources(store: FileAuditStore | RedisAuditStore | MergedRedisAuditStore): Promise<EvidenceSource[]> {
  return store instanceof MergedRedisAuditStore ? await store.chains() : [store];
}

/** The export cannot be made as asked (the trail is damaged in the range, or not yet anchored): nothing is written. */
export class EvidenceExportError extends Error {
  constructor(
    message: string,
    readonly chain: string,
  ) {
    super(message);
  }
}

function parseRecord(text: string): AuditRecord | null {
  try {
    const record = JSON.parse(text) as AuditRecord;
    return typeof record?.seq === 'number' && typeof record.hash === 'string' && typeof record.prevHash === 'string' ? record : null;
  } catch {
    return null;
  }
}

/**
 * One chain's part of a bundle: the records from the first event matching `filter` to the first checkpoint after the
 * last one (or, when none follows yet, the record the signed head names); null when no event matches.
 */
export async function collectChainEvidence(source: EvidenceSource, filter: EvidenceFilter): Promise<EvidenceChain | null> {
  const range: ({ record: AuditRecord } | { damaged: string })[] = [];
  const selected: number[] = [];
  let lastSelected = -1;
  /** Index in `range` of the first checkpoint after the last selected event (-1: none yet). */
  let anchorIndex = -1;
  for await (const { position, text } of source.records()) {
    if (!text.trim()) continue;
    const record = parseRecord(text);
    const matches = record?.kind === 'event' && matchesFilter(record, filter);
    if (!matches && selected.length === 0) continue;
    if (!record) {
      range.push({ damaged: position });
      continue;
    }
    range.push({ record });
    if (matches) {
      selected.push(record.seq);
      lastSelected = range.length - 1;
      anchorIndex = -1;
    } else if (record.kind === 'checkpoint' && anchorIndex < 0) {
      anchorIndex = range.length - 1;
    }
  }
  if (selected.length === 0) return null;
  const lastSeq = selected[selected.length - 1];
  let anchor: EvidenceAnchor;
  if (anchorIndex >= 0) {
    anchor = { kind: 'checkpoint', seq: (range[anchorIndex] as { record: AuditRecord }).record.seq };
  } else {
    const head = await source.head();
    if (!head || head.seq < lastSeq) {
      throw new EvidenceExportError(
        `chain ${source.chain}: the events from seq ${lastSeq} on are not yet covered by a signed checkpoint${head ? ` (the signed head is at seq ${head.seq})` : ' and the chain has no signed head'}; ` +
          'the gateway writes the next checkpoint within AUDIT_CHECKPOINT_SECONDS and at shutdown: export again then, or use --to to stop before them',
        source.chain,
      );
    }
    anchorIndex = range.findIndex((entry, index) => index >= lastSelected && 'record' in entry && entry.record.seq === head.seq);
    if (anchorIndex < 0) {
      throw new EvidenceExportError(
        `chain ${source.chain}: the signed head names seq ${head.seq}, which is not in the trail after seq ${lastSeq} (the trail was cut off or reordered: run npm run audit:verify)`,
        source.chain,
      );
    }
    anchor = { kind: 'head', seq: head.seq, head };
  }
  const records: AuditRecord[] = [];
  for (const entry of range.slice(0, anchorIndex + 1)) {
    if ('damaged' in entry) {
      throw new EvidenceExportError(
        `chain ${source.chain}: ${entry.damaged} is not a complete audit record, inside the range to export (seq ${selected[0]} to ${anchor.seq}); run npm run audit:verify`,
        source.chain,
      );
    }
    records.push(entry.record);
  }
  return { chain: source.chain, fromSeq: records[0].seq, toSeq: records[records.length - 1].seq, selected, anchor, records };
}

/** A bundle of the events matching `filter` in every source (chains with no match are only listed in `searched`). */
export async function exportEvidence(sources: EvidenceSource[], filter: EvidenceFilter, key: EvidenceKey, now: Date = new Date()): Promise<EvidenceBundle> {
  const stated: EvidenceFilter = {};
  for (const field of EVIDENCE_FILTER_FIELDS) if (filter[field] !== undefined) stated[field] = filter[field];
  const chains: EvidenceChain[] = [];
  for (const source of sources) {
    const chain = await collectChainEvidence(source, stated);
    if (chain) chains.push(chain);
  }
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    about: ABOUT,
    exportedAt: now.toISOString(),
    filter: stated,
    key,
    searched: sources.map((source) => source.chain),
    chains,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Verification

/**
 * Why a bundle is rejected. `damaged`: not a well-formed bundle or record; `changed`: a record's content does not match
 * its hash, or a link or the signed head does not match the record before it; `removed`, `reordered`, `inserted`: a gap,
 * a move or a repeat in the seqs; `signature`: a checkpoint's or the head's signature is not valid for the key (forged);
 * `key`: signed with another key than the one trusted, or the key does not match the confirmed fingerprint;
 * `unanchored`: the range does not end in its signed anchor; `selection`: the selected seqs are not events of the range
 * (a selection that differs from what the stated filter matches is reported, not rejected); `replayed`: an event in two chains.
 */
export type EvidenceProblemKind = 'damaged' | 'changed' | 'removed' | 'reordered' | 'inserted' | 'signature' | 'key' | 'unanchored' | 'selection' | 'replayed';

export interface EvidenceProblem {
  reason: EvidenceProblemKind;
  chain: string | null;
  seq: number | null;
  message: string;
}

/** The bundle cannot be verified as given (not a bundle, a newer format, the HMAC key missing): neither verified nor rejected. */
export class EvidenceInputError extends Error {}

export interface EvidenceVerifyOptions {
  /** The HMAC audit key, for a bundle signed with one. */
  hmacKey?: AuditKey | null;
  /** An Ed25519 public key the reader obtained from the operator (trusted as given). */
  publicKey?: AuditKey | null;
  /** Its fingerprint, when `publicKey` was read from a key file. */
  publicKeyFingerprint?: string | null;
  /** The fingerprint the reader confirmed out of band (`normalizeFingerprint` form): the key used must have it. */
  fingerprint?: string | null;
}

export interface EvidenceChainResult {
  chain: string;
  fromSeq: number;
  toSeq: number;
  records: number;
  events: number;
  checkpoints: number;
  selected: number[];
  anchor: { kind: 'checkpoint' | 'head'; seq: number; time: string } | null;
  /** The range begins the chain (seq 1, linked to the genesis hash): no record comes before it. */
  startsChain: boolean;
  /** Whether the selection was re-checked, and found to be exactly the events of the range that match the stated filter. */
  selectionChecked: boolean;
  /**
   * Where the stated filter, as this verifier applies it, disagrees with the selection (null when it agrees or was not
   * checked). Not a rejection: the records' integrity does not depend on it, and a filter field's meaning can differ
   * between the exporter's version and this one; it is reported, and the selection is then only the exporter's word.
   */
  selectionMismatch: string | null;
  /** Notices the writer put in the chain within the range. */
  notices: { seq: number; severity: string; notice: string; details: unknown }[];
}

export interface EvidenceResult {
  ok: boolean;
  /** Why the bundle was rejected (null when verified). */
  reason: EvidenceProblemKind | null;
  problem: EvidenceProblem | null;
  exportedAt: string | null;
  filter: EvidenceFilter | null;
  key: {
    alg: 'HS256' | 'EdDSA';
    keyId: string;
    fingerprint: string | null;
    /** `given`: the reader's own key; `confirmed`: the bundle's Ed25519 key, matching the fingerprint the reader gave; `bundle`: the bundle's, unconfirmed. */
    source: 'given' | 'confirmed' | 'bundle';
    /** Whether the signatures tell who signed: false for a key that came with the bundle and was not confirmed. */
    trusted: boolean;
  } | null;
  chains: EvidenceChainResult[];
  selectedEvents: number;
  /** What the bundle proves (empty when rejected). */
  proven: string[];
  /** What it does not prove. */
  notProven: string[];
  warnings: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/** Checks a bundle read from a file's text: a file that does not parse is damaged if it says it is a bundle, else not one. */
export function verifyEvidenceText(text: string, options: EvidenceVerifyOptions = {}): EvidenceResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (!text.includes(EVIDENCE_FORMAT)) throw new EvidenceInputError('the file is not JSON, so not an evidence bundle (npm run audit:export writes one)');
    return rejected({ reason: 'damaged', chain: null, seq: null, message: `the bundle is not valid JSON (${(error as Error).message}): it was damaged or cut off` }, null);
  }
  return verifyEvidence(parsed, options);
}

function rejected(problem: EvidenceProblem, base: Partial<EvidenceResult> | null): EvidenceResult {
  return {
    exportedAt: null,
    filter: null,
    key: null,
    chains: [],
    selectedEvents: 0,
    warnings: [],
    ...base,
    ok: false,
    reason: problem.reason,
    problem,
    proven: [],
    notProven: ['Nothing: the bundle was rejected, so none of its records can be relied on.'],
  };
}

/**
 * Checks a bundle offline. Per chain: every record's hash, the `prevHash` links, seqs without gap, repeat or move, each
 * checkpoint's `covers` and signature, the anchor at the end (checkpoint or signed head), the selected seqs (events of
 * the range, and exactly those matching the stated filter); across chains, no event in two. Stops at the first problem.
 */
export function verifyEvidence(input: unknown, options: EvidenceVerifyOptions = {}): EvidenceResult {
  if (!isObject(input) || input.format !== EVIDENCE_FORMAT)
    throw new EvidenceInputError(`this is not an evidence bundle (no "format": "${EVIDENCE_FORMAT}"; npm run audit:export writes one)`);
  if (input.version !== EVIDENCE_VERSION) {
    throw new EvidenceInputError(
      `the bundle is of format version ${JSON.stringify(input.version)}; this verifier reads version ${EVIDENCE_VERSION} (a newer exporter made it: update the verifier)`,
    );
  }
  const damaged = (message: string, chain: string | null = null, seq: number | null = null) => rejected({ reason: 'damaged', chain, seq, message }, null);
  const bundleKey = input.key;
  if (!isObject(bundleKey) || (bundleKey.alg !== 'HS256' && bundleKey.alg !== 'EdDSA') || typeof bundleKey.keyId !== 'string')
    return damaged('the bundle does not name a valid key ("key")');
  if (!Array.isArray(input.chains) || input.chains.length === 0) return damaged('the bundle holds no chain ("chains" is empty or missing)');
  if (!isObject(input.filter)) return damaged('the bundle has no "filter"');
  const base: Partial<EvidenceResult> = { exportedAt: typeof input.exportedAt === 'string' ? input.exportedAt : null, filter: input.filter as EvidenceFilter };

  // The key: the reader's own, or the bundle's Ed25519 key (trusted once its fingerprint is confirmed).
  let key: AuditKey;
  let keyInfo: NonNullable<EvidenceResult['key']>;
  if (bundleKey.alg === 'HS256') {
    if (!options.hmacKey || options.hmacKey.alg !== 'HS256') {
      throw new EvidenceInputError(`the bundle is signed with the HMAC key ${bundleKey.keyId}: give that key (--hmac-key-file <file>, or AUDIT_SIGNING_KEY) to verify it`);
    }
    key = options.hmacKey;
    keyInfo = { alg: 'HS256', keyId: key.keyId, fingerprint: null, source: 'given', trusted: true };
    base.key = keyInfo;
    if (key.keyId !== bundleKey.keyId) {
      return rejected(
        {
          reason: 'key',
          chain: null,
          seq: null,
          message: `the bundle says it is signed with the HMAC key ${bundleKey.keyId}, but the key given is ${key.keyId}: a different key, or the bundle's statement was altered`,
        },
        base,
      );
    }
  } else {
    const publicJwk = bundleKey.publicJwk;
    if (!isObject(publicJwk) || typeof publicJwk.x !== 'string') return damaged('the bundle names an Ed25519 key without its public key ("key.publicJwk.x")');
    const carried = { keyId: bundleKey.keyId, fingerprint: ed25519Fingerprint(publicJwk as crypto.JsonWebKey) };
    if (options.publicKey) {
      key = options.publicKey;
      keyInfo = { alg: 'EdDSA', keyId: key.keyId, fingerprint: options.publicKeyFingerprint ?? null, source: 'given', trusted: true };
    } else {
      try {
        key = ed25519PublicKey(publicJwk as crypto.JsonWebKey, carried.keyId);
      } catch (error) {
        return damaged(`the bundle's public key cannot be read: ${(error as Error).message}`);
      }
      keyInfo = { alg: 'EdDSA', keyId: carried.keyId, fingerprint: carried.fingerprint, source: 'bundle', trusted: false };
    }
    base.key = keyInfo;
    if (ed25519KeyId(publicJwk as crypto.JsonWebKey) !== carried.keyId || (bundleKey.fingerprint !== undefined && bundleKey.fingerprint !== carried.fingerprint)) {
      return rejected(
        { reason: 'key', chain: null, seq: null, message: `the bundle's key ${carried.keyId} does not match the public key it carries: the key was replaced or altered` },
        base,
      );
    }
    if (options.fingerprint) {
      if (keyInfo.fingerprint !== options.fingerprint) {
        return rejected(
          {
            reason: 'key',
            chain: null,
            seq: null,
            message: `the key ${keyInfo.source === 'bundle' ? 'carried in the bundle' : 'given'} has the fingerprint ${keyInfo.fingerprint ?? 'unknown'}, not the confirmed ${options.fingerprint}: the bundle was not signed with the key you confirmed`,
          },
          base,
        );
      }
      if (keyInfo.source === 'bundle') keyInfo.source = 'confirmed';
      keyInfo.trusted = true;
    }
  }

  const chains: EvidenceChainResult[] = [];
  const seenChains = new Set<string>();
  const eventChain = new Map<string, string>();
  const filter = input.filter as Record<string, unknown>;
  const unknownFields = Object.keys(filter).filter((field) => !(EVIDENCE_FILTER_FIELDS as readonly string[]).includes(field));
  const filterProblem = Object.entries(filter).find(
    ([field, value]) =>
      (EVIDENCE_FILTER_FIELDS as readonly string[]).includes(field) &&
      (typeof value !== 'string' || value === '' || ((field === 'from' || field === 'to') && Number.isNaN(Date.parse(value)))),
  );
  if (filterProblem) return damaged(`the bundle's filter has an invalid ${filterProblem[0]} (${JSON.stringify(filterProblem[1])})`);
  const recheck = unknownFields.length === 0;

  for (const raw of input.chains as unknown[]) {
    const outcome = verifyChain(raw, key, recheck ? (filter as EvidenceFilter) : null);
    if ('problem' in outcome) return rejected(outcome.problem, { ...base, chains });
    const { result, events } = outcome;
    if (seenChains.has(result.chain)) return damaged(`the chain ${result.chain} appears twice in the bundle`, result.chain);
    seenChains.add(result.chain);
    for (const event of events) {
      const other = eventChain.get(event.id);
      if (other !== undefined && other !== result.chain) {
        return rejected(
          {
            reason: 'replayed',
            chain: result.chain,
            seq: event.seq,
            message: `event ${event.id} at seq ${event.seq} of chain ${result.chain} is also recorded in chain ${other}: an event is recorded once, by the replica that served it`,
          },
          { ...base, chains },
        );
      }
      eventChain.set(event.id, result.chain);
    }
    chains.push(result);
  }

  const result: EvidenceResult = {
    ok: true,
    reason: null,
    problem: null,
    exportedAt: base.exportedAt ?? null,
    filter: base.filter ?? null,
    key: keyInfo,
    chains,
    selectedEvents: chains.reduce((total, chain) => total + chain.selected.length, 0),
    proven: [],
    notProven: [],
    warnings: [],
  };
  describeProof(result, recheck ? [] : unknownFields);
  return result;
}

type ChainOutcome = { result: EvidenceChainResult; events: AuditEventRecord[] } | { problem: EvidenceProblem };

function verifyChain(raw: unknown, key: AuditKey, filter: EvidenceFilter | null): ChainOutcome {
  const name = isObject(raw) && typeof raw.chain === 'string' ? raw.chain : null;
  const problem = (reason: EvidenceProblemKind, seq: number | null, message: string): ChainOutcome => ({
    problem: { reason, chain: name, seq, message },
  });
  if (!isObject(raw) || name === null) return problem('damaged', null, 'a chain of the bundle has no name ("chain")');
  if (!isSeq(raw.fromSeq) || !isSeq(raw.toSeq) || !Array.isArray(raw.records) || !Array.isArray(raw.selected) || !isObject(raw.anchor)) {
    return problem('damaged', null, 'the chain lacks its range ("fromSeq", "toSeq"), "records", "selected" or "anchor"');
  }
  const records = raw.records as unknown[];
  if (records.length === 0) return problem('removed', raw.fromSeq, `the chain's range is seq ${raw.fromSeq} to ${raw.toSeq} but it holds no record: they were removed`);

  // Seqs of the records, to tell a removed record from a moved one.
  const indexesOf = new Map<number, number[]>();
  records.forEach((record, index) => {
    if (isObject(record) && isSeq(record.seq)) indexesOf.set(record.seq, [...(indexesOf.get(record.seq) ?? []), index]);
  });

  const result: EvidenceChainResult = {
    chain: name,
    fromSeq: raw.fromSeq,
    toSeq: raw.toSeq,
    records: records.length,
    events: 0,
    checkpoints: 0,
    selected: [],
    anchor: null,
    startsChain: false,
    selectionChecked: false,
    selectionMismatch: null,
    notices: [],
  };
  const events: AuditEventRecord[] = [];
  let previous: AuditRecord | null = null;
  let lastCheckpointSeq = 0;
  for (let index = 0; index < records.length; index++) {
    const entry = records[index];
    const where = `record ${index + 1} of the chain`;
    if (
      !isObject(entry) ||
      !isSeq(entry.seq) ||
      typeof entry.hash !== 'string' ||
      typeof entry.prevHash !== 'string' ||
      (entry.kind !== 'event' && entry.kind !== 'checkpoint' && entry.kind !== 'notice')
    ) {
      return problem('damaged', previous ? previous.seq + 1 : null, `${where} is not a complete audit record`);
    }
    const record = entry as unknown as AuditRecord;
    if (previous) {
      const expected = previous.seq + 1;
      if (record.seq !== expected) {
        const earlier = (indexesOf.get(record.seq) ?? []).some((at) => at < index);
        const later = (indexesOf.get(expected) ?? []).some((at) => at > index);
        if (earlier) return problem('inserted', record.seq, `seq ${record.seq} appears a second time (${where}): a record was inserted or duplicated`);
        if (later) return problem('reordered', expected, `seq ${expected} was moved after seq ${record.seq}: the records were reordered`);
        if (record.seq > expected) {
          const missing = record.seq - 1 === expected ? `seq ${expected} was removed` : `seq ${expected} to ${record.seq - 1} were removed`;
          return problem('removed', expected, `${missing}: seq ${record.seq} follows seq ${previous.seq}`);
        }
        return problem('reordered', record.seq, `seq ${record.seq} comes after seq ${previous.seq} (out of order)`);
      }
    }
    if (recordHash(record) !== record.hash) return problem('changed', record.seq, `seq ${record.seq} (${record.kind}) was changed: its content no longer matches its hash`);
    if (previous && record.prevHash !== previous.hash) {
      return problem('changed', previous.seq, `seq ${previous.seq} was changed and its hash recomputed: seq ${record.seq} records a different hash for the record before it`);
    }
    if (record.kind === 'checkpoint') {
      const issue = checkpointProblem(record, key, lastCheckpointSeq);
      if (issue) return problem(issue.reason, record.seq, issue.message);
      lastCheckpointSeq = record.seq;
      result.checkpoints++;
    } else if (record.kind === 'notice') {
      const notice = record as AuditNoticeRecord;
      result.notices.push({ seq: notice.seq, severity: String(notice.severity), notice: String(notice.notice), details: notice.details });
    } else {
      result.events++;
      events.push(record);
    }
    previous = record;
  }
  const first = records[0] as AuditRecord;
  const last = previous!;
  result.startsChain = first.seq === 1 && first.prevHash === GENESIS_HASH;
  if (first.seq !== raw.fromSeq) {
    return first.seq > raw.fromSeq
      ? problem('removed', raw.fromSeq, `the range starts at seq ${raw.fromSeq} but the first record is seq ${first.seq}: seq ${raw.fromSeq} to ${first.seq - 1} were removed`)
      : problem('inserted', first.seq, `the range starts at seq ${raw.fromSeq} but the first record is seq ${first.seq}: records were added before it`);
  }
  if (last.seq !== raw.toSeq) {
    return last.seq < raw.toSeq
      ? problem('removed', last.seq + 1, `the range ends at seq ${raw.toSeq} but the last record is seq ${last.seq}: seq ${last.seq + 1} to ${raw.toSeq} were removed`)
      : problem('inserted', raw.toSeq + 1, `the range ends at seq ${raw.toSeq} but the records go on to seq ${last.seq}: records were added after it`);
  }

  // The anchor: the signed statement that ends the range.
  const anchor = raw.anchor;
  if (anchor.kind === 'checkpoint') {
    if (anchor.seq !== last.seq || last.kind !== 'checkpoint') {
      return problem(
        'unanchored',
        last.seq,
        `the chain is said to end in the checkpoint seq ${String(anchor.seq)}, but its last record is the ${last.kind} seq ${last.seq}: nothing signs the records`,
      );
    }
    result.anchor = { kind: 'checkpoint', seq: last.seq, time: last.time };
  } else if (anchor.kind === 'head') {
    const head = anchor.head;
    if (!isObject(head) || head.kind !== 'head' || !isSeq(head.seq) || typeof head.hash !== 'string' || typeof head.signature !== 'string' || typeof head.keyId !== 'string') {
      return problem('damaged', null, 'the chain ends in a signed head that is incomplete ("anchor.head")');
    }
    const signed = head as unknown as AuditHead;
    if (signed.keyId !== key.keyId) return problem('key', signed.seq, `the signed head is signed with the key ${signed.keyId}, not ${key.keyId}`);
    if (!key.verify(headSigningInput(signed), signed.signature)) {
      return problem('signature', signed.seq, `the signed head (seq ${signed.seq}) has an invalid signature for the key ${key.keyId}: it was forged or altered`);
    }
    if (signed.seq !== last.seq)
      return problem('unanchored', last.seq, `the signed head names seq ${signed.seq}, but the chain's last record is seq ${last.seq}: nothing signs the records`);
    if (signed.hash !== last.hash) {
      return problem('changed', last.seq, `seq ${last.seq}'s hash differs from the one in the signed head: it, or a record before it, was changed and the hashes recomputed`);
    }
    result.anchor = { kind: 'head', seq: signed.seq, time: signed.time };
  } else {
    return problem('unanchored', null, `the chain names no signed anchor ("anchor.kind" is ${JSON.stringify(anchor.kind)})`);
  }

  // The selection: events of the range, and (when the filter is known) exactly those matching it.
  const selected = raw.selected as unknown[];
  if (selected.length === 0) return problem('selection', null, 'the chain lists no selected event');
  const bySeq = new Map((records as AuditRecord[]).map((record) => [record.seq, record]));
  const chosen = new Set<number>();
  for (const seq of selected) {
    const record = isSeq(seq) ? bySeq.get(seq) : undefined;
    if (!record || record.kind !== 'event') {
      return problem('selection', isSeq(seq) ? seq : null, `the selected seq ${JSON.stringify(seq)} is not an event of the range seq ${raw.fromSeq} to ${raw.toSeq}`);
    }
    if (chosen.has(record.seq)) return problem('selection', record.seq, `seq ${record.seq} is selected twice`);
    chosen.add(record.seq);
  }
  if (filter) {
    // An event this version's filter cannot read (a field it expects is missing) counts as not matching.
    const matches = (event: AuditEventRecord) => {
      try {
        return matchesFilter(event, filter);
      } catch {
        return false;
      }
    };
    const unselected = events.filter((event) => !chosen.has(event.seq) && matches(event)).map((event) => event.seq);
    const unmatched = events.filter((event) => chosen.has(event.seq) && !matches(event)).map((event) => event.seq);
    if (unselected.length > 0 || unmatched.length > 0) {
      result.selectionMismatch = [
        unselected.length > 0
          ? `seq ${seqList(unselected)} match${unselected.length === 1 ? 'es' : ''} the stated filter but ${unselected.length === 1 ? 'is' : 'are'} not selected`
          : null,
        unmatched.length > 0 ? `seq ${seqList(unmatched)} ${unmatched.length === 1 ? 'is' : 'are'} selected but do${unmatched.length === 1 ? 'es' : ''} not match it` : null,
      ]
        .filter(Boolean)
        .join('; ');
    } else {
      result.selectionChecked = true;
    }
  }
  result.selected = [...chosen].sort((a, b) => a - b);
  return { result, events };
}

function checkpointProblem(record: AuditCheckpointRecord, key: AuditKey, previousCheckpointSeq: number): { reason: EvidenceProblemKind; message: string } | null {
  const covers = record.covers;
  if (!isObject(covers) || covers.toSeq !== record.seq - 1 || !isSeq(covers.fromSeq) || covers.fromSeq <= previousCheckpointSeq) {
    return { reason: 'changed', message: `checkpoint seq ${record.seq} covers ${JSON.stringify(covers)}, which does not fit the chain` };
  }
  if (record.keyId !== key.keyId) return { reason: 'key', message: `checkpoint seq ${record.seq} is signed with the key ${record.keyId}, not ${key.keyId}` };
  if (typeof record.signature !== 'string' || !key.verify(checkpointSigningInput(record), record.signature)) {
    return {
      reason: 'signature',
      message: `checkpoint seq ${record.seq} has an invalid signature for the key ${key.keyId}: it was forged, and the records it signs were rewritten with recomputed hashes`,
    };
  }
  return null;
}

const seqList = (seqs: number[]) => (seqs.length <= 12 ? seqs.join(', ') : `${seqs.slice(0, 10).join(', ')}, ... ${seqs[seqs.length - 1]} (${seqs.length})`);

/** Fills `proven` and `notProven` of a verified bundle: sentences an auditor can quote. */
function describeProof(result: EvidenceResult, unknownFilterFields: string[]): void {
  const key = result.key!;
  const signer =
    key.alg === 'HS256'
      ? `the HMAC key ${key.keyId} (the key you gave)`
      : `the Ed25519 key ${key.keyId} (fingerprint ${key.fingerprint ?? 'of the key file you gave'}${key.source === 'given' ? ', the key you gave' : key.source === 'confirmed' ? ', the fingerprint you confirmed' : ', carried in the bundle'})`;
  for (const chain of result.chains) {
    const anchor = chain.anchor!;
    const signedUpTo = anchor.kind === 'checkpoint' ? anchor.seq - 1 : anchor.seq;
    const anchorText = anchor.kind === 'checkpoint' ? `checkpoint seq ${anchor.seq}` : `the signed head (seq ${anchor.seq})`;
    const first = chain.selected[0];
    const last = chain.selected[chain.selected.length - 1];
    result.proven.push(
      `Chain ${chain.chain}, seq ${chain.fromSeq} to ${chain.toSeq} (${chain.records} records: ${chain.events} events, ${chain.checkpoints} checkpoints${chain.notices.length ? `, ${chain.notices.length} notices` : ''}): ` +
        `each record matches its SHA-256 hash and links to the record before it, with no seq missing, repeated or out of order, and ${anchorText}, signed at ${anchor.time} (signer's clock) with ${signer}, ` +
        `covers the chain up to seq ${signedUpTo}: none of these records was altered, removed or inserted after it was signed.`,
      `Its ${chain.selected.length} selected event${chain.selected.length === 1 ? '' : 's'} (seq ${seqList(chain.selected)}) are unaltered, and ` +
        (first === last
          ? 'it is in the range above.'
          : `no event was removed between the first selected (seq ${first}) and the last (seq ${last}): every record between them is in the bundle.`),
    );
    if (chain.startsChain) result.proven.push(`Chain ${chain.chain} begins with this range (seq 1, linked to the genesis hash): no record of it comes before.`);
    if (chain.selectionChecked) result.proven.push(`The selected events are exactly the events of seq ${chain.fromSeq} to ${chain.toSeq} that match the stated filter.`);
    if (chain.selectionMismatch) {
      result.warnings.push(`chain ${chain.chain}: the selection is not what the stated filter matches here: ${chain.selectionMismatch}`);
      result.notProven.push(
        `Chain ${chain.chain}: that the selection is what the stated filter matches. As this verifier applies the filter, ${chain.selectionMismatch} (the bundle's selection was altered, or the exporter's version reads a filter field differently); every record of the range is proven all the same, selected or not.`,
      );
    }
    for (const notice of chain.notices) {
      if (notice.severity === 'error') {
        result.notProven.push(
          `Chain ${chain.chain}: at seq ${notice.seq} the gateway wrote the notice "${notice.notice}" (it found the trail not as it had left it): records before seq ${notice.seq} are proven as they stood then, not as first written.`,
        );
      } else {
        result.warnings.push(`chain ${chain.chain}: at seq ${notice.seq} the gateway wrote the notice "${notice.notice}": ${JSON.stringify(notice.details)}`);
      }
    }
  }
  if (result.chains.length > 1) result.proven.push(`No event in the bundle is recorded in two of its ${result.chains.length} chains (no replay between them).`);

  if (key.alg === 'HS256') {
    result.notProven.push(
      `Who signed, beyond "a holder of the HMAC key ${key.keyId}": every gateway and the audit subgraph hold it, and so do you, so any of them could have written and signed these records; HMAC evidence holds only against those without the key (Ed25519 checkpoints are evidence for a third party).`,
    );
  } else if (!key.trusted) {
    result.notProven.push(
      `Who signed: the Ed25519 key came with the bundle, so whoever rewrote the bundle could have replaced it. Everything above holds only once you confirm the fingerprint ${key.fingerprint} with the trail's operator through another channel than the bundle (then verify with --fingerprint ${key.fingerprint}), or verify with --key and the operator's public key file.`,
    );
  }
  const ranges = result.chains.map((chain) => `seq ${chain.fromSeq} to ${chain.toSeq} of ${chain.chain}`).join(', ');
  result.notProven.push(
    `Anything outside ${ranges}: whether other events matching the filter exist before the first selected event or after the range is not shown (the exporter chose the range; removing a whole selected event at either end of it leaves a smaller bundle that still verifies).`,
    ...(result.chains.some((chain) => !chain.startsChain)
      ? ['That the records before each range are intact: the first record\'s link to them ("prevHash") is taken as it is.']
      : []),
    "The chain names, the export time, the filter and the list of chains searched: they are the exporter's statements, which no checkpoint signs.",
    "That what an event says is true: it is what the gateway recorded at the time, with its own clock and the principal it authenticated (a client's name and request id as claimed).",
    'That every operation was recorded: only what the gateway wrote into the chain is covered (requests refused before GraphQL, and events dropped under AUDIT_FAIL_OPEN, never entered it; a notice in the chain says when its sink failed).',
  );
  if (unknownFilterFields.length > 0) {
    result.notProven.push(
      `That the selection is exactly what the filter matches: the filter uses ${unknownFilterFields.join(', ')}, which this verifier does not know, so the selection was not re-checked.`,
    );
  }
}

/** Lines of text for people: the verdict, each chain, what is proven and what is not. */
export function describeEvidence(result: EvidenceResult): string[] {
  const lines: string[] = [];
  if (!result.ok) {
    const problem = result.problem!;
    const at = [problem.seq !== null ? `at seq ${problem.seq}` : null, problem.chain !== null ? `chain ${problem.chain}` : null].filter(Boolean).join(', ');
    lines.push(`REJECTED (${problem.reason}${at ? `, ${at}` : ''}): ${problem.message}.`);
    lines.push('Nothing in this bundle is proven.');
    return lines;
  }
  const key = result.key!;
  const trust = key.trusted ? (key.source === 'given' ? 'the key you gave' : 'the fingerprint you confirmed') : 'carried in the bundle, NOT confirmed: see below';
  lines.push(
    `VERIFIED: ${result.selectedEvents} selected event${result.selectedEvents === 1 ? '' : 's'} in ${result.chains.length} chain${result.chains.length === 1 ? '' : 's'}, exported ${result.exportedAt ?? '(time not stated)'}; filter ${JSON.stringify(result.filter)}.`,
    `  key: ${key.alg} ${key.keyId}${key.fingerprint ? `, fingerprint ${key.fingerprint}` : ''} (${trust})`,
  );
  for (const chain of result.chains) {
    lines.push(`  chain ${chain.chain}: seq ${chain.fromSeq} to ${chain.toSeq}, ${chain.selected.length} selected, anchored by ${chain.anchor!.kind} seq ${chain.anchor!.seq}`);
  }
  lines.push('Proven:', ...result.proven.map((line) => `  - ${line}`), 'Not proven:', ...result.notProven.map((line) => `  - ${line}`));
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  return lines;
}
