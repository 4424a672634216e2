import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as poll } from '@cmcc/test-support/eventually';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { FileAuditStore, hmacAuditKey } from '@cmcc/audit-trail';

/**
 * The gateway when its audit sink cannot keep up: fail-closed (default) refuses new operations with
 * SERVICE_UNAVAILABLE (HTTP 503) and serves nothing unaudited, and recovers by itself when the sink returns;
 * AUDIT_FAIL_OPEN=true serves them and logs each event it could not keep as an error.
 * The sink is made unavailable by putting a file where the audit folder's parent should be.
 */

const QUERY = `query Governorates { areas(level: GOVERNORATE) { pcode } }`;
const SIGNING_KEY = 'a-test-audit-signing-key-of-32-characters-or-more';

const eventually = <T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 15_000) => poll(probe, accept, timeoutMs, 100);

function blockedAuditDir(): { blocker: string; dir: string } {
  const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-audit-blocked-')), 'blocked');
  fs.writeFileSync(blocker, 'a file where the audit folder should be');
  return { blocker, dir: path.join(blocker, 'audit') };
}

describe('fail-closed (default)', () => {
  let stack: TestStack;
  const { blocker, dir } = blockedAuditDir();
  beforeAll(async () => {
    stack = await startStack({ env: { AUDIT_DIR: dir, AUDIT_BUFFER_SIZE: '2', AUDIT_SIGNING_KEY: SIGNING_KEY } });
  });
  afterAll(async () => {
    if (fs.existsSync(blocker) && fs.statSync(blocker).isFile()) fs.rmSync(blocker);
    await stack?.close();
    fs.rmSync(path.dirname(blocker), { recursive: true, force: true });
  });

  it('refuses operations with SERVICE_UNAVAILABLE (503) once the buffer is full, serving nothing unaudited, and recovers', async () => {
    // Two places in the buffer: two operations are served, their events held in memory.
    for (let i = 0; i < 2; i++) {
      const served = await stack.query(QUERY);
      expect(served.errors).toBeUndefined();
      expect(served.data.areas).toHaveLength(5);
    }
    expect(stack.gateway.audit.depth).toBe(2);

    const statementsBefore = await stack.subgraphs['civil-administration'].statementsDuring(async () => {
      const refused = await stack.query(QUERY);
      expect(refused.status).toBe(503);
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
    });
    expect(statementsBefore.statements).toEqual([]); // nothing was executed for the refused operation
    const refusedLog = stack.logs.map((line) => JSON.parse(line)).find((line) => line.msg?.startsWith('operation refused: the audit buffer is full'));
    expect(refusedLog).toBeDefined();
    expect(stack.gateway.audit.stats).toMatchObject({ depth: 2, refused: 1, dropped: 0, sinkHealthy: false });

    // The sink comes back: the buffered events are written and operations are served again.
    fs.rmSync(blocker);
    const after = await eventually(
      () => stack.query(QUERY),
      (response) => response.status === 200,
    );
    expect(after.errors).toBeUndefined();
    expect(await stack.gateway.audit.flush()).toBe(true);

    const store = new FileAuditStore(dir, hmacAuditKey(SIGNING_KEY));
    const { events } = await store.listEvents({ operationName: 'Governorates' }, { first: 100 });
    // Every operation served is in the trail; the refused one is not (it was not served).
    const served = events.filter((e) => e.outcome.status === 'OK');
    expect(served.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.outcome.httpStatus === 200)).toBe(true);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => b - a));
    const status = await store.chainStatus();
    expect(status).toMatchObject({ ok: true, brokenAtSeq: null });
  });
});

describe('fail-open (AUDIT_FAIL_OPEN=true)', () => {
  let stack: TestStack;
  const { blocker, dir } = blockedAuditDir();
  beforeAll(async () => {
    stack = await startStack({ env: { AUDIT_DIR: dir, AUDIT_BUFFER_SIZE: '1', AUDIT_FAIL_OPEN: 'true' } });
  });
  afterAll(async () => {
    if (fs.existsSync(blocker) && fs.statSync(blocker).isFile()) fs.rmSync(blocker);
    await stack?.close();
    fs.rmSync(path.dirname(blocker), { recursive: true, force: true });
  });

  it('serves operations when the buffer is full and logs each dropped event as an error', async () => {
    const logged = () => stack.logs.map((line) => JSON.parse(line));
    expect(logged().some((line) => line.level === 40 && String(line.msg).includes('AUDIT_FAIL_OPEN=true'))).toBe(true);
    for (let i = 0; i < 3; i++) {
      const served = await stack.query(QUERY);
      expect(served.status).toBe(200);
      expect(served.data.areas).toHaveLength(5);
    }
    const dropped = logged().filter((line) => String(line.msg).startsWith('AUDIT EVENT DROPPED'));
    expect(dropped).toHaveLength(2);
    expect(dropped[0]).toMatchObject({ level: 50, auditEvent: { operation: { name: 'Governorates' }, principal: { subject: 'us-analyst' } } });
    expect(stack.gateway.audit.stats).toMatchObject({ dropped: 2, refused: 0 });
    fs.rmSync(blocker);
    expect(await stack.gateway.audit.flush()).toBe(true);
  });
});

describe('a write is acknowledged once its audit event is written (AUDIT_WRITE_WAIT_MS)', () => {
  const CA_EDITOR = { sub: 'ca-editor', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scope: 'write:civil-administration', cmcc: true };
  const UPSERT = `mutation Upsert($input: UpsertDisplacementSiteInput!, $idempotencyKey: String) {
    upsertDisplacementSite(input: $input, idempotencyKey: $idempotencyKey) { displacementSite { id } userErrors { code } }
  }`;
  const SITE = {
    name: 'Write-wait probe site',
    type: 'MAKESHIFT_SITE',
    areaPcode: 'PS027004',
    households: 3,
    individuals: 11,
    latitude: 31.3456,
    longitude: 34.3012,
    source: 'PARTNER',
    asOf: '2025-11-22',
    marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
  };
  let stack: TestStack;
  const { blocker, dir } = blockedAuditDir();
  beforeAll(async () => {
    stack = await startStack({ env: { AUDIT_DIR: dir, AUDIT_SIGNING_KEY: SIGNING_KEY, AUDIT_WRITE_WAIT_MS: '30000' } });
  });
  afterAll(async () => {
    if (fs.existsSync(blocker) && fs.statSync(blocker).isFile()) fs.rmSync(blocker);
    await stack?.close();
    fs.rmSync(path.dirname(blocker), { recursive: true, force: true });
  });

  it('holds a mutation’s answer while the sink cannot take its event (a query is answered), and answers once the event is in the trail', async () => {
    // A read is answered at once, its event buffered.
    const read = await stack.query(QUERY);
    expect(read.status).toBe(200);
    let answered = false;
    const write = stack.query(UPSERT, { input: SITE, idempotencyKey: 'write-wait-1' }, CA_EDITOR).then((response) => {
      answered = true;
      return response;
    });
    // The mutation was executed and its event appended (two events buffered), yet no answer has gone out.
    await eventually(
      () => stack.gateway.audit.depth,
      (depth) => depth === 2,
    );
    const store = new FileAuditStore(dir, hmacAuditKey(SIGNING_KEY));
    expect(answered).toBe(false);
    fs.rmSync(blocker);
    const response = await write;
    expect(response.errors).toBeUndefined();
    // By the time the client has the answer, the write's event is in the trail.
    const { events } = await store.listEvents({ operationName: 'Upsert' }, { first: 10 });
    expect(events.map((event) => event.changes?.[0]?.records[0]?.key)).toEqual([response.data.upsertDisplacementSite.displacementSite.id]);
  });
});
