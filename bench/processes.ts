import { execSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

/** A benchmark child process (subgraph or gateway), started with tsx. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Sends `message` over IPC and resolves with the answer. */
  ask<T>(message: string): Promise<T>;
  stop(): Promise<void>;
}

export function spawnChild(name: string, args: string[], env: Record<string, string>, options: { ipc?: boolean; quiet?: boolean } = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    // Loopback only: @apollo/gateway (ours and the plain peer) would otherwise send usage metrics to Apollo's cloud.
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', ...env },
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  return {
    name,
    process: child,
    ask: <T>(message: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (answer) => resolve(answer as T));
        child.send(message);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The first IPC message of a child (its "ready" report), or a failure if it exits first. */
export function firstMessage<T>(child: Child, timeoutMs = 120_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not report ready within ${timeoutMs / 1000} s`)), timeoutMs);
    child.process.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
    child.process.once('exit', (code) => reject(new Error(`${child.name} exited (code ${code}) before it was ready`)));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `check` resolves true (a server answering), polling. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The process and every descendant (Hive Gateway may fork workers), from /proc. */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const tasks = `/proc/${pids[i]}/task`;
    if (!fs.existsSync(tasks)) continue;
    for (const task of fs.readdirSync(tasks)) {
      const children = fs.readFileSync(`${tasks}/${task}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    }
  }
  return pids;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const each of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${each}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Resident memory of a process and its descendants, in MiB. */
export function rssMiB(pid: number): number {
  let kb = 0;
  for (const each of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${each}/status`, 'utf8'));
      if (match) kb += Number(match[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024;
}

/** Samples the RSS of `pid` until stopped; resolves with the peak. */
export function sampleRss(pid: number, everyMs = 100): () => number {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMiB(pid));
  };
}
