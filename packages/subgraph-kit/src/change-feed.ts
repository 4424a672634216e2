// A subgraph's change events, read from its `record_change` history in id order (packages/contracts/src/change-events.ts).
// Writers take one advisory lock per subgraph before appending history and hold it until they commit, so rows commit
// in id order and a reader that has seen id N never later finds a smaller one committed.
import { EventEmitter } from 'node:events';
import type { ChangeEvent } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import type { Database, Queryable } from './db.ts';

/** The advisory lock every write of one subgraph takes just before it appends its history, held until it commits. */
export async function lockChangeOrder(tx: Queryable, schema: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cmcc:record_change:${schema}`]);
}

const commits = new WeakMap<Database, EventEmitter>();

function commitsOf(db: Database): EventEmitter {
  let emitter = commits.get(db);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    commits.set(db, emitter);
  }
  return emitter;
}

/** Tells this process's tailers that a write to `db` has committed (imports from another process are found by polling). */
export function announceCommit(db: Database): void {
  commits.get(db)?.emit('commit');
}

interface ChangeRow {
  id: string;
  entity_type: string;
  entity_id: string;
  version: number;
  operation: 'CREATE' | 'UPDATE';
  changed_at: Date | string;
}

const COLUMNS = 'id::text AS id, entity_type, entity_id, version, operation, changed_at';

function toEvent(subgraph: string, row: ChangeRow): ChangeEvent {
  return {
    id: String(row.id),
    subgraph,
    entityType: row.entity_type,
    entityId: row.entity_id,
    version: Number(row.version),
    operation: row.operation,
    changedAt: new Date(row.changed_at).toISOString(),
  };
}

/** The events after `afterId`, in order, at most `limit`. */
export async function readChangeEvents(db: Queryable, subgraph: string, afterId: string, limit = 500): Promise<ChangeEvent[]> {
  const rows = await db.query<ChangeRow>(`SELECT ${COLUMNS} FROM record_change WHERE id > $1::bigint ORDER BY id LIMIT $2`, [afterId, limit]);
  return rows.map((row) => toEvent(subgraph, row));
}

/** The id of the last event written ('0' when there is none). */
export async function lastChangeEventId(db: Queryable): Promise<string> {
  const [row] = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM record_change');
  return row?.id ?? '0';
}

export type ResumeCheck = { ok: true } | { ok: false; oldestRetainedId: string | null };

/**
 * Whether every event after `afterId` is still within the retention: the first one after it was written no earlier
 * than `retentionHours` ago (or there is none). History is kept anyway; the window bounds how far back a resume goes.
 */
export async function checkResume(db: Queryable, afterId: string, retentionHours: number): Promise<ResumeCheck> {
  const cutoff = new Date(Date.now() - retentionHours * 3_600_000);
  const [first] = await db.query<{ changed_at: Date | string }>('SELECT changed_at FROM record_change WHERE id > $1::bigint ORDER BY id LIMIT 1', [afterId]);
  if (!first || new Date(first.changed_at) >= cutoff) return { ok: true };
  const [oldest] = await db.query<{ id: string | null }>('SELECT min(id)::text AS id FROM record_change WHERE changed_at >= $1', [cutoff]);
  return { ok: false, oldestRetainedId: oldest?.id ?? null };
}

export interface ChangeTailer {
  /** The id of the last event handed out; new listeners hear every event after it. */
  readonly lastId: string;
  /** Calls `listener` with every event after `lastId`, in order, until the returned function is called. */
  listen(listener: (event: ChangeEvent) => void): () => void;
  /** Reads new rows now (a poll); resolves once they are handed out. */
  poll(): Promise<void>;
  stop(): void;
}

export interface ChangeTailerOptions {
  db: Database;
  subgraph: string;
  logger: Logger;
  /** Poll interval for writes this process did not make (imports run by `npm run import`). */
  pollMs: number;
  /** Start after this id; default: the last event written when the tailer starts. */
  afterId?: string;
}

/** Follows `record_change` from one process: woken right after each local commit, and on a short poll. */
export async function startChangeTailer(options: ChangeTailerOptions): Promise<ChangeTailer> {
  const { db, subgraph, logger } = options;
  let lastId = options.afterId ?? (await lastChangeEventId(db));
  const listeners = new Set<(event: ChangeEvent) => void>();
  let stopped = false;

  const drain = async () => {
    for (;;) {
      const events = await readChangeEvents(db, subgraph, lastId);
      for (const event of events) {
        lastId = event.id;
        for (const listener of [...listeners]) listener(event);
      }
      if (events.length < 500) return;
    }
  };
  // One read at a time; a wake-up during a read queues one more read after it (several wake-ups share it).
  let current: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  const poll = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (queued) return queued;
    const next = current.then(async () => {
      queued = null;
      if (stopped) return;
      await drain().catch((error: unknown) => logger.warn({ err: error }, 'reading change events failed; retrying on the next poll'));
    });
    queued = current = next;
    return next;
  };
  const onCommit = () => void poll();
  commitsOf(db).on('commit', onCommit);
  const timer = setInterval(onCommit, options.pollMs);
  timer.unref();
  return {
    get lastId() {
      return lastId;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poll,
    stop() {
      stopped = true;
      clearInterval(timer);
      commitsOf(db).off('commit', onCommit);
      listeners.clear();
    },
  };
}
