import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis, streamLastIdLua } from '@cmcc/platform';
import type { Logger } from '@cmcc/platform';
import type { AuditHead, AuditRecord } from './records.ts';

/** Where the trail is stored. Records are written in order, in batches; a batch is retried until it is written. */
export interface AuditSink {
  readonly description: string;
  /** Prepares the sink and returns what the writer needs to continue the chain. */
  open(): Promise<SinkState>;
  /**
   * Writes a batch (the records follow the last one written, without a gap). May return records the store had lost and
   * the sink could not write again, so the trail puts a notice of the loss into its chain.
   */
  write(records: AuditRecord[]): Promise<WriteOutcome | void>;
  writeHead(head: AuditHead): Promise<void>;
  close(): Promise<void>;
}

export interface SinkState {
  /** The last valid record of the trail, or null when it is empty. */
  last: AuditRecord | null;
  head: AuditHead | null;
  /** Damage found and repaired while opening (e.g. an incomplete last line from a crash), for a notice in the chain. */
  repaired?: { notice: string; severity: 'warning' | 'error'; details: Record<string, unknown> }[];
}

/** What a write found beyond its own batch. */
export interface WriteOutcome {
  /** Records the sink had written and acknowledged, gone from the store (e.g. a failover promoted a replica that never
   * received them), that it no longer held to write again: seq `fromSeq` to `toSeq`. */
  lost?: { fromSeq: number; toSeq: number };
  /** Records gone from the store that the sink wrote again from memory (same bytes, so the chain stays intact). */
  rewritten?: { fromSeq: number; toSeq: number };
}

export const TRAIL_FILE = 'audit.jsonl';
export const HEAD_FILE = 'audit.head.json';

function parseRecord(line: string): AuditRecord | null {
  try {
    const record = JSON.parse(line) as AuditRecord;
    return typeof record?.seq === 'number' && typeof record.hash === 'string' ? record : null;
  } catch {
    return null;
  }
}

/**
 * An append-only JSONL file (`<dir>/audit.jsonl`), one record per line, fsync'd per batch, and the signed head beside
 * it (`<dir>/audit.head.json`, replaced atomically). One writer per file.
 */
export class FileAuditSink implements AuditSink {
  readonly file: string;
  readonly headFile: string;
  private handle: fs.promises.FileHandle | null = null;

  constructor(readonly dir: string) {
    this.file = path.join(dir, TRAIL_FILE);
    this.headFile = path.join(dir, HEAD_FILE);
  }

  get description(): string {
    return `file ${this.file}`;
  }

  async open(): Promise<SinkState> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const handle = await fs.promises.open(this.file, 'a+', 0o600);
    try {
      const repaired: SinkState['repaired'] = [];
      let size = (await handle.stat()).size;
      // A crash can leave a last line without its newline: it was never acknowledged (the head is written after each
      // batch), so it is cut off, and a notice in the chain says so.
      if (size > 0) {
        const lastByte = Buffer.alloc(1);
        await handle.read(lastByte, 0, 1, size - 1);
        if (lastByte[0] !== 0x0a) {
          const cut = await lastNewline(handle, size);
          await handle.truncate(cut);
          repaired.push({ notice: 'incomplete-record-removed', severity: 'warning', details: { bytes: size - cut } });
          size = cut;
        }
      }
      const { record, damagedLines } = await lastValidRecord(handle, size);
      if (damagedLines > 0) repaired.push({ notice: 'damaged-records-at-end', severity: 'error', details: { lines: damagedLines } });
      this.handle = handle;
      return { last: record, head: await this.readHead(), repaired };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  private async readHead(): Promise<AuditHead | null> {
    try {
      return JSON.parse(await fs.promises.readFile(this.headFile, 'utf8')) as AuditHead;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { kind: 'head', seq: -1, hash: '', time: '', alg: '', keyId: '', signature: 'unreadable' };
    }
  }

  async write(records: AuditRecord[]): Promise<void> {
    if (!this.handle) throw new Error('audit file sink is not open');
    const before = (await this.handle.stat()).size;
    try {
      await this.handle.appendFile(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      await this.handle.datasync();
    } catch (error) {
      // Leave no half-written batch behind: the batch is retried whole.
      await this.handle.truncate(before).catch(() => undefined);
      throw error;
    }
  }

  async writeHead(head: AuditHead): Promise<void> {
    const temporary = `${this.headFile}.tmp`;
    await fs.promises.writeFile(temporary, `${JSON.stringify(head)}\n`, { mode: 0o600 });
    await fs.promises.rename(temporary, this.headFile);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}

async function lastNewline(handle: fs.promises.FileHandle, size: number): Promise<number> {
  let end = size;
  while (end > 0) {
    const length = Math.min(65_536, end);
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, end - length);
    const at = chunk.lastIndexOf(0x0a);
    if (at >= 0) return end - length + at + 1;
    end -= length;
  }
  return 0;
}

/** Reads backwards from the end to the last line that is a record; counts damaged lines after it. */
async function lastValidRecord(handle: fs.promises.FileHandle, size: number): Promise<{ record: AuditRecord | null; damagedLines: number }> {
  let damagedLines = 0;
  let end = size;
  while (end > 0) {
    const start = await lastNewline(handle, end - 1);
    const length = end - start;
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    const line = buffer.toString('utf8').trim();
    if (line) {
      const record = parseRecord(line);
      if (record) return { record, damagedLines };
      damagedLines++;
    }
    end = start;
  }
  return { record: null, damagedLines };
}

/**
 * A Redis stream (XADD; never trimmed), one entry per record with the id `<seq>-0`, so a batch retried after a lost
 * reply is recognised instead of written twice; the signed head at `<stream>:head`. One writer per stream: give each
 * gateway instance its own `AUDIT_REDIS_STREAM`, and name one `AUDIT_REDIS_STREAM_SET` for all of them: each adds its
 * stream there when it opens, so readers find every replica's chain. ioredis reconnects by itself; while Redis is away
 * writes fail fast and the trail keeps its buffer.
 */
export class RedisAuditSink implements AuditSink {
  readonly redis: Redis;
  private lastErrorLog = 0;
  /** The last records written (seq → stored form), oldest first. */
  private readonly recent = new Map<number, string>();

  constructor(
    url: string,
    readonly stream: string,
    private readonly logger: Logger,
    readonly streamSet?: string,
    /** Replicas that must hold a batch before it counts as written (WAIT); 0: the primary's answer is enough. */
    readonly waitReplicas = 0,
    /** How many of the last records are kept to write again if Redis loses them. */
    private readonly keepRecent = RECENT_RECORDS,
  ) {
    this.redis = createRedis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    this.redis.defineCommand('cmccAuditAppend', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    this.redis.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn({ err: error.message, stream }, 'audit: Redis connection error (reconnecting)');
    });
  }

  get description(): string {
    return `redis stream ${this.stream}`;
  }

  get headKey(): string {
    return `${this.stream}:head`;
  }

  private async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    if (this.redis.status === 'end') await this.redis.connect();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new Error(`Redis is not connected (${this.redis.status})`));
      }, 2000);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  async open(): Promise<SinkState> {
    await this.ready();
    // Registered before the first record is written, so a reader of the set never misses a chain that has records.
    if (this.streamSet) await this.redis.sadd(this.streamSet, this.stream);
    const [entries, head] = await Promise.all([this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1), this.redis.get(this.headKey)]);
    const last = entries.length > 0 ? parseRecord(fieldOf(entries[0][1])) : null;
    return {
      last,
      head: head ? (JSON.parse(head) as AuditHead) : null,
      repaired: entries.length > 0 && !last ? [{ notice: 'damaged-records-at-end', severity: 'error', details: { id: entries[0][0] } }] : [],
    };
  }

  async write(records: AuditRecord[]): Promise<WriteOutcome | void> {
    await this.ready();
    const outcome: WriteOutcome = {};
    const written: StreamEntry[] = records.map((record) => ({ seq: record.seq, hash: record.hash, payload: JSON.stringify(record) }));
    let batch = written;
    // Where the stream must end for the batch to follow it.
    let endsAt = batch[0].seq - 1;
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > 8) {
        throw new Error(`audit stream ${this.stream} keeps changing under this writer: is another gateway writing to it? Give each instance its own AUDIT_REDIS_STREAM`);
      }
      const tail = await this.append(endsAt, batch);
      if (tail === endsAt) break;
      endsAt = tail;
      if (tail >= batch[0].seq) {
        // Written before (the reply was lost): what is there must be the same records.
        const upTo = Math.min(tail, batch[batch.length - 1].seq);
        const stored = await this.redis.xrange(this.stream, `${batch[0].seq}-0`, `${upTo}-0`);
        const hashes = new Map(stored.map(([id, fields]) => [id, parseRecord(fieldOf(fields))?.hash]));
        for (const entry of batch) {
          if (entry.seq <= upTo && hashes.get(`${entry.seq}-0`) !== entry.hash) {
            throw new Error(
              `audit stream ${this.stream} already holds a different record at seq ${entry.seq}: is another gateway writing to it? Give each instance its own AUDIT_REDIS_STREAM`,
            );
          }
        }
        batch = batch.filter((entry) => entry.seq > upTo);
        if (batch.length === 0) break;
      }
      if (tail < batch[0].seq - 1) batch = this.fillGap(tail, batch, outcome);
    }
    for (const entry of written) this.remember(entry.seq, entry.payload);
    if (this.waitReplicas > 0) {
      // Written to the primary only, a batch could be lost with it in a failover: it counts once replicas hold it, and
      // is otherwise retried (on the new primary after a failover; entries already there are recognised by their hash,
      // entries the new primary never received are written again from memory).
      const acknowledged = await this.redis.wait(this.waitReplicas, 2000);
      if (acknowledged < this.waitReplicas) {
        throw new Error(`audit batch up to seq ${records[records.length - 1].seq} reached ${acknowledged} of ${this.waitReplicas} replica(s) of ${this.stream} in 2 s; retrying`);
      }
    }
    return outcome.lost || outcome.rewritten ? outcome : undefined;
  }

  /** Appends `batch` if the stream ends at seq `endsAt`; answers where the stream ended (before writing). */
  private async append(endsAt: number, batch: StreamEntry[]): Promise<number> {
    const args = [String(endsAt), ...batch.flatMap((entry) => [`${entry.seq}-0`, entry.payload])];
    return Number(await (this.redis as unknown as AppendCommand).cmccAuditAppend(this.stream, ...args));
  }

  /**
   * The stream ends at `tail`, before records this sink wrote and Redis acknowledged: a failover promoted a replica
   * that had not received them, or Redis restarted without them. Those still in memory are put before the batch (the
   * same bytes, so the chain stays whole); those no longer in memory are reported lost.
   */
  private fillGap(tail: number, batch: StreamEntry[], outcome: WriteOutcome): StreamEntry[] {
    const kept: StreamEntry[] = [];
    for (let seq = batch[0].seq - 1; seq > tail; seq--) {
      const payload = this.recent.get(seq);
      if (payload === undefined) break;
      kept.unshift({ seq, hash: '', payload });
    }
    const firstKept = kept[0]?.seq ?? batch[0].seq;
    if (firstKept > tail + 1) {
      outcome.lost = { fromSeq: tail + 1, toSeq: firstKept - 1 };
      this.logger.error(
        { stream: this.stream, ...outcome.lost },
        'AUDIT RECORDS LOST: Redis no longer holds records it acknowledged (a failover or a restart without them) and this gateway no longer has them in memory; a notice goes into the chain, and its verification shows the gap',
      );
    }
    if (kept.length > 0) {
      outcome.rewritten = { fromSeq: firstKept, toSeq: batch[0].seq - 1 };
      this.logger.warn(
        { stream: this.stream, ...outcome.rewritten },
        'audit: Redis no longer held records it had acknowledged (a failover promoted a replica without them); written again from memory',
      );
    }
    return [...kept, ...batch];
  }

  /** Keeps the last records written, to write them again if a failover loses them. */
  private remember(seq: number, payload: string): void {
    this.recent.set(seq, payload);
    if (this.recent.size > this.keepRecent) this.recent.delete(this.recent.keys().next().value as number);
  }

  async writeHead(head: AuditHead): Promise<void> {
    await this.ready();
    await this.redis.set(this.headKey, JSON.stringify(head));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * How many of its last records a Redis sink keeps in memory to write again when Redis loses them. Redis replicates
 * asynchronously: a failover can promote a replica that had not yet received the last records the primary
 * acknowledged (even with WAIT, when another replica was the one that answered). Those are the last few hundred
 * milliseconds of writes; 4,096 records cover them at any load this gateway takes, whatever the time since.
 */
export const RECENT_RECORDS = 4096;

interface StreamEntry {
  seq: number;
  hash: string;
  payload: string;
}

interface AppendCommand {
  cmccAuditAppend(stream: string, ...args: string[]): Promise<number>;
}

/**
 * KEYS[1]: the stream; ARGV[1]: the seq the stream must end at; then id, record pairs. Appends the records only when the
 * stream ends at that seq (its last id ever generated, so entries trimmed away still count), and answers where the
 * stream ended before. Atomic, so a batch is never written with a gap before it nor over records already there.
 */
const APPEND_SCRIPT = `${streamLastIdLua('first')}if last ~= tonumber(ARGV[1]) then return last end
for i = 2, #ARGV, 2 do
  redis.call('XADD', KEYS[1], ARGV[i], 'r', ARGV[i + 1])
end
return last
`;

/** The value of the `r` field of a stream entry. */
export function fieldOf(fields: string[]): string {
  const at = fields.indexOf('r');
  return at >= 0 && at % 2 === 0 ? fields[at + 1] : '';
}
