import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { Supervisor } from '../scripts/supervisor.ts';

/** True while the process runs (a zombie waiting to be reaped has ended: it holds no port and runs no code). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A `node -e` service that prints its pid, and starts a grandchild (printing its pid too) when asked. */
function service(options: { grandchild?: boolean; ignoreSigterm?: boolean; crashUntil?: { file: string; runs: number } } = {}): string {
  return [
    options.ignoreSigterm ? "process.on('SIGTERM', () => {});" : '',
    options.crashUntil
      ? `const fs = require('fs'); const runs = (fs.existsSync(${JSON.stringify(options.crashUntil.file)}) ? Number(fs.readFileSync(${JSON.stringify(options.crashUntil.file)}, 'utf8')) : 0) + 1;
         fs.writeFileSync(${JSON.stringify(options.crashUntil.file)}, String(runs)); if (runs < ${options.crashUntil.runs}) process.exit(3);`
      : '',
    options.grandchild
      ? "const grandchild = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }); console.log('PID ' + grandchild.pid);"
      : '',
    "console.log('PID ' + process.pid); setInterval(() => {}, 1e9);",
  ].join('\n');
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('the npm start supervisor', () => {
  it('restarts a crashed service with a delay doubling per crash in a row, logs each restart, and keeps it once it stays up', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-supervisor-')), 'runs');
    const log: string[] = [];
    supervisor = new Supervisor({ initialDelayMs: 10, maxDelayMs: 25, log: (line) => log.push(line) });
    const running = supervisor.start({ name: 'security', command: process.execPath, args: ['-e', service({ crashUntil: { file, runs: 4 } })], options: { stdio: 'ignore' } })!;
    await vi.waitFor(() => expect(fs.existsSync(file) && fs.readFileSync(file, 'utf8')).toBe('4'), { timeout: 30_000, interval: 20 });
    expect(running.restarts).toBe(3);
    expect(log).toEqual([
      'security exited (code 3); restarting in 10 ms (restart 1, crash 1 in a row).',
      'security exited (code 3); restarting in 20 ms (restart 2, crash 2 in a row).',
      'security exited (code 3); restarting in 25 ms (restart 3, crash 3 in a row).',
    ]);
    await vi.waitFor(() => expect(running.child?.pid).toBeDefined());
    const pid = running.child!.pid!;
    expect(alive(pid)).toBe(true);
    await supervisor.stop();
    expect(alive(pid)).toBe(false);
    expect(running.restarts).toBe(3);
  });

  it('does not restart a service that stops by itself with code 0, and says so', async () => {
    const log: string[] = [];
    supervisor = new Supervisor({ initialDelayMs: 10, log: (line) => log.push(line) });
    const done = supervisor.start({ name: 'audit', command: process.execPath, args: ['-e', 'process.exit(0)'], options: { stdio: 'ignore' } })!;
    await vi.waitFor(() => expect(log).toEqual(['audit exited (code 0); it stopped by itself, so it is not restarted.']));
    expect(done.restarts).toBe(0);
    expect(done.child).toBeNull();
  });

  it('starts again from the first delay and caps the delay at the maximum', () => {
    const backoff = new Supervisor({ initialDelayMs: 1000, maxDelayMs: 30_000 });
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((crashes) => backoff.delayAfter(crashes))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('kills every service and their children when the launcher itself fails with an uncaught error', { timeout: 60_000 }, async () => {
    const runner = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('test', 'fixtures', 'supervised-services.ts'), JSON.stringify([{ name: 'engineering', script: service({ grandchild: true }) }])],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    runner.stdout.on('data', (chunk) => (output += chunk));
    runner.stderr.on('data', () => undefined);
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    const pids = () => [...output.matchAll(/^PID (\d+)$/gm)].map((m) => Number(m[1]));
    try {
      await vi.waitFor(() => expect(pids()).toHaveLength(2), { timeout: 45_000, interval: 50 });
      runner.kill('SIGUSR2');
      expect(await exited).not.toBe(0);
      await vi.waitFor(() => expect(pids().filter(alive)).toEqual([]), { timeout: 5_000, interval: 20 });
    } finally {
      runner.kill('SIGKILL');
      for (const pid of pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('on SIGTERM stops every service, their children and one that ignores SIGTERM, and exits leaving no process behind', { timeout: 60_000 }, async () => {
    const services = [
      { name: 'humanitarian', script: service({ grandchild: true }) },
      { name: 'stubborn', script: service({ ignoreSigterm: true }) },
    ];
    const runner = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'fixtures', 'supervised-services.ts'), JSON.stringify(services)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    runner.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    const pids = () => [...output.matchAll(/^PID (\d+)$/gm)].map((m) => Number(m[1]));
    try {
      await vi.waitFor(() => expect(pids()).toHaveLength(3), { timeout: 45_000, interval: 50 });
      expect(pids().every(alive)).toBe(true);
      runner.kill('SIGTERM');
      expect(await exited).toBe(0);
      await vi.waitFor(() => expect(pids().filter(alive)).toEqual([]), { timeout: 5_000, interval: 20 });
      expect(output).not.toContain('restarting');
    } finally {
      runner.kill('SIGKILL');
      for (const pid of pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
