import {
  checkpointSigningInput,
  GENESIS_HASH,
  headSigningInput,
  recordHash,
  type AuditCheckpointRecord,
  type AuditHead,
  type AuditNoticeRecord,
  type AuditRecord,
} from './records.ts';
import type { AuditKey } from './signing.ts';

/** One stored line (file) or entry (stream), in storage order. */
export interface StoredRecord {
  /** Where it is: `line 12` or `entry 12-0`. */
  position: string;
  text: string;
}

export type ProblemKind = 'damaged' | 'changed' | 'removed' | 'reordered' | 'inserted' | 'truncated' | 'signature' | 'notice' | 'replayed';

export interface Problem {
  kind: ProblemKind;
  /** The first record concerned (for `removed` and `truncated`: the first one missing), when known. */
  seq: number | null;
  position: string | null;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  events: number;
  checkpoints: number;
  /** Every record up to this seq is intact (0: none). */
  verifiedUpToSeq: number;
  lastSeq: number | null;
  lastCheckpoint: { seq: number; time: string } | null;
  head: { seq: number; time: string } | null;
  /** The first thing wrong, in trail order; null when the trail is intact. */
  problem: Problem | null;
  warnings: string[];
  /** A trail of several chains (one per gateway replica): each chain's own result. */
  chains?: (VerifyResult & { chain: string })[];
}

/**
 * Checks a whole trail: each record's hash, the chain of `prevHash`, `seq` without gap or repeat, every checkpoint's
 * signature, the notices the writer put in the chain, and finally the signed head (which catches a cut-off end).
 * Stops at the first problem and names the first record concerned.
 */
export function verifyTrail(stored: Iterable<StoredRecord>, head: AuditHead | null, key: AuditKey | null): VerifyResult {
  const entries: { position: string; record: AuditRecord | null; text: string }[] = [];
  for (const { position, text } of stored) {
    if (!text.trim()) continue;
    let record: AuditRecord | null = null;
    try {
      const parsed = JSON.parse(text) as AuditRecord;
      if (typeof parsed?.seq === 'number' && typeof parsed.hash === 'string' && typeof parsed.prevHash === 'string') record = parsed;
    } catch {
      record = null;
    }
    entries.push({ position, record, text });
  }
  const result: VerifyResult = {
    ok: true,
    records: entries.length,
    events: 0,
    checkpoints: 0,
    verifiedUpToSeq: 0,
    lastSeq: null,
    lastCheckpoint: null,
    head: head ? { seq: head.seq, time: head.time } : null,
    problem: null,
    warnings: [],
  };
  const fail = (kind: ProblemKind, seq: number | null, position: string | null, message: string): VerifyResult => {
    result.ok = false;
    result.problem = { kind, seq, position, message };
    return result;
  };
  const positionsBySeq = new Map<number, number[]>();
  entries.forEach((entry, index) => {
    if (entry.record) positionsBySeq.set(entry.record.seq, [...(positionsBySeq.get(entry.record.seq) ?? []), index]);
  });

  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  for (let index = 0; index < entries.length; index++) {
    const { position, record } = entries[index];
    const expected = previous.seq + 1;
    if (!record) return fail('damaged', expected, position, `${position} is not a complete audit record (damaged, or cut off mid-write); seq ${expected} was expected there`);
    result.lastSeq = record.seq;
    if (record.seq !== expected) {
      const laterIndex = (positionsBySeq.get(expected) ?? []).find((at) => at > index);
      const earlier = (positionsBySeq.get(record.seq) ?? []).some((at) => at < index);
      if (earlier) return fail('inserted', record.seq, position, `seq ${record.seq} at ${position} appears a second time (a record was inserted or duplicated)`);
      if (laterIndex !== undefined) {
        return fail(
          'reordered',
          expected,
          entries[laterIndex].position,
          `seq ${expected} was moved: it is at ${entries[laterIndex].position}, after seq ${record.seq} (${position}); the trail was reordered`,
        );
      }
      if (record.seq > expected) {
        const missing = record.seq - 1 === expected ? `seq ${expected} was removed` : `seq ${expected} to ${record.seq - 1} were removed`;
        return fail('removed', expected, position, `${missing}: ${position} holds seq ${record.seq} right after seq ${previous.seq}`);
      }
      return fail('reordered', record.seq, position, `seq ${record.seq} at ${position} comes after seq ${previous.seq} (out of order)`);
    }
    if (recordHash(record) !== record.hash) {
      return fail('changed', record.seq, position, `seq ${record.seq} (${position}, ${record.kind}) was changed: its content no longer matches its hash`);
    }
    if (record.prevHash !== previous.hash) {
      // Its own hash matches, so the one before was rewritten with a recomputed hash (or this record's link was).
      const changed = previous.seq > 0 ? previous.seq : record.seq;
      return fail(
        'changed',
        changed,
        position,
        `seq ${changed} was changed and its hash recomputed: seq ${record.seq} (${position}) records a different hash for the record before it`,
      );
    }
    if (record.kind === 'checkpoint') {
      const problem = checkCheckpoint(record, key, result.lastCheckpoint?.seq ?? 0);
      if (problem) return fail('signature', record.seq, position, problem);
      result.checkpoints++;
      result.lastCheckpoint = { seq: record.seq, time: record.time };
    } else if (record.kind === 'notice') {
      const notice = describeNotice(record);
      if (record.severity === 'error') return fail(notice.kind, notice.seq ?? record.seq, position, notice.message);
      result.warnings.push(`${position}: ${notice.message}`);
    } else {
      result.events++;
    }
    previous = { seq: record.seq, hash: record.hash };
    result.verifiedUpToSeq = record.seq;
  }

  // The end: the signed head says which record was last written.
  if (!head) {
    if (entries.length > 0) return fail('truncated', null, null, 'the signed head (the record of the last seq written) is missing, so a cut-off end cannot be excluded');
    return result;
  }
  if (!key) {
    result.warnings.push('no audit key given: signatures of checkpoints and head were not checked');
  } else if (head.keyId !== key.keyId || !key.verify(headSigningInput(head), head.signature)) {
    return fail('signature', head.seq, 'head', `the head's signature is not valid for key ${key.keyId} (head signed by ${head.keyId}): the head was forged or replaced`);
  }
  if (head.seq > previous.seq) {
    const missing = head.seq - 1 === previous.seq ? `seq ${head.seq} is missing` : `seq ${previous.seq + 1} to ${head.seq} are missing`;
    return fail(
      'truncated',
      previous.seq + 1,
      null,
      `the trail was truncated: it ends at seq ${previous.seq}, but the signed head says seq ${head.seq} was written (${head.time}); ${missing}`,
    );
  }
  const atHead = (positionsBySeq.get(head.seq) ?? []).map((at) => entries[at].record).find(Boolean);
  if (head.seq > 0 && atHead?.hash !== head.hash) {
    return fail('changed', head.seq, null, `seq ${head.seq} was changed: its hash differs from the one in the signed head`);
  }
  if (head.seq < previous.seq) {
    result.warnings.push(`seq ${head.seq + 1} to ${previous.seq} follow the signed head (written just now, or before a crash); they are chained but not yet anchored`);
  }
  return result;
}

function checkCheckpoint(record: AuditCheckpointRecord, key: AuditKey | null, previousCheckpointSeq: number): string | null {
  if (record.covers.toSeq !== record.seq - 1 || record.covers.fromSeq <= previousCheckpointSeq) {
    return `checkpoint seq ${record.seq} covers seq ${record.covers.fromSeq} to ${record.covers.toSeq}, which does not fit the trail`;
  }
  if (!key) return null;
  if (record.keyId !== key.keyId) return `checkpoint seq ${record.seq} is signed with key ${record.keyId}, not ${key.keyId}`;
  if (!key.verify(checkpointSigningInput(record), record.signature)) {
    return `checkpoint seq ${record.seq} has an invalid signature: records before it (after checkpoint seq ${previousCheckpointSeq}) were rewritten with recomputed hashes`;
  }
  return null;
}

function describeNotice(record: AuditNoticeRecord): { kind: ProblemKind; seq: number | null; message: string } {
  const details = record.details ?? {};
  switch (record.notice) {
    case 'truncated-while-stopped':
      return {
        kind: 'truncated',
        seq: Number(details.trailEndsAtSeq) + 1,
        message: `the trail was truncated while the gateway was stopped: it ended at seq ${details.trailEndsAtSeq} but its signed head said seq ${details.headSeq} (${details.headTime}) was written; the gateway wrote notice seq ${record.seq} on restart`,
      };
    case 'changed-while-stopped':
      return {
        kind: 'changed',
        seq: Number(details.seq),
        message: `seq ${details.seq} was changed while the gateway was stopped (its hash no longer matched the signed head; notice seq ${record.seq})`,
      };
    case 'head-missing':
      return {
        kind: 'truncated',
        seq: null,
        message: `the signed head was deleted while the gateway was stopped (the trail ended at seq ${details.trailEndsAtSeq}; notice seq ${record.seq})`,
      };
    case 'head-invalid':
      return { kind: 'signature', seq: null, message: `the signed head was forged or replaced while the gateway was stopped (notice seq ${record.seq})` };
    case 'damaged-records-at-end':
      return { kind: 'damaged', seq: null, message: `damaged records were found at the end of the trail on restart (notice seq ${record.seq})` };
    case 'incomplete-record-removed':
      return {
        kind: 'damaged',
        seq: null,
        message: `an incomplete last record (${details.bytes} bytes, never acknowledged) was removed on restart after a crash (notice seq ${record.seq})`,
      };
    case 'records-after-head':
      return {
        kind: 'notice',
        seq: null,
        message: `seq ${details.fromSeq} to ${details.toSeq} were written but not yet anchored by the head when the gateway stopped (notice seq ${record.seq})`,
      };
    case 'sink-unavailable':
      return {
        kind: 'notice',
        seq: null,
        message: `the audit sink was unavailable from ${details.since} to ${details.until}: ${details.refusedOperations} operations refused and ${details.droppedEvents} events dropped (logged) meanwhile (notice seq ${record.seq})`,
      };
    default:
      return { kind: 'notice', seq: null, message: `notice ${record.notice} (seq ${record.seq}): ${JSON.stringify(details)}` };
  }
}

/** One line of text for people. */
export function describeResult(result: VerifyResult): string {
  if (result.ok) {
    const checkpoint = result.lastCheckpoint ? `last checkpoint seq ${result.lastCheckpoint.seq} at ${result.lastCheckpoint.time}` : 'no checkpoint yet';
    return `OK: ${result.records} records (${result.events} events, ${result.checkpoints} signed checkpoints) verified up to seq ${result.verifiedUpToSeq}; ${checkpoint}`;
  }
  return `BROKEN (${result.problem!.kind}${result.problem!.seq !== null ? ` at seq ${result.problem!.seq}` : ''}): ${result.problem!.message}. Intact up to seq ${result.verifiedUpToSeq}.`;
}
