import fs from 'node:fs';
import readline from 'node:readline';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { AuditConfig } from './config.ts';
import type { AuditEventRecord, AuditHead, AuditRecord } from './records.ts';
import { auditKeyFromConfig, type AuditKey } from './signing.ts';
import { fieldOf, HEAD_FILE, TRAIL_FILE } from './sinks.ts';
import { verifyTrail, type StoredRecord, type VerifyResult } from './verify.ts';

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
  /** The key (`id`/`pcode`) of an entity returned or changed. */
  entityKey?: string;
  /** ISO 8601 times, inclusive. */
  from?: string;
  to?: string;
  /**
   * Whose view the filter runs for: a filter on the payload (`entityKey`) matches only events whose payload this
   * releases, so a redacted event cannot be found by the record ids it hides.
   */
  payloadReleased?: (event: AuditEventRecord) => boolean;
}

export interface AuditEventPage {
  events: AuditEventRecord[];
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
}

export interface AuditStore {
  readonly description: string;
  /** Newest first. `after` is the `endCursor` of the previous page. */
  listEvents(filter?: AuditEventFilter, page?: { first?: number; after?: string | null }): Promise<AuditEventPage>;
  getEvent(id: string): Promise<AuditEventRecord | null>;
  /** Every stored line or entry, in storage order, as text. */
  records(): AsyncIterable<{ position: string; text: string }>;
  head(): Promise<AuditHead | null>;
  verify(): Promise<VerifyResult>;
  chainStatus(): Promise<ChainStatus>;
  close(): Promise<void>;
}

const MAX_PAGE = 500;

export function encodeCursor(seq: number): string {
  return Buffer.from(`audit:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^audit:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new Error(`"${cursor}" is not a cursor of auditEvents`);
  return Number(match[1]);
}

/** Whether an event matches every filter given. */
export function matchesFilter(event: AuditEventRecord, filter: AuditEventFilter): boolean {
  if (filter.principal && event.principal?.subject !== filter.principal) return false;
  if (filter.organization && event.principal?.organization !== filter.organization) return false;
  if (filter.nation && event.principal?.nation !== filter.nation) return false;
  if (filter.operationName && event.operation.name !== filter.operationName) return false;
  if (filter.field && !event.fields.includes(filter.field)) return false;
  if (filter.entityKey && !event.entities.some((entity) => entity.key === filter.entityKey)) return false;
  if (filter.entityKey && filter.payloadReleased && !filter.payloadReleased(event)) return false;
  if (filter.from && event.time < new Date(filter.from).toISOString()) return false;
  if (filter.to && event.time > new Date(filter.to).toISOString()) return false;
  return true;
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
    const beforeSeq = page.after ? decodeCursor(page.after) : Number.MAX_SAFE_INTEGER;
    const events: AuditEventRecord[] = [];
    let hasNextPage = false;
    for await (const record of this.newestFirst(beforeSeq)) {
      if (record.kind !== 'event' || !matchesFilter(record, filter)) continue;
      if (events.length === first) {
        hasNextPage = true;
        break;
      }
      events.push(record);
    }
    return { events, pageInfo: { hasNextPage, endCursor: events.length > 0 ? encodeCursor(events[events.length - 1].seq) : null } };
  }

  async getEvent(id: string): Promise<AuditEventRecord | null> {
    for await (const { text } of this.records()) {
      if (!text.includes(id)) continue;
      const record = parse(text);
      if (record?.kind === 'event' && record.id === id) return record;
    }
    return null;
  }

  async verify(): Promise<VerifyResult> {
    const stored: StoredRecord[] = [];
    for await (const record of this.records()) stored.push(record);
    return verifyTrail(stored, await this.head(), this.key);
  }

  async chainStatus(): Promise<ChainStatus> {
    const result = await this.verify();
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
    };
  }
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
    this.redis = typeof redis === 'string' ? new Redis(redis, { maxRetriesPerRequest: 2, connectTimeout: 2000 }) : redis;
  }

  get description(): string {
    return `redis stream ${this.stream}`;
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

/** The store of the trail the configuration names, verifying with its key (when one exists). */
export function openAuditStore(config: AuditConfig): AuditStore {
  let key: AuditKey | null = null;
  try {
    key = auditKeyFromConfig(config, { create: false });
  } catch {
    key = null;
  }
  return config.sink === 'redis' ? new RedisAuditStore(config.redisUrl!, config.redisStream, key) : new FileAuditStore(config.dir, key);
}
