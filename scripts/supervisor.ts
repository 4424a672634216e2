// Keeps the services `npm start` runs alive: a service that crashes is started again after a delay that doubles with each
// crash in a row (1 s, 2 s, 4 s ... up to 30 s, back to 1 s once it stayed up a minute), and every restart is logged. Each
// service runs in its own process group, so stopping it stops whatever it started too, and no process is left behind.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A service to keep running: the command, its arguments and how to spawn it (stdio, env, cwd). */
export interface ServiceSpec {
  name: string;
  command: string;
  args: readonly string[];
  options?: Omit<SpawnOptions, 'detached'>;
}

export interface SupervisorOptions {
  /** Delay before the first restart after a crash (default 1000 ms); doubled for each crash in a row. */
  initialDelayMs?: number;
  /** Longest delay between restarts (default 30 000 ms). */
  maxDelayMs?: number;
  /** A service that stayed up this long before it crashed starts again from the initial delay (default 60 000 ms). */
  stableAfterMs?: number;
  /** How long a stopping service is given after SIGTERM before it is killed (default 10 000 ms). */
  killAfterMs?: number;
  /** Where restarts and exits are reported (default: standard error). */
  log?: (line: string) => void;
}

/** One supervised service: the process running now (null while waiting to restart) and how often it was restarted. */
export interface Supervised {
  readonly name: string;
  readonly child: ChildProcess | null;
  readonly restarts: number;
}

interface Entry extends Supervised {
  spec: ServiceSpec;
  child: ChildProcess | null;
  restarts: number;
  /** Crashes in a row, each without the service staying up stableAfterMs. */
  crashes: number;
  startedAt: number;
  timer: NodeJS.Timeout | null;
}

export class Supervisor {
  private readonly entries: Entry[] = [];
  private readonly options: Required<SupervisorOptions>;
  private stopped: Promise<void> | null = null;

  constructor(options: SupervisorOptions = {}) {
    this.options = {
      initialDelayMs: options.initialDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      killAfterMs: options.killAfterMs ?? 10_000,
      log: options.log ?? ((line) => console.error(line)),
    };
  }

  /** True once stop() was called: nothing is started or restarted any more. */
  get stopping(): boolean {
    return this.stopped !== null;
  }

  get services(): readonly Supervised[] {
    return this.entries;
  }

  /** Starts the service and keeps it running until stop(). Returns null when already stopping. */
  start(spec: ServiceSpec): Supervised | null {
    if (this.stopping) return null;
    const entry: Entry = { name: spec.name, spec, child: null, restarts: 0, crashes: 0, startedAt: 0, timer: null };
    this.entries.push(entry);
    this.spawn(entry);
    return entry;
  }

  /** The delay before restarting after `crashes` crashes in a row: initial × 2^(crashes − 1), at most the maximum. */
  delayAfter(crashes: number): number {
    return Math.min(this.options.initialDelayMs * 2 ** Math.max(0, crashes - 1), this.options.maxDelayMs);
  }

  /**
   * Stops every service: SIGTERM to each process group, SIGKILL to those still running after killAfterMs; resolves once
   * every service's process has exited. Pending restarts are cancelled. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopAll();
    return this.stopped;
  }

  /** Last resort when this process exits without stop() having finished: SIGKILL to every service's group, at once. */
  killNow(): void {
    for (const entry of this.entries) {
      if (entry.timer) clearTimeout(entry.timer);
      if (entry.child) killGroup(entry.child, 'SIGKILL');
    }
  }

  private spawn(entry: Entry): void {
    entry.timer = null;
    // Its own process group (detached), so that the group can be signalled as a whole: grandchildren included.
    const child = spawn(entry.spec.command, [...entry.spec.args], { ...entry.spec.options, detached: true });
    entry.child = child;
    entry.startedAt = Date.now();
    child.once('error', (error) => this.options.log(`${entry.name} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => this.exited(entry, child, code, signal));
  }

  private exited(entry: Entry, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (entry.child === child) entry.child = null;
    // Whatever the service left running in its group goes with it.
    killGroup(child, 'SIGKILL');
    if (this.stopping) return;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (code === 0) {
      this.options.log(`${entry.name} exited (${how}); it stopped by itself, so it is not restarted.`);
      return;
    }
    entry.crashes = Date.now() - entry.startedAt >= this.options.stableAfterMs ? 1 : entry.crashes + 1;
    const delay = this.delayAfter(entry.crashes);
    entry.restarts += 1;
    this.options.log(`${entry.name} exited (${how}); restarting in ${formatDelay(delay)} (restart ${entry.restarts}, crash ${entry.crashes} in a row).`);
    entry.timer = setTimeout(() => this.spawn(entry), delay);
  }

  private async stopAll(): Promise<void> {
    for (const entry of this.entries) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
    }
    const running = this.entries.map((e) => e.child).filter((child): child is ChildProcess => child !== null && child.exitCode === null && child.signalCode === null);
    const exited = running.map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
    for (const child of running) killGroup(child, 'SIGTERM');
    const timeout = setTimeout(() => running.forEach((child) => killGroup(child, 'SIGKILL')), this.options.killAfterMs);
    await Promise.all(exited);
    clearTimeout(timeout);
  }
}

/** Sends `signal` to the child's process group (its pid is the group id, as it was spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM stop every service, then `exit` is called (by default process.exit with code 0); any
 * other exit of this process kills the services it leaves running.
 * The services run in their own process groups, so a Ctrl-C in the terminal reaches them only through this.
 */
export function stopOnSignals(supervisor: Supervisor, exit: (code: number) => void = (code) => process.exit(code)): void {
  const onSignal = () => void supervisor.stop().then(() => exit(0));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Exiting for any other reason (an uncaught error) must not leave the services running on their own.
  process.on('exit', () => supervisor.killNow());
}
