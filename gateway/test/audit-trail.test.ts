import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, ConfigError } from '@cmcc/platform';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import {
  canonicalJson,
  recordHash,
  type AuditRecord,
  hmacAuditKey,
  loadOrCreateEd25519Key,
  type AuditKey,
  FileAuditSink,
  type AuditSink,
  type SinkState,
  FileAuditStore,
  AuditTrail,
} from '@cmcc/audit-trail';
import { sampleEvent } from './audit-support.ts';
import { loadGatewayConfig } from '../src/config.ts';

/**
 * The chain and its verification on real trails written by the trail writer, then tampered with on disk: every kind
 * of tampering is caught and the first record concerned is named. Also the bounded buffer (fail-closed / fail-open).
 */

const exec = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-audit-'));
  dirs.push(dir);
  return dir;
}

function logs(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('audit-test', 'info', { write: (line: string) => void lines.push(line) }) };
}

const TRAIL_OPTIONS = { bufferSize: 1000, batchSize: 7, checkpointEvery: 5, checkpointSeconds: 3600, failOpen: false };

/** Writes `events` events through the real writer and closes it (final checkpoint). */
async function writeTrail(dir: string, events: number, key: AuditKey = loadOrCreateEd25519Key(path.join(dir, 'key.json'))): Promise<{ key: AuditKey; trail: AuditTrail }> {
  const trail = new AuditTrail({ ...TRAIL_OPTIONS, sink: new FileAuditSink(dir), key, logger: logs().logger });
  for (let n = 1; n <= events; n++) expect(trail.append(sampleEvent(n), trail.admit())).toBe(true);
  await trail.close();
  return { key, trail };
}

const trailFile = (dir: string) => path.join(dir, 'audit.jsonl');
const readLines = (dir: string) => fs.readFileSync(trailFile(dir), 'utf8').split('\n').filter(Boolean);
const writeLines = (dir: string, lines: string[]) => fs.writeFileSync(trailFile(dir), lines.map((line) => `${line}\n`).join(''));
const verify = (dir: string, key: AuditKey) => new FileAuditStore(dir, key).verify();
/** The index of the line holding `seq`. */
const lineOf = (lines: string[], seq: number) => lines.findIndex((line) => (JSON.parse(line) as AuditRecord).seq === seq);

describe('an intact trail', () => {
  it('chains every record, signs a checkpoint every N events and at close, and verifies', async () => {
    const dir = tempDir();
    const { key } = await writeTrail(dir, 12);
    const records = readLines(dir).map((line) => JSON.parse(line) as AuditRecord);
    // 12 events, checkpoints after the 5th and 10th event and at close.
    expect(records.map((r) => r.kind)).toEqual([...Array(5).fill('event'), 'checkpoint', ...Array(5).fill('event'), 'checkpoint', 'event', 'event', 'checkpoint']);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    records.forEach((record, i) => {
      expect(record.hash).toBe(recordHash(record));
      expect(record.prevHash).toBe(i === 0 ? '0'.repeat(64) : records[i - 1].hash);
    });
    expect(records[5]).toMatchObject({ kind: 'checkpoint', covers: { fromSeq: 1, toSeq: 5, events: 5 }, alg: 'EdDSA', keyId: key.keyId });
    const result = await verify(dir, key);
    expect(result).toMatchObject({ ok: true, records: 15, events: 12, checkpoints: 3, verifiedUpToSeq: 15, problem: null, lastCheckpoint: { seq: 15 } });
  });

  it('continues the chain after a restart', async () => {
    const dir = tempDir();
    const { key } = await writeTrail(dir, 3);
    await writeTrail(dir, 4, key);
    const records = readLines(dir).map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    expect(await verify(dir, key)).toMatchObject({ ok: true, events: 7 });
  });

  it('works with an HMAC key (AUDIT_SIGNING_KEY) and refuses the wrong key', async () => {
    const dir = tempDir();
    const key = hmacAuditKey('an-audit-signing-key-of-at-least-32-chars');
    await writeTrail(dir, 6, key);
    expect((await verify(dir, key)).ok).toBe(true);
    const wrong = await verify(dir, hmacAuditKey('another-audit-signing-key-of-32-characters'));
    expect(wrong).toMatchObject({ ok: false, problem: { kind: 'signature', seq: 6 } });
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: null, e: 'x' }], c: undefined } })).toBe('{"a":{"d":[1,{"e":"x","f":null}]},"b":1}');
  });
});

describe('verification names the first record tampered with', () => {
  async function tampered(change: (lines: string[], dir: string) => void) {
    const dir = tempDir();
    const { key } = await writeTrail(dir, 12);
    const lines = readLines(dir);
    change(lines, dir);
    return verify(dir, key);
  }

  it('an edited event', async () => {
    const result = await tampered((lines, dir) => {
      const at = lineOf(lines, 4);
      lines[at] = lines[at].replace('"subject":"wfp"', '"subject":"someone-else"');
      writeLines(dir, lines);
    });
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 3, problem: { kind: 'changed', seq: 4, position: 'line 4' } });
    expect(result.problem!.message).toContain('seq 4');
  });

  it('an edited event whose hash was recomputed', async () => {
    const result = await tampered((lines, dir) => {
      const at = lineOf(lines, 7);
      const record = JSON.parse(lines[at]) as AuditRecord & { principal: { subject: string } };
      record.principal.subject = 'nobody';
      record.hash = recordHash(record);
      lines[at] = JSON.stringify(record);
      writeLines(dir, lines);
    });
    expect(result).toMatchObject({ ok: false, problem: { kind: 'changed', seq: 7 } });
  });

  it('an edited event with the whole chain after it recomputed (the checkpoint signature catches it)', async () => {
    const result = await tampered((lines, dir) => {
      const records = lines.map((line) => JSON.parse(line) as AuditRecord & { principal?: { subject: string } });
      records[7].principal!.subject = 'nobody';
      for (let i = 7; i < records.length; i++) {
        records[i].prevHash = records[i - 1].hash;
        records[i].hash = recordHash(records[i]);
      }
      writeLines(
        dir,
        records.map((r) => JSON.stringify(r)),
      );
    });
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 11, problem: { kind: 'signature', seq: 12 } });
    expect(result.problem!.message).toContain('after checkpoint seq 6');
  });

  it('a deleted event', async () => {
    const result = await tampered((lines, dir) =>
      writeLines(
        dir,
        lines.filter((_, i) => i !== lineOf(lines, 9)),
      ),
    );
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 8, problem: { kind: 'removed', seq: 9 } });
    expect(result.problem!.message).toMatch(/seq 9 was removed/);
  });

  it('several deleted events', async () => {
    const result = await tampered((lines, dir) => writeLines(dir, [...lines.slice(0, 2), ...lines.slice(5)]));
    expect(result).toMatchObject({ ok: false, problem: { kind: 'removed', seq: 3 } });
    expect(result.problem!.message).toContain('seq 3 to 5 were removed');
  });

  it('reordered events', async () => {
    const result = await tampered((lines, dir) => {
      const [a, b] = [lineOf(lines, 3), lineOf(lines, 4)];
      [lines[a], lines[b]] = [lines[b], lines[a]];
      writeLines(dir, lines);
    });
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 2, problem: { kind: 'reordered', seq: 3, position: 'line 4' } });
  });

  it('an inserted (duplicated) event', async () => {
    const result = await tampered((lines, dir) => writeLines(dir, [...lines.slice(0, 5), lines[2], ...lines.slice(5)]));
    expect(result).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 3, position: 'line 6' } });
  });

  it('a truncated trail (the last records cut off)', async () => {
    const result = await tampered((lines, dir) => writeLines(dir, lines.slice(0, 10)));
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 10, problem: { kind: 'truncated', seq: 11 } });
    expect(result.problem!.message).toContain('seq 11 to 15 are missing');
  });

  it('a trail cut mid-record', async () => {
    const result = await tampered((lines, dir) => fs.writeFileSync(trailFile(dir), `${lines.slice(0, 9).join('\n')}\n${lines[9].slice(0, 40)}`));
    expect(result).toMatchObject({ ok: false, verifiedUpToSeq: 9, problem: { kind: 'damaged', seq: 10, position: 'line 10' } });
  });

  it('a truncated trail whose head was deleted too', async () => {
    const result = await tampered((lines, dir) => {
      writeLines(dir, lines.slice(0, 10));
      fs.rmSync(path.join(dir, 'audit.head.json'));
    });
    expect(result).toMatchObject({ ok: false, problem: { kind: 'truncated' } });
  });

  it('a forged head', async () => {
    const result = await tampered((lines, dir) => {
      writeLines(dir, lines.slice(0, 10));
      const head = JSON.parse(fs.readFileSync(path.join(dir, 'audit.head.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'audit.head.json'), JSON.stringify({ ...head, seq: 10, hash: (JSON.parse(lines[9]) as AuditRecord).hash }));
    });
    expect(result).toMatchObject({ ok: false, problem: { kind: 'signature' } });
  });

  it('tampering while the gateway was stopped is written into the chain at restart', async () => {
    const dir = tempDir();
    const { key } = await writeTrail(dir, 12);
    writeLines(dir, readLines(dir).slice(0, 8));
    const { lines, logger } = logs();
    const trail = new AuditTrail({ ...TRAIL_OPTIONS, sink: new FileAuditSink(dir), key, logger });
    trail.append(sampleEvent(99), trail.admit());
    await trail.close();
    expect(lines.join('\n')).toContain('truncated-while-stopped');
    const result = await verify(dir, key);
    // The head was rewritten by the restarted writer, but the notice in the chain keeps the truncation visible.
    expect(result).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 9 } });
    expect(result.problem!.message).toContain('while the gateway was stopped');
  });

  it('a crash mid-write: the incomplete last line is removed on restart and noted as a warning', async () => {
    const dir = tempDir();
    const { key } = await writeTrail(dir, 4);
    fs.appendFileSync(trailFile(dir), '{"kind":"event","v":1,"seq":7,"id":"half-writ');
    const trail = new AuditTrail({ ...TRAIL_OPTIONS, sink: new FileAuditSink(dir), key, logger: logs().logger });
    trail.append(sampleEvent(5), trail.admit());
    await trail.close();
    const result = await verify(dir, key);
    expect(result.ok).toBe(true);
    expect(result.warnings.join('\n')).toContain('incomplete last record');
  });
});

describe('npm run audit:verify', () => {
  const run = (env: Record<string, string>) =>
    exec(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'audit-verify.ts')], { cwd: PROJECT_ROOT, env: { ...process.env, REDIS_URL: '', ...env } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
    );

  it('exits 0 on an intact trail and 1 naming the first changed event otherwise', async () => {
    const dataDir = tempDir();
    const dir = path.join(dataDir, 'audit');
    await writeTrail(dir, 8, loadOrCreateEd25519Key(path.join(dataDir, 'auth', 'audit-signing-key.json')));
    const ok = await run({ DATA_DIR: dataDir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 10 records \(8 events, 2 signed checkpoints\) verified up to seq 10/m);

    const lines = readLines(dir);
    writeLines(
      dir,
      lines.filter((_, i) => i !== lineOf(lines, 2)),
    );
    const broken = await run({ DATA_DIR: dataDir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN (removed at seq 2)');
  });
});

/** A sink whose writes wait until the test opens the gate (a slow or stuck sink). */
class GatedSink implements AuditSink {
  readonly description = 'gated test sink';
  readonly written: AuditRecord[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  open(): Promise<SinkState> {
    return Promise.resolve({ last: null, head: null });
  }
  async write(records: AuditRecord[]): Promise<void> {
    await this.gate;
    this.written.push(...records);
  }
  async writeHead(): Promise<void> {}
  async close(): Promise<void> {}
  unblock(): void {
    this.release();
  }
}

describe('the bounded buffer', () => {
  it('fail-closed: admits no more operations than it has room for, and admits again once the sink catches up', async () => {
    const sink = new GatedSink();
    const trail = new AuditTrail({ ...TRAIL_OPTIONS, bufferSize: 3, batchSize: 2, sink, key: hmacAuditKey('x'.repeat(32)), logger: logs().logger });
    const admissions = [trail.admit(), trail.admit(), trail.admit()];
    expect(admissions.every(Boolean)).toBe(true);
    expect(trail.admit()).toBeNull(); // three operations in flight hold the three places
    admissions.forEach((admission, n) => expect(trail.append(sampleEvent(n), admission)).toBe(true));
    expect(trail.depth).toBe(3);
    expect(trail.admit()).toBeNull();
    expect(trail.stats).toMatchObject({ depth: 3, capacity: 3, refused: 2, dropped: 0 });
    sink.unblock();
    expect(await trail.flush()).toBe(true);
    expect(trail.depth).toBe(0);
    expect(sink.written.filter((r) => r.kind === 'event')).toHaveLength(3);
    expect(trail.admit()).not.toBeNull();
    await trail.close();
  });

  it('fail-open: serves, and logs each event it cannot keep as an error', async () => {
    const sink = new GatedSink();
    const { lines, logger } = logs();
    const trail = new AuditTrail({ ...TRAIL_OPTIONS, bufferSize: 2, failOpen: true, sink, key: hmacAuditKey('x'.repeat(32)), logger });
    expect(trail.append(sampleEvent(1), trail.admit())).toBe(true);
    expect(trail.append(sampleEvent(2), trail.admit())).toBe(true);
    const admission = trail.admit();
    expect(admission).toEqual({ reserved: false, used: false });
    expect(trail.append(sampleEvent(3, { requestId: 'the-dropped-one' }), admission)).toBe(false);
    const dropped = lines.map((line) => JSON.parse(line)).filter((line) => line.msg.startsWith('AUDIT EVENT DROPPED'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ level: 50, auditEvent: { requestId: 'the-dropped-one' } });
    expect(trail.stats.dropped).toBe(1);
    sink.unblock();
    await trail.close();
  });

  it('keeps events when the sink fails and writes them, in order, when it comes back', async () => {
    const dir = tempDir();
    const blocked = path.join(dir, 'blocked');
    fs.writeFileSync(blocked, 'a file where the audit folder should be');
    const key = hmacAuditKey('y'.repeat(32));
    const { lines, logger } = logs();
    const trail = new AuditTrail({ ...TRAIL_OPTIONS, sink: new FileAuditSink(path.join(blocked, 'audit')), key, logger, retryMaxMs: 50 });
    for (let n = 1; n <= 4; n++) trail.append(sampleEvent(n), trail.admit());
    expect(await trail.flush(300)).toBe(false);
    expect(trail.depth).toBe(4);
    expect(trail.stats.sinkHealthy).toBe(false);
    expect(lines.some((line) => line.includes('cannot write to the audit sink'))).toBe(true);
    fs.rmSync(blocked);
    expect(await trail.flush()).toBe(true);
    await trail.close();
    expect(await verify(path.join(blocked, 'audit'), key)).toMatchObject({ ok: true, events: 4 });
    expect(lines.some((line) => line.includes('sink writable again'))).toBe(true);
  });
});

describe('audit configuration', () => {
  it('defaults to a fail-closed JSONL trail under <DATA_DIR>/audit with an Ed25519 key under <DATA_DIR>/auth', () => {
    const config = loadGatewayConfig({ DATA_DIR: '/srv/cmcc' }).audit;
    expect(config).toMatchObject({
      sink: 'file',
      dir: path.resolve('/srv/cmcc/audit'),
      keyFile: path.resolve('/srv/cmcc/auth/audit-signing-key.json'),
      failOpen: false,
      signingKey: undefined,
    });
    expect(config.redact).toEqual(expect.arrayContaining(['token', 'password', 'secret', 'key', 'latitude', 'longitude', 'driver', 'notes']));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses Redis when REDIS_URL is set, and adds AUDIT_REDACT patterns to the defaults', () => {
    const config = loadGatewayConfig({ REDIS_URL: 'redis://redis:6379', AUDIT_REDACT: 'ssn, ^pin$', AUDIT_FAIL_OPEN: 'true' }).audit;
    expect(config).toMatchObject({ sink: 'redis', redisUrl: 'redis://redis:6379', redisStream: 'cmcc:audit', failOpen: true });
    expect(config.redact.slice(-2)).toEqual(['ssn', '^pin$']);
    expect(loadGatewayConfig({ REDIS_URL: 'redis://redis:6379', AUDIT_SINK: 'file' }).audit.sink).toBe('file');
  });

  it('reports every audit problem at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ AUDIT_SINK: 'redis', AUDIT_SIGNING_KEY: 'short', AUDIT_BUFFER_SIZE: '0', AUDIT_FAIL_OPEN: 'maybe', AUDIT_REDACT: '(' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(5);
    expect(() => loadGatewayConfig({ REDIS_URL: 'http://redis' })).toThrow(/REDIS_URL/);
  });
});
