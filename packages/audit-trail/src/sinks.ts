import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis } from '@cmcc/platform';
import type { Logger } from '@cmcc/platform';
import type { AuditHead, AuditRecord } from './records.ts';

/** Where the trail is stored. Records are written in order, in batches; a batch is retried until it is written. */
export interface AuditSink {
  readonly description: string;
  /** Prepares the sink and returns what the writer needs to continue the chain. */
  open(): Promise<SinkState>;
  write(records: AuditRecord[]): Promise<void>;
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

  constructor(
    url: string,
    readonly stream: string,
    private readonly logger: Logger,
    readonly streamSet?: string,
    /** Replicas that must hold a batch before it counts as written (WAIT); 0: the primary's answer is enough. */
    readonly waitReplicas = 0,
  ) {
    this.redis = createRedis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
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

  async write(records: AuditRecord[]): Promise<void> {
    await this.ready();
    const transaction = this.redis.multi();
    for (const record of records) transaction.xadd(this.stream, `${record.seq}-0`, 'r', JSON.stringify(record));
    const results = (await transaction.exec()) ?? [];
    for (let i = 0; i < records.length; i++) {
      const error = results[i]?.[0];
      if (!error) continue;
      if (!/equal or smaller/i.test(error.message)) throw error;
      // Written before (the reply was lost): accept it only if it is the same record.
      const existing = await this.redis.xrange(this.stream, `${records[i].seq}-0`, `${records[i].seq}-0`);
      const stored = existing.length > 0 ? parseRecord(fieldOf(existing[0][1])) : null;
      if (stored?.hash !== records[i].hash) {
        throw new Error(
          `audit stream ${this.stream} already holds a different record at seq ${records[i].seq}: is another gateway writing to it? Give each instance its own AUDIT_REDIS_STREAM`,
        );
      }
    }
    if (this.waitReplicas > 0) {
      // Written to the primary only, a batch could be lost with it in a failover: it counts once replicas hold it, and
      // is otherwise retried (on the new primary after a failover; entries already there are recognised by their hash).
      const acknowledged = await this.redis.wait(this.waitReplicas, 2000);
      if (acknowledged < this.waitReplicas) {
        throw new Error(`audit batch up to seq ${records[records.length - 1].seq} reached ${acknowledged} of ${this.waitReplicas} replica(s) of ${this.stream} in 2 s; retrying`);
      }
    }
  }

  async writeHead(head: AuditHead): Promise<void> {
    await this.ready();
    await this.redis.set(this.headKey, JSON.stringify(head));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The value of the `r` field of a stream entry. */
export function fieldOf(fields: string[]): string {
  const at = fields.indexOf('r');
  return at >= 0 && at % 2 === 0 ? fields[at + 1] : '';
}
