import fs from 'node:fs';
import readline from 'node:readline';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis } from '@cmcc/platform';
import type { AuditConfig } from './config.ts';
import type { AuditEventRecord, AuditHead, AuditRecord } from './records.ts';
import { auditKeyFromConfig, type AuditKey } from './signing.ts';
import { fieldOf, HEAD_FILE, TRAIL_FILE } from './sinks.ts';
import { verifyTrail, type StoredRecord, type VerifyResult } from './verify.ts';
import { describesMarking, failureKinds, recordAccesses, type AuditAccess, type AuditFailureKind, type AuditMarkingCriteria } from './investigate.ts';

/**
 * Read access to the audit trail, for the `audit` subgraph and `npm run audit:verify`: events by filter with cursor
 * pagination (newest first), one event by id, and the chain's status. Reads the JSONL file or the Redis stream the
 * gateway writes; it never writes. Filtering scans the trail (no index): fine for the sizes one gateway writes between
 * archives, and the place to add an index if that changes.
 */
export interface AuditEventFilter {
  /** The principal's subject. */
  principal?: string;
  organization?: string;
  nation?: string;
  operationName?: string;
  /** A `Type.field` the operation read (or a mutation field it called, e.g. `Mutation.upsertDisplacementSite`). */
  field?: string;
  /** The key (`id`/`pcode`) of an entity returned or changed (at any depth), or named by a request that was refused it. */
  entityKey?: string;
  /** The type of that entity, e.g. `SecurityIncident`: with `entityKey`, one record; alone, every record of the type. */
  entityType?: string;
  /**
   * With `entityKey`/`entityType`: how the operation touched the record (investigate.ts `recordAccesses`). Alone: READ
   * is every query and subscription, WRITE every mutation.
   */
  access?: AuditAccess;
  /** Events describing at least one record whose marking (`markings.records`) matches every criterion given. */
  marking?: AuditMarkingCriteria;
  /** True: only operations that ended with an error (outcome PARTIAL or FAILED, or an HTTP error status); false: only those that did not. */
  failed?: boolean;
  /** Only events failing in one of these ways (investigate.ts `failureKinds`). */
  failureKinds?: AuditFailureKind[];
  /** Only events that returned an error with this `extensions.code`. */
  errorCode?: string;
  /** Only events answered with this HTTP status. */
  httpStatus?: number;
  /** ISO 8601 times, inclusive. */
  from?: string;
  to?: string;
  /**
   * Whose view the filter runs for: a filter on the payload (`entityKey`, `entityType`, `marking`) matches only events
   * whose payload this releases, so a redacted event cannot be found by the record ids or markings it hides.
   */
  payloadReleased?: (event: AuditEventRecord) => boolean;
}

/** Whether a filter looks into the payload (records and markings), which only an auditor released the payload may search. */
export function filterReadsPayload(filter: AuditEventFilter): boolean {
  return filter.entityKey !== undefined || filter.entityType !== undefined || (filter.marking !== undefined && Object.values(filter.marking).some((value) => value !== undefined));
}

/** An event as a store returns it: with the chain (one per gateway replica) it is recorded in. */
export type ChainedAuditEvent = AuditEventRecord & {
  /** The chain's name: its Redis stream (e.g. `cmcc:audit:gateway-1`) or `audit.jsonl`. `seq` is a position in it. */
  chain: string;
};

/** Any record of the trail (event, checkpoint, notice) with the chain it is in. */
export type ChainedAuditRecord = AuditRecord & { chain: string };

export interface AuditEventPage {
  events: ChainedAuditEvent[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface ChainStatus {
  ok: boolean;
  /** Every record up to this seq verified. */
  verifiedUpToSeq: number;
  lastSeq: number | null;
  events: number;
  lastCheckpoint: { seq: number; time: string } | null;
  /** The first record found broken, and what is wrong with it. */
  brokenAtSeq: number | null;
  problem: string | null;
  warnings: string[];
  checkedAt: string;
  /** Where the chain is stored (each chain's own status, in `chains`). */
  storage?: string;
  /** Each chain's own status: its name, as events give it (`ChainedAuditEvent.chain`). Absent on the whole trail's. */
  chain?: string;
  /** Each chain of the trail (one per gateway replica) with its own status; one entry for a trail of one chain. */
  chains: ChainStatus[];
}

export interface AuditStore {
  readonly description: string;
  /** Newest first. `after` is the `endCursor` of the previous page. */
  listEvents(filter?: AuditEventFilter, page?: { first?: number; after?: string | null }): Promise<AuditEventPage>;
  getEvent(id: string): Promise<ChainedAuditEvent | null>;
  /** The cursor that continues a page after this event (`listEvents`' `after`). */
  cursorOf(event: ChainedAuditEvent): string;
  /** Every stored line or entry, in storage order, as text. */
  records(): AsyncIterable<{ position: string; text: string }>;
  /** Every readable record (events, checkpoints, notices) with its chain, chain by chain in storage order. */
  scan(): AsyncIterable<ChainedAuditRecord>;
  head(): Promise<AuditHead | null>;
  verify(): Promise<VerifyResult>;
  chainStatus(): Promise<ChainStatus>;
  close(): Promise<void>;
}

const MAX_PAGE = 500;

/** A position in a page of events: the seq in its chain and, in a trail of several chains, the event's time and chain. */
export interface AuditCursor {
  seq: number;
  at?: { time: string; chain: string };
}

export function encodeCursor(seq: number, at?: { time: string; chain: string }): string {
  return Buffer.from(at ? `audit:${seq}:${at.time}:${at.chain}` : `audit:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): AuditCursor {
  const match = /^audit:(\d+)(?::(\d{4}-\d{2}-\d{2}T[\d:.]+Z):(\S+))?$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new Error(`"${cursor}" is not a cursor of auditEvents`);
  return { seq: Number(match[1]), ...(match[2] ? { at: { time: match[2], chain: match[3] } } : {}) };
}

/**
 * Whether an event matches every filter given that a redacted event still shows: who, when, which operation and
 * fields, how it ended (everything but the payload criteria).
 */
export function matchesVisibleFilter(event: AuditEventRecord, filter: AuditEventFilter): boolean {
  if (filter.principal && event.principal?.subject !== filter.principal) return false;
  if (filter.organization && event.principal?.organization !== filter.organization) return false;
  if (filter.nation && event.principal?.nation !== filter.nation) return false;
  if (filter.operationName && event.operation.name !== filter.operationName) return false;
  if (filter.field && !event.fields.includes(filter.field)) return false;
  if (filter.from && event.time < new Date(filter.from).toISOString()) return false;
  if (filter.to && event.time > new Date(filter.to).toISOString()) return false;
  if (filter.access && filter.entityKey === undefined && filter.entityType === undefined) {
    if ((filter.access === 'WRITE') !== (event.operation.type === 'mutation')) return false;
  }
  if (filter.failed !== undefined && filter.failed !== failureKinds(event).length > 0) return false;
  if (filter.failureKinds && filter.failureKinds.length > 0 && !failureKinds(event).some((kind) => filter.failureKinds!.includes(kind))) return false;
  if (filter.errorCode && !event.outcome.errorCodes.includes(filter.errorCode)) return false;
  if (filter.httpStatus !== undefined && event.outcome.httpStatus !== filter.httpStatus) return false;
  return true;
}

/** Whether an event's payload matches the payload criteria (`entityKey`, `entityType` with `access`, `marking`), whoever may see it. */
export function matchesPayloadFilter(event: AuditEventRecord, filter: AuditEventFilter): boolean {
  if (filter.entityKey !== undefined || filter.entityType !== undefined) {
    const accesses = recordAccesses(event, { key: filter.entityKey, type: filter.entityType });
    if (accesses.length === 0 || (filter.access && !accesses.includes(filter.access))) return false;
  }
  if (filter.marking && !describesMarking(event, filter.marking)) return false;
  return true;
}

/** Whether an event matches every filter given (payload criteria only where `payloadReleased` releases the payload). */
export function matchesFilter(event: AuditEventRecord, filter: AuditEventFilter): boolean {
  if (!matchesVisibleFilter(event, filter)) return false;
  if (!filterReadsPayload(filter)) return true;
  if (filter.payloadReleased && !filter.payloadReleased(event)) return false;
  return matchesPayloadFilter(event, filter);
}

function parse(text: string): AuditRecord | null {
  try {
    return JSON.parse(text) as AuditRecord;
  } catch {
    return null;
  }
}

abstract class BaseStore implements AuditStore {
  abstract readonly description: string;
  /** The chain's name, given with each event (`ChainedAuditEvent.chain`). */
  abstract readonly chain: string;
  abstract records(): AsyncIterable<StoredRecord>;
  abstract head(): Promise<AuditHead | null>;
  abstract close(): Promise<void>;
  /** Records from the newest down, below `beforeSeq`; the base version reads everything first. */
  protected async *newestFirst(beforeSeq: number): AsyncIterable<AuditRecord> {
    const all: AuditRecord[] = [];
    for await (const { text } of this.records()) {
      const record = parse(text);
      if (record && record.seq < beforeSeq) all.push(record);
    }
    yield* all.reverse();
  }

  constructor(private readonly key: AuditKey | null) {}

  async listEvents(filter: AuditEventFilter = {}, page: { first?: number; after?: string | null } = {}): Promise<AuditEventPage> {
    const first = Math.min(Math.max(page.first ?? 50, 1), MAX_PAGE);
    const beforeSeq = page.after ? decodeCursor(page.after).seq : Number.MAX_SAFE_INTEGER;
    const events: ChainedAuditEvent[] = [];
    let hasNextPage = false;
    for await (const record of this.newestFirst(beforeSeq)) {
      if (record.kind !== 'event' || !matchesFilter(record, filter)) continue;
      if (events.length === first) {
        hasNextPage = true;
        break;
      }
      events.push({ ...record, chain: this.chain });
    }
    return { events, pageInfo: { hasNextPage, endCursor: events.length > 0 ? this.cursorOf(events[events.length - 1]) : null } };
  }

  cursorOf(event: ChainedAuditEvent): string {
    return encodeCursor(event.seq);
  }

  async *scan(): AsyncIterable<ChainedAuditRecord> {
    for await (const { text } of this.records()) {
      const record = parse(text);
      if (record) yield { ...record, chain: this.chain };
    }
  }

  async getEvent(id: string): Promise<ChainedAuditEvent | null> {
    for await (const { text } of this.records()) {
      if (!text.includes(id)) continue;
      const record = parse(text);
      if (record?.kind === 'event' && record.id === id) return { ...record, chain: this.chain };
    }
    return null;
  }

  async verify(): Promise<VerifyResult> {
    const stored: StoredRecord[] = [];
    for await (const record of this.records()) stored.push(record);
    return verifyTrail(stored, await this.head(), this.key);
  }

  async chainStatus(): Promise<ChainStatus> {
    const status = statusOf(await this.verify(), this.description);
    return { ...status, chains: [{ ...status, chain: this.chain, chains: [] }] };
  }
}

/** A chain's status from its verification. */
function statusOf(result: VerifyResult, storage: string): ChainStatus {
  return {
    ok: result.ok,
    verifiedUpToSeq: result.verifiedUpToSeq,
    lastSeq: result.lastSeq,
    events: result.events,
    lastCheckpoint: result.lastCheckpoint,
    brokenAtSeq: result.problem ? (result.problem.seq ?? result.verifiedUpToSeq + 1) : null,
    problem: result.problem?.message ?? null,
    warnings: result.warnings,
    checkedAt: new Date().toISOString(),
    storage,
    chains: [],
  };
}

/** The JSONL trail in `dir` (`audit.jsonl` and `audit.head.json`). */
export class FileAuditStore extends BaseStore {
  readonly file: string;
  readonly headFile: string;

  constructor(dir: string, key: AuditKey | null) {
    super(key);
    this.file = path.join(dir, TRAIL_FILE);
    this.headFile = path.join(dir, HEAD_FILE);
  }

  get description(): string {
    return `file ${this.file}`;
  }

  readonly chain = TRAIL_FILE;

  async *records(): AsyncIterable<StoredRecord> {
    if (!fs.existsSync(this.file)) return;
    const lines = readline.createInterface({ input: fs.createReadStream(this.file, 'utf8'), crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) {
      number++;
      yield { position: `line ${number}`, text: line };
    }
  }

  async head(): Promise<AuditHead | null> {
    try {
      return JSON.parse(await fs.promises.readFile(this.headFile, 'utf8')) as AuditHead;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { kind: 'head', seq: -1, hash: '', time: '', alg: '', keyId: '', signature: 'unreadable' };
    }
  }

  async close(): Promise<void> {}
}

/** The Redis stream trail (`<stream>` and `<stream>:head`). */
export class RedisAuditStore extends BaseStore {
  private readonly redis: Redis;
  private readonly owned: boolean;

  constructor(
    redis: Redis | string,
    readonly stream: string,
    key: AuditKey | null,
  ) {
    super(key);
    this.owned = typeof redis === 'string';
    this.redis = typeof redis === 'string' ? createRedis(redis, { maxRetriesPerRequest: 2, connectTimeout: 2000 }) : redis;
    // A lost connection shows as the command that failed (ioredis reconnects by itself): no unhandled 'error' event.
    if (this.owned) this.redis.on('error', () => undefined);
  }

  get description(): string {
    return `redis stream ${this.stream}`;
  }

  get chain(): string {
    return this.stream;
  }

  async *records(): AsyncIterable<StoredRecord> {
    let start = '-';
    for (;;) {
      const entries = await this.redis.xrange(this.stream, start, '+', 'COUNT', 1000);
      for (const [id, fields] of entries) yield { position: `entry ${id}`, text: fieldOf(fields) };
      if (entries.length < 1000) return;
      start = `(${entries[entries.length - 1][0]}`;
    }
  }

  protected override async *newestFirst(beforeSeq: number): AsyncIterable<AuditRecord> {
    // Pages read only what they need: entry ids are `<seq>-0`, newest first with XREVRANGE.
    let end = beforeSeq === Number.MAX_SAFE_INTEGER ? '+' : `(${beforeSeq}-0`;
    for (;;) {
      const entries = await this.redis.xrevrange(this.stream, end, '-', 'COUNT', 500);
      for (const [, fields] of entries) {
        const record = parse(fieldOf(fields));
        if (record) yield record;
      }
      if (entries.length < 500) return;
      end = `(${entries[entries.length - 1][0]}`;
    }
  }

  async head(): Promise<AuditHead | null> {
    const text = await this.redis.get(`${this.stream}:head`);
    return text ? (JSON.parse(text) as AuditHead) : null;
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Newest first across chains: by time, then chain name, then seq (a total order, so cursors never skip or repeat). */
export function newerFirst(a: ChainedAuditEvent, b: ChainedAuditEvent): number {
  if (a.time !== b.time) return a.time > b.time ? -1 : 1;
  if (a.chain !== b.chain) return a.chain < b.chain ? -1 : 1;
  return b.seq - a.seq;
}

/**
 * The trail of several gateway replicas as one: every stream named in a Redis set (`AUDIT_REDIS_STREAM_SET`, where
 * each gateway adds its own stream) and the configured stream. Each chain is verified on its own (a gap or fork in
 * one names it); an event found in two chains is reported as replayed. Events are listed newest first across chains.
 */
export class MergedRedisAuditStore implements AuditStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly streamSet: string,
    readonly ownStream: string,
    private readonly key: AuditKey | null,
  ) {
    this.redis = createRedis(url, { maxRetriesPerRequest: 2, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
  }

  get description(): string {
    return `redis streams of set ${this.streamSet}`;
  }

  /** Every chain now: the set's members and the configured stream when it holds a trail, by name. */
  async chains(): Promise<RedisAuditStore[]> {
    const names = new Set(await this.redis.smembers(this.streamSet));
    // The configured stream is a chain only if a gateway wrote one there (a reader's default, cmcc:audit, may name none).
    if (!names.has(this.ownStream) && (await this.redis.exists(this.ownStream)) > 0) names.add(this.ownStream);
    return [...names].sort().map((name) => new RedisAuditStore(this.redis, name, this.key));
  }

  async listEvents(filter: AuditEventFilter = {}, page: { first?: number; after?: string | null } = {}): Promise<AuditEventPage> {
    const first = Math.min(Math.max(page.first ?? 50, 1), MAX_PAGE);
    const cursor = page.after ? decodeCursor(page.after) : null;
    if (cursor && !cursor.at) throw new Error('"after" is a cursor of a trail of one chain; this trail has several: start again without "after"');
    const after = cursor?.at ? ({ seq: cursor.seq, time: cursor.at.time, chain: cursor.at.chain } as ChainedAuditEvent) : null;
    // Each chain is read whole (as the single-chain stores do when filtering), then ordered across chains.
    const matching: ChainedAuditEvent[] = [];
    for (const chain of await this.chains()) {
      for await (const { text } of chain.records()) {
        const record = parse(text);
        if (record?.kind !== 'event' || !matchesFilter(record, filter)) continue;
        const event = { ...record, chain: chain.chain };
        if (!after || newerFirst(after, event) < 0) matching.push(event);
      }
    }
    matching.sort(newerFirst);
    const events = matching.slice(0, first);
    return { events, pageInfo: { hasNextPage: matching.length > first, endCursor: events.length > 0 ? this.cursorOf(events[events.length - 1]) : null } };
  }

  cursorOf(event: ChainedAuditEvent): string {
    return encodeCursor(event.seq, { time: event.time, chain: event.chain });
  }

  async getEvent(id: string): Promise<ChainedAuditEvent | null> {
    for (const chain of await this.chains()) {
      const event = await chain.getEvent(id);
      if (event) return event;
    }
    return null;
  }

  async *records(): AsyncIterable<StoredRecord> {
    for (const chain of await this.chains()) {
      for await (const { position, text } of chain.records()) yield { position: `${chain.chain} ${position}`, text };
    }
  }

  async *scan(): AsyncIterable<ChainedAuditRecord> {
    for (const chain of await this.chains()) yield* chain.scan();
  }

  async head(): Promise<AuditHead | null> {
    return null;
  }

  /** Each chain verified on its own, then across chains: no event may be recorded in two of them. */
  async verifyChains(): Promise<{ chain: string; result: VerifyResult }[]> {
    const results: { chain: string; result: VerifyResult }[] = [];
    const seenIn = new Map<string, string>();
    for (const chain of await this.chains()) {
      const result = await chain.verify();
      if (result.ok) {
        for await (const { position, text } of chain.records()) {
          const record = parse(text);
          if (record?.kind !== 'event') continue;
          const other = seenIn.get(record.id);
          if (other !== undefined) {
            result.ok = false;
            result.problem = {
              kind: 'replayed',
              seq: record.seq,
              position,
              message: `event ${record.id} at seq ${record.seq} is also recorded in ${other}: an event is recorded once, by the replica that served it; a copy in another chain is a replay`,
            };
            break;
          }
          seenIn.set(record.id, chain.chain);
        }
      }
      results.push({ chain: chain.chain, result });
    }
    return results;
  }

  async verify(): Promise<VerifyResult> {
    return combineResults(await this.verifyChains());
  }

  async chainStatus(): Promise<ChainStatus> {
    const chains = await this.verifyChains();
    const combined = combineResults(chains);
    const statuses = chains.map(({ chain, result }) => ({ ...statusOf(result, `redis stream ${chain}`), chain }));
    return { ...statusOf(combined, this.description), chains: statuses };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One result for several chains: intact only when every chain is; the counts summed; the seqs and problem of the
 * first chain found broken (its message names the chain), else of the chain with the newest checkpoint.
 */
export function combineResults(chains: { chain: string; result: VerifyResult }[]): VerifyResult {
  const broken = chains.find(({ result }) => !result.ok);
  const newest = [...chains].sort((a, b) => (b.result.lastCheckpoint?.time ?? '').localeCompare(a.result.lastCheckpoint?.time ?? ''))[0];
  const shown = broken ?? newest;
  const sum = (pick: (result: VerifyResult) => number) => chains.reduce((total, { result }) => total + pick(result), 0);
  return {
    ok: !broken,
    records: sum((result) => result.records),
    events: sum((result) => result.events),
    checkpoints: sum((result) => result.checkpoints),
    verifiedUpToSeq: shown?.result.verifiedUpToSeq ?? 0,
    lastSeq: shown?.result.lastSeq ?? null,
    lastCheckpoint: newest?.result.lastCheckpoint ?? null,
    head: shown?.result.head ?? null,
    problem: broken ? { ...broken.result.problem!, message: `chain ${broken.chain}: ${broken.result.problem!.message}` } : null,
    warnings: chains.flatMap(({ chain, result }) => result.warnings.map((warning) => `chain ${chain}: ${warning}`)),
    chains: chains.map(({ chain, result }) => ({ chain, ...result })),
  };
}

/** The store of the trail the configuration names, verifying with its key (when one exists). */
export function openAuditStore(config: AuditConfig): AuditStore {
  let key: AuditKey | null = null;
  try {
    key = auditKeyFromConfig(config, { create: false });
  } catch {
    key = null;
  }
  if (config.sink === 'redis' && config.redisStreamSet) return new MergedRedisAuditStore(config.redisUrl!, config.redisStreamSet, config.redisStream, key);
  return config.sink === 'redis' ? new RedisAuditStore(config.redisUrl!, config.redisStream, key) : new FileAuditStore(config.dir, key);
}
