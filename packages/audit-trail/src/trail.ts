import type { Logger } from '@cmcc/platform';
import {
  checkpointSigningInput,
  FORMAT_VERSION,
  GENESIS_HASH,
  headSigningInput,
  recordHash,
  type AuditCheckpointRecord,
  type AuditEventContent,
  type AuditHead,
  type AuditNoticeRecord,
  type AuditRecord,
} from './records.ts';
import type { AuditKey } from './signing.ts';
import type { AuditSink } from './sinks.ts';

export interface AuditTrailOptions {
  sink: AuditSink;
  key: AuditKey;
  logger: Logger;
  /** Events held in memory at most (waiting or being written). */
  bufferSize: number;
  batchSize: number;
  checkpointEvery: number;
  checkpointSeconds: number;
  failOpen: boolean;
  /** Longest pause between two attempts to write to a failing sink. */
  retryMaxMs?: number;
}

/** A place for one operation's event, taken when the operation starts. */
export interface Admission {
  readonly reserved: boolean;
  used: boolean;
}

export interface AuditTrailStats {
  /** Events in memory, not yet written (the buffer depth). */
  depth: number;
  capacity: number;
  /** Places held by operations in flight. */
  reserved: number;
  written: number;
  /** Operations refused because the buffer was full (fail-closed). */
  refused: number;
  /** Events dropped because the buffer was full (fail-open). */
  dropped: number;
  /** Failed attempts to write to the sink. */
  writeFailures: number;
  lastSeq: number | null;
  sinkHealthy: boolean;
  failOpen: boolean;
}

type Notice = Pick<AuditNoticeRecord, 'notice' | 'details'> & { severity: 'warning' | 'error' };
interface Waiter {
  ticket: number;
  resolve: (written: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * The writer of the trail. Operations add events to a bounded in-memory buffer and go on; a background loop chains
 * them (seq, prevHash, hash), adds signed checkpoints every `checkpointEvery` events or `checkpointSeconds`, writes them
 * to the sink in batches and then replaces the signed head. If the sink fails the batch is retried with backoff, in
 * order, until it is written. Each operation reserves its place when it starts, so an operation that was admitted
 * always finds room for its event; when no place is left a fail-closed trail admits nothing more (the plugin refuses
 * the operation) and a fail-open trail serves it and logs its event as an error instead.
 */
export class AuditTrail {
  private readonly logger: Logger;
  private readonly pending: AuditEventContent[] = [];
  /** Events appended since start (`counters.written` catches up with it as batches are written). */
  private appended = 0;
  private readonly waiters: Waiter[] = [];
  private inflight: { records: AuditRecord[]; events: AuditEventContent[] } | null = null;
  private pendingHead: AuditHead | null = null;
  private notices: Notice[] = [];
  private reservedCount = 0;
  private last: { seq: number; hash: string } | null = null;
  private since = { fromSeq: 1, events: 0, firstAt: 0 };
  private checkpointRequested = false;
  private pumping = false;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private failingSince: number | null = null;
  /** The counters when the sink started failing: the outage's notice says how many operations it cost. */
  private countersAtFailure = { refused: 0, dropped: 0, writeFailures: 0 };
  private lastFailureLog = 0;
  private counters = { written: 0, refused: 0, dropped: 0, writeFailures: 0 };

  constructor(private readonly options: AuditTrailOptions) {
    this.logger = options.logger;
    if (!options.key.canSign) throw new Error('the audit trail needs a key that can sign');
    // Time-based checkpoints (and a first attempt to open the sink) without waiting for traffic.
    this.timer = setInterval(() => this.schedule(), Math.min(1000, options.checkpointSeconds * 1000));
    this.timer.unref();
    this.schedule();
  }

  get sink(): AuditSink {
    return this.options.sink;
  }

  /** Events waiting in memory (the buffer depth, for metrics). */
  get depth(): number {
    return this.pending.length + (this.inflight?.events.length ?? 0);
  }

  get capacity(): number {
    return this.options.bufferSize;
  }

  get stats(): AuditTrailStats {
    return {
      depth: this.depth,
      capacity: this.options.bufferSize,
      reserved: this.reservedCount,
      ...this.counters,
      lastSeq: this.last?.seq ?? null,
      sinkHealthy: this.failingSince === null,
      failOpen: this.options.failOpen,
    };
  }

  /**
   * Called when an operation starts. Returns its admission, or null when the operation must be refused: the buffer
   * is full and the trail is fail-closed.
   */
  admit(): Admission | null {
    if (this.depth + this.reservedCount < this.options.bufferSize) {
      this.reservedCount++;
      return { reserved: true, used: false };
    }
    if (this.options.failOpen) return { reserved: false, used: false };
    this.counters.refused++;
    return null;
  }

  /** Gives back an admission that will not be used (the operation ended without an event). */
  release(admission: Admission): void {
    if (admission.used) return;
    admission.used = true;
    if (admission.reserved) this.reservedCount--;
  }

  /** Adds an operation's event. Returns false when it was dropped (fail-open with a full buffer: logged as an error). */
  append(event: AuditEventContent, admission: Admission | null = null): boolean {
    if (admission && !admission.used && admission.reserved) {
      admission.used = true;
      this.reservedCount--;
    } else if (this.depth + this.reservedCount >= this.options.bufferSize) {
      this.counters.dropped++;
      this.logger.error(
        { auditEvent: event, depth: this.depth, capacity: this.options.bufferSize },
        'AUDIT EVENT DROPPED: the audit buffer is full and AUDIT_FAIL_OPEN=true, so this operation was served unaudited; the event is only in this log line',
      );
      if (admission) admission.used = true;
      return false;
    }
    if (admission) admission.used = true;
    this.pending.push(event);
    this.appended++;
    this.schedule();
    return true;
  }

  /**
   * Resolves true once every event appended so far is in the sink (a batch is written after the answer by default),
   * false after `timeoutMs`. A gateway awaits it before acknowledging a write, so a gateway killed after its answer
   * cannot take the write's event with it.
   */
  whenWritten(timeoutMs = 10_000): Promise<boolean> {
    const ticket = this.appended;
    if (this.counters.written >= ticket) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = { ticket, resolve, timer: setTimeout(() => this.answer(waiter, false), timeoutMs) };
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  private answer(waiter: Waiter, written: boolean): void {
    const at = this.waiters.indexOf(waiter);
    if (at < 0) return;
    this.waiters.splice(at, 1);
    clearTimeout(waiter.timer);
    waiter.resolve(written);
  }

  /** Asks for a signed checkpoint with the next batch (if any event is not yet covered by one). */
  requestCheckpoint(): void {
    this.checkpointRequested = true;
    this.schedule();
  }

  /** Resolves true once every event added so far is written and the head replaced; false after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.schedule();
    while (!this.drained()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /**
   * Graceful shutdown: a final checkpoint, everything written (for up to `timeoutMs`), the sink closed. Events that
   * could not be written are logged one by one as errors, so they are not lost silently.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + timeoutMs;
    let drained = await this.flush(timeoutMs);
    this.requestCheckpoint();
    if (drained) drained = await this.flush(Math.max(0, deadline - Date.now()));
    this.closed = true;
    clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (!drained) {
      for (const event of [...(this.inflight?.events ?? []), ...this.pending]) {
        this.logger.error({ auditEvent: event }, 'AUDIT EVENT NOT WRITTEN: the audit sink was unavailable at shutdown; the event is only in this log line');
      }
    }
    while (this.pumping) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.options.sink.close().catch((error: unknown) => this.logger.warn({ err: error }, 'audit: closing the sink failed'));
  }

  private drained(): boolean {
    return (
      this.last !== null &&
      this.pending.length === 0 &&
      this.inflight === null &&
      this.pendingHead === null &&
      this.notices.length === 0 &&
      !(this.checkpointRequested && this.since.events > 0)
    );
  }

  private schedule(): void {
    if (this.closed || this.scheduled || this.pumping || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      if (this.last === null) await this.open();
      for (;;) {
        if (this.pendingHead) {
          await this.options.sink.writeHead(this.pendingHead);
          this.pendingHead = null;
        }
        this.inflight ??= this.nextBatch();
        if (!this.inflight) break;
        const outcome = await this.options.sink.write(this.inflight.records);
        const records = this.inflight.records;
        // Into the chain, so what the store lost, or lost and got back, stays on record where auditors look.
        if (outcome?.lost) this.notices.push({ notice: 'records-lost-in-store', severity: 'error', details: { ...outcome.lost, sink: this.options.sink.description } });
        if (outcome?.rewritten) this.notices.push({ notice: 'records-written-again', severity: 'warning', details: { ...outcome.rewritten, sink: this.options.sink.description } });
        this.counters.written += this.inflight.events.length;
        this.inflight = null;
        for (const waiter of this.waiters.filter((candidate) => candidate.ticket <= this.counters.written)) this.answer(waiter, true);
        this.pendingHead = this.head(records[records.length - 1]);
        for (const record of records) {
          if (record.kind === 'checkpoint') this.logger.info({ seq: record.seq, hash: record.hash, prevHash: record.prevHash, keyId: record.keyId }, 'audit checkpoint');
        }
      }
      if (this.failingSince !== null) {
        const downForMs = Date.now() - this.failingSince;
        this.logger.info({ sink: this.options.sink.description, downForMs }, 'audit: sink writable again; buffered events written');
        // Into the chain, so the outage stays on record where auditors look (the audit subgraph's sink-failure alert).
        this.notices.push({
          notice: 'sink-unavailable',
          severity: 'warning',
          details: {
            since: new Date(this.failingSince).toISOString(),
            until: new Date().toISOString(),
            downForMs,
            writeFailures: this.counters.writeFailures - this.countersAtFailure.writeFailures,
            refusedOperations: this.counters.refused - this.countersAtFailure.refused,
            droppedEvents: this.counters.dropped - this.countersAtFailure.dropped,
          },
        });
        this.failingSince = null;
      }
      this.backoffMs = 0;
    } catch (error) {
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        this.countersAtFailure = { refused: this.counters.refused, dropped: this.counters.dropped, writeFailures: this.counters.writeFailures };
      }
      this.counters.writeFailures++;
      if (Date.now() - this.lastFailureLog > 10_000) {
        this.lastFailureLog = Date.now();
        this.logger.error(
          { err: error, sink: this.options.sink.description, depth: this.depth, capacity: this.options.bufferSize, failOpen: this.options.failOpen },
          'audit: cannot write to the audit sink; events stay buffered and are retried',
        );
      }
      this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : 25, this.options.retryMaxMs ?? 2000);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.pump();
        }, this.backoffMs);
        this.retryTimer.unref();
      }
    } finally {
      this.pumping = false;
    }
    if (!this.retryTimer && (this.pending.length > 0 || this.pendingHead || this.notices.length > 0)) this.schedule();
  }

  /** Reads where the trail ends; compares it with the signed head and puts what is wrong into the chain as notices. */
  private async open(): Promise<void> {
    const { last, head, repaired } = await this.options.sink.open();
    const notices: Notice[] = [...(repaired ?? [])];
    const lastSeq = last?.seq ?? 0;
    if (head) {
      const validHead = head.keyId === this.options.key.keyId && this.options.key.verify(headSigningInput(head), head.signature);
      if (!validHead) notices.push({ notice: 'head-invalid', severity: 'error', details: { headSeq: head.seq, keyId: head.keyId } });
      else if (head.seq > lastSeq) {
        notices.push({ notice: 'truncated-while-stopped', severity: 'error', details: { headSeq: head.seq, headHash: head.hash, headTime: head.time, trailEndsAtSeq: lastSeq } });
      } else if (head.seq === lastSeq && head.hash !== last?.hash) {
        notices.push({ notice: 'changed-while-stopped', severity: 'error', details: { seq: head.seq, headHash: head.hash, trailHash: last?.hash } });
      } else if (head.seq < lastSeq) {
        notices.push({ notice: 'records-after-head', severity: 'warning', details: { fromSeq: head.seq + 1, toSeq: lastSeq } });
      }
    } else if (last) {
      notices.push({ notice: 'head-missing', severity: 'error', details: { trailEndsAtSeq: lastSeq } });
    }
    this.last = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
    this.since = { fromSeq: this.last.seq + 1, events: 0, firstAt: 0 };
    this.notices = notices;
    for (const notice of notices) {
      this.logger[notice.severity === 'error' ? 'error' : 'warn'](
        { ...notice, sink: this.options.sink.description },
        'audit: the trail was not as this gateway left it; a notice is written into the chain',
      );
    }
    this.logger.info({ sink: this.options.sink.description, lastSeq: this.last.seq, keyId: this.options.key.keyId, failOpen: this.options.failOpen }, 'audit trail open');
  }

  private chain<T extends { seq: number; prevHash: string }>(body: Omit<T, 'hash'>): T {
    const record = { ...body, hash: recordHash(body) } as unknown as T & { hash: string };
    this.last = { seq: record.seq, hash: record.hash };
    return record;
  }

  private nextSeq(): number {
    return (this.last?.seq ?? 0) + 1;
  }

  private checkpoint(): AuditCheckpointRecord {
    const seq = this.nextSeq();
    const unsigned = {
      kind: 'checkpoint' as const,
      v: FORMAT_VERSION,
      seq,
      time: new Date().toISOString(),
      covers: { fromSeq: this.since.fromSeq, toSeq: seq - 1, events: this.since.events },
      alg: this.options.key.alg,
      keyId: this.options.key.keyId,
      prevHash: this.last!.hash,
    };
    const record = this.chain<AuditCheckpointRecord>({ ...unsigned, signature: this.options.key.sign(checkpointSigningInput(unsigned)) });
    this.since = { fromSeq: seq + 1, events: 0, firstAt: 0 };
    return record;
  }

  private nextBatch(): { records: AuditRecord[]; events: AuditEventContent[] } | null {
    const records: AuditRecord[] = [];
    for (const { notice, severity, details } of this.notices.splice(0)) {
      records.push(
        this.chain<AuditNoticeRecord>({
          kind: 'notice',
          v: FORMAT_VERSION,
          seq: this.nextSeq(),
          time: new Date().toISOString(),
          severity,
          notice,
          details,
          prevHash: this.last!.hash,
        } as Omit<AuditNoticeRecord, 'hash'>),
      );
    }
    const events = this.pending.splice(0, this.options.batchSize);
    for (const event of events) {
      // Through JSON once, so what is hashed is exactly what a reader parses back.
      const content = JSON.parse(JSON.stringify(event)) as AuditEventContent;
      records.push(this.chain({ kind: 'event', v: FORMAT_VERSION, seq: this.nextSeq(), ...content, prevHash: this.last!.hash }));
      if (this.since.events++ === 0) this.since.firstAt = Date.now();
      if (this.since.events >= this.options.checkpointEvery) records.push(this.checkpoint());
    }
    const due = this.since.events > 0 && (this.checkpointRequested || Date.now() - this.since.firstAt >= this.options.checkpointSeconds * 1000);
    if (due) records.push(this.checkpoint());
    if (due || this.since.events === 0) this.checkpointRequested = false;
    return records.length > 0 ? { records, events } : null;
  }

  private head(record: AuditRecord): AuditHead {
    const unsigned = { kind: 'head' as const, seq: record.seq, hash: record.hash, time: new Date().toISOString(), alg: this.options.key.alg, keyId: this.options.key.keyId };
    return { ...unsigned, signature: this.options.key.sign(headSigningInput(unsigned)) };
  }
}
