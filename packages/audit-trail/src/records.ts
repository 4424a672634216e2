import { createHash } from 'node:crypto';
import type { AccessMarking } from '@cmcc/contracts';

/**
 * What the audit trail holds. Every record (event, checkpoint, notice) carries `seq` (1, 2, 3... with no gap),
 * `prevHash` (the `hash` of the record before it; 64 zeros for the first) and `hash`: SHA-256 over the canonical JSON
 * of the record without `hash`. Changing, removing or reordering a record breaks the chain; signed checkpoints and the
 * signed head stop anyone without the key from recomputing it.
 */
export const FORMAT_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditPrincipal {
  subject: string;
  nation: string | null;
  organization: string | null;
  roles: string[];
  clearance: string;
}

/**
 * An entity found in the result: at the top level of a root field (the value itself, a connection's `edges.node` or
 * `nodes`, a mutation payload's records), or nested at any depth below one (a related record, another subgraph's entity
 * reference), when it carries `id`/`pcode` and its type is known (`__typename`, or a field whose type is an object type).
 */
export interface AuditEntity {
  /** The root field's response key (its alias, if any). */
  field: string;
  type: string;
  /** The value of `id` (or `pcode`) in the result. */
  key: string;
  /** The record's version, when the result included `version` or `provenance.version`. */
  version?: number;
  /**
   * Nested entities only (absent for one at the top of its root field): where in the answer it was first found, as a
   * response path from the root (`areas.0.incidents.2.convoy`; aliases as the client wrote them).
   */
  path?: string;
  /**
   * Nested entities only: the fields walked from the root to it, as schema coordinates without the connection plumbing
   * (`Query.areas > Area.incidents > SecurityIncident.convoy`): how the record was reached, e.g. through an entity
   * reference another subgraph resolved.
   */
  via?: string;
}

/** A record a subgraph withheld (FORBIDDEN), by response path, and, when the request named it by key, which record. */
export interface AuditWithheld {
  path: string;
  service?: string;
  /**
   * The key the request named the withheld record by (the root field's `id`/`pcode` argument, or `input.id`/`input.pcode`
   * of a mutation), when the withheld path is a root field; absent when the gateway cannot tell which record it was.
   */
  key?: string;
  /** The type of that record, when the schema says it (the root field's type, or the record type of a mutation payload). */
  type?: string;
}

export interface AuditChange {
  /** The mutation field, e.g. `upsertDisplacementSite`. */
  field: string;
  /** Its arguments, with variables substituted and sensitive values redacted. */
  arguments: Record<string, unknown>;
  /** The records it returned (ids and versions): what it created or changed. */
  records: { type: string; key: string; version?: number }[];
  /** The codes of the payload's `userErrors`, when selected (a mutation with user errors writes nothing). */
  userErrors?: string[];
}

/**
 * The markings of the records an event describes, as the subgraphs reported them (deduplicated). The audit subgraph
 * shows the event's payload only to an auditor every one of them releases, and only when `complete`.
 */
export interface AuditMarkings {
  /** False when the gateway cannot know every record the payload could be about (see gateway/src/audit/markings.ts). */
  complete: boolean;
  records: AccessMarking[];
}

/** One operation through the gateway, as the plugin records it (before it is chained). */
export interface AuditEventContent {
  /** Unique id of the event. */
  id: string;
  /** When the gateway received the operation (ISO 8601, UTC). */
  time: string;
  /** The gateway's own id for the request (never the client's). */
  requestId: string | null;
  /** The `x-request-id` the client sent, stored as claimed (unchecked, at most 128 characters); absent when none. */
  claimedRequestId?: string | null;
  /**
   * Random, never shown by the audit subgraph: makes the event's hash impossible to match against guessed payloads (an
   * auditor shown a redacted event cannot test candidate variables against its `hash`).
   */
  nonce?: string;
  principal: AuditPrincipal | null;
  /** The client application as it named itself (headers apollographql-client-name and -version): claimed, unchecked. */
  client: { name: string | null; version: string | null };
  operation: {
    name: string | null;
    type: 'query' | 'mutation' | 'subscription' | null;
    /** SHA-256 (hex) of the document exactly as received. */
    hash: string | null;
    /** The document printed by graphql-js (comments and layout normalized), literals kept except sensitive ones. */
    document: string | null;
  };
  /** The request's variables, sensitive values replaced by `[REDACTED]`. */
  variables: Record<string, unknown> | null;
  /** Every `Type.field` the executed operation reads (sorted). */
  fields: string[];
  entities: AuditEntity[];
  /** True when more entities were returned than recorded. */
  entitiesTruncated?: boolean;
  /** True when the response came from the gateway's response cache (no subgraph was called; authorization ran as always). */
  cacheHit?: boolean;
  /** The subgraphs the gateway called for this operation (sorted). */
  subgraphs: string[];
  authorization: {
    /** Fields the gateway's authorization removed (schema level): response path and coordinate. */
    removed: { path: string; coordinate: string }[];
    /** Records a subgraph withheld (record level, `FORBIDDEN`), by response path. */
    withheld: AuditWithheld[];
  };
  /** Mutations only: what the operation changed. */
  changes?: AuditChange[];
  /** The markings of the records the event describes (absent in events written before markings were recorded: unknown). */
  markings?: AuditMarkings;
  outcome: {
    /** OK: no errors; PARTIAL: data and errors; FAILED: errors and no data. */
    status: 'OK' | 'PARTIAL' | 'FAILED';
    httpStatus: number;
    /** The distinct `extensions.code`s of the errors returned, in order of appearance. */
    errorCodes: string[];
    errorCount: number;
  };
  durationMs: number;
  /**
   * Live subscriptions only: one event when a subscription starts (`start`) and one when it ends (`end`, with why and
   * how many events were delivered to the subscriber); `durationMs` of an end event is how long it was open.
   */
  subscription?: AuditSubscription;
}

/** The part of an audit event that describes a live subscription's start or end (gateway/src/subscriptions/). */
export interface AuditSubscription {
  phase: 'start' | 'end';
  /** The gateway's id for the subscription (the same in its start and end events). */
  id: string;
  transport: 'ws' | 'sse';
  /** The owning subgraph whose change events drive it. */
  subgraph: string;
  /** The event id the client resumed after; null when it subscribed from now. */
  resumedAfter: string | null;
  /** End only: events delivered to this subscriber. */
  delivered?: number;
  /** End only: why it ended (`complete` by the client, `closed`, `token expired`, `slow consumer`, `shutdown`, ...). */
  reason?: string;
}

interface Chained {
  v: number;
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditEventRecord extends AuditEventContent, Chained {
  kind: 'event';
}

/** A signed statement that the chain up to `seq - 1` ended in `prevHash`. */
export interface AuditCheckpointRecord extends Chained {
  kind: 'checkpoint';
  time: string;
  /** The events since the previous checkpoint this writer made (or since it resumed the trail). */
  covers: { fromSeq: number; toSeq: number; events: number };
  alg: string;
  keyId: string;
  signature: string;
}

/** Something the writer found and wrote into the chain so that it cannot go unnoticed (e.g. a trail damaged while stopped). */
export interface AuditNoticeRecord extends Chained {
  kind: 'notice';
  time: string;
  /**
   * `error`: the trail was damaged or tampered with; `warning`: a crash left traces, or the sink failed for a while
   * (`sink-unavailable`: when, how long, operations refused and events dropped meanwhile); the verifier reports both.
   */
  severity: 'warning' | 'error';
  notice: string;
  details: Record<string, unknown>;
}

export type AuditRecord = AuditEventRecord | AuditCheckpointRecord | AuditNoticeRecord;

/** Kept beside the trail, rewritten after each batch: the last record written, signed. Detects truncation. */
export interface AuditHead {
  kind: 'head';
  seq: number;
  hash: string;
  time: string;
  alg: string;
  keyId: string;
  signature: string;
}

/** JSON with object keys sorted at every level and no whitespace: the bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of a record: SHA-256 of its canonical JSON without the `hash` field. */
export function recordHash(record: object): string {
  const { hash: _hash, ...content } = record as { hash?: string };
  return sha256(canonicalJson(content));
}

/** What a checkpoint's signature covers. */
export function checkpointSigningInput(record: Omit<AuditCheckpointRecord, 'signature' | 'hash'> | AuditCheckpointRecord): string {
  const { kind, v, seq, prevHash, time, covers, alg, keyId } = record;
  return canonicalJson({ kind, v, seq, prevHash, time, covers, alg, keyId });
}

/** What the head's signature covers. */
export function headSigningInput(head: Omit<AuditHead, 'signature'> | AuditHead): string {
  const { kind, seq, hash, time, alg, keyId } = head;
  return canonicalJson({ kind, seq, hash, time, alg, keyId });
}
