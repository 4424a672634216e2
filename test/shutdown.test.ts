import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { startFaultyProxy, type FaultyProxy } from '@cmcc/test-support/faulty-proxy';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';
import { TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';

/**
 * SIGTERM to real processes: the gateway (against in-process subgraphs, the humanitarian one behind a slow proxy) and
 * a subgraph. A request in flight finishes, new ones are refused with 503, /ready says draining, the audit trail gets
 * the event and a final checkpoint, and the process exits 0.
 */

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  waitFor(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function start(entry: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let at;
    while ((at = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => void process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    async waitFor(msg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => (typeof msg === 'string' ? line.msg === msg : msg.test(String(line.msg))));
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no log line ${msg}; got ${lines.map((l) => l.msg).join(' | ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

let stack: TestStack;
let slow: FaultyProxy;
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-shutdown-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  stack = await startStack();
  slow = await startFaultyProxy(stack.subgraphs.humanitarian.url);
}, 60_000);
afterAll(async () => {
  await slow?.close();
  await stack?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown of the gateway', () => {
  it('finishes the request in flight, refuses new ones with 503 and /ready 503, flushes the audit trail with a final checkpoint, exits 0', async () => {
    const dataDir = tempDir();
    const gateway = start('gateway/src/index.ts', {
      GATEWAY_PORT: '0',
      DATA_DIR: dataDir,
      SUPERGRAPH_PATH: stack.supergraphPath,
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
      SUBGRAPH_HUMANITARIAN_URL: `${slow.url}/graphql`,
      SHUTDOWN_GRACE_MS: '20000',
      REDIS_URL: '',
    });
    const listening = await gateway.waitFor('gateway listening');
    const base = String(listening.url)
      .replace(/\/graphql$/, '')
      .replace('localhost', '127.0.0.1');
    const port = Number(new URL(base).port);
    const token = await signDevToken(dataDir, ANALYST_CLAIMS);
    const post = (query: string) =>
      fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });

    expect((await post('{ crossings { id } }')).status).toBe(200);
    slow.mode = { kind: 'delay', ms: 1500 };
    const before = slow.bodies.length;
    const inFlight = post('query SlowCrossings { crossings { id } }');
    while (slow.bodies.length === before) await new Promise((resolve) => setTimeout(resolve, 10));

    gateway.process.kill('SIGTERM');
    await gateway.waitFor(/^stopping/);
    const refused = await post('{ areas(level: GOVERNORATE) { pcode } }');
    expect(refused.status).toBe(503);
    expect((await refused.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect((await answer.json()).data.crossings.length).toBeGreaterThan(0);
    expect(await gateway.exited).toBe(0);
    expect(await refusesConnections(port)).toBe(true);
    expect(gateway.lines.find((line) => line.msg === 'drained: every request in flight finished')).toBeTruthy();

    const trail = fs
      .readFileSync(path.join(dataDir, 'audit', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(trail.some((record) => record.kind === 'event' && record.operation?.name === 'SlowCrossings' && record.outcome.status === 'OK')).toBe(true);
    expect(trail[trail.length - 1].kind).toBe('checkpoint');
    slow.mode = { kind: 'pass' };
  }, 90_000);
});

describe('graceful shutdown of a subgraph', () => {
  it('stops on SIGTERM after its requests, closes its database and exits 0', async () => {
    const subgraph = start('subgraphs/civil-administration/src/index.ts', { PORT: '0', DATA_DIR: tempDir(), SHUTDOWN_GRACE_MS: '5000', DATABASE_URL: '' });
    const listening = await subgraph.waitFor('subgraph listening', 120_000);
    const base = String(listening.url)
      .replace(/\/graphql$/, '')
      .replace('localhost', '127.0.0.1');
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    subgraph.process.kill('SIGTERM');
    expect(await subgraph.exited).toBe(0);
    expect(subgraph.lines.some((line) => line.msg === 'drained: every request in flight finished')).toBe(true);
    expect(await refusesConnections(Number(new URL(base).port))).toBe(true);
  }, 150_000);
});
