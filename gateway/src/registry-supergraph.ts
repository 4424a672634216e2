import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@cmcc/platform';
import type { SchemaRegistry } from '@cmcc/governance/registry/types';
import { extractRequirements, type Requirements } from '@cmcc/contracts';
import { gatewayCompatibleSdl } from './authorization/sdl-compatibility.ts';
import { swapSupergraph } from './supergraph.ts';

/** Where the served supergraph came from: the registry, the disk cache (registry unreachable at start) or the fallback file. */
export type SupergraphOrigin = 'registry' | 'cache' | 'file';

export type RegistrySupergraphState =
  | { phase: 'not loaded' }
  | {
      phase: 'loaded';
      source: SupergraphOrigin;
      /** The registry version served; null when serving the fallback file. */
      version: string | null;
      hash: string;
      loadedAt: Date;
      lastRejected: { hash: string; version: string | null; error: string } | null;
      /** `files` or `redis` (the folder or key prefix is in the logs, not on the unauthenticated /ready). */
      registry: { kind: 'files' | 'redis'; reachable: boolean; lastError: string | null };
    };

export interface RegistrySupergraphOptions {
  /** How often the head is read besides notifications. */
  pollMs: number;
  /** Folder of the disk cache (`supergraph.json`). */
  cacheDir: string;
  /** Served while the registry is empty (and when it is unreachable with no cache). */
  fallbackPath: string;
  logger: Logger;
  /** Registry calls at start give up after this long, so an unreachable registry does not hold the gateway back. */
  startTimeoutMs?: number;
}

interface Cached {
  version: string;
  hash: string;
  savedAt: string;
  supergraphSdl: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Serves the schema registry's head and follows it without a restart: a notification (Redis pub/sub, or a watch on
 * the registry folder) triggers a read of the head, and polling catches what notifications miss. Every version is
 * validated before it is served, exactly as the file manager does; a rejected one leaves the last good one serving.
 * In-flight operations finish on the schema they started with (@apollo/gateway swaps the schema between requests).
 */
export class RegistrySupergraphManager implements SupergraphManager {
  state: RegistrySupergraphState = { phase: 'not loaded' };
  /** The authorization directives of the supergraph being served. */
  requirements: Requirements = new Map();
  private update: ((sdl: string) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private reachable = true;
  private lastError: string | null = null;
  private rejectedVersion: string | null = null;
  private readonly cacheFile: string;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly options: RegistrySupergraphOptions,
  ) {
    this.cacheFile = path.join(options.cacheDir, 'supergraph.json');
  }

  async initialize({ update }: Parameters<SupergraphSdlHook>[0]) {
    this.update = update;
    const { logger } = this.options;
    let initial: { sdl: string; source: SupergraphOrigin; version: string | null };
    try {
      const head = await withTimeout(this.readHead(), this.options.startTimeoutMs ?? 5000, 'reading the registry head');
      initial = head ? { sdl: head.supergraphSdl, source: 'registry', version: head.id } : { sdl: this.readFallback(), source: 'file', version: null };
      if (!head)
        logger.info({ registry: this.registry.description, path: this.options.fallbackPath }, 'schema registry empty; serving the supergraph file until a version is published');
    } catch (error) {
      this.markUnreachable(error);
      const cached = this.readCache();
      if (cached) {
        initial = { sdl: cached.supergraphSdl, source: 'cache', version: cached.version };
        logger.warn(
          { registry: this.registry.description, version: cached.version, savedAt: cached.savedAt, cache: this.cacheFile, error: this.lastError },
          'schema registry unreachable at start; serving the last good supergraph from the disk cache and retrying the registry',
        );
      } else {
        initial = { sdl: this.readFallback(), source: 'file', version: null };
        logger.warn(
          { registry: this.registry.description, path: this.options.fallbackPath, error: this.lastError },
          'schema registry unreachable at start and no cached supergraph; serving the supergraph file and retrying the registry',
        );
      }
    }
    this.requirements = extractRequirements(initial.sdl);
    this.setLoaded(initial.sdl, initial.source, initial.version);
    if (initial.source === 'registry') this.writeCache(initial.version!, initial.sdl);
    logger.info({ source: initial.source, version: initial.version, hash: sha256(initial.sdl).slice(0, 16) }, 'supergraph loaded');
    try {
      this.unsubscribe = await this.registry.subscribe(() => this.schedule());
    } catch (error) {
      logger.warn({ registry: this.registry.description, err: error }, 'schema registry notifications unavailable; following it by polling only');
    }
    this.timer = setInterval(() => this.schedule(), this.options.pollMs);
    // The poll must not keep a stopping process alive.
    this.timer.unref();
    return {
      supergraphSdl: gatewayCompatibleSdl(initial.sdl),
      cleanup: async () => {
        this.stopped = true;
        clearInterval(this.timer);
        await this.running;
        await this.unsubscribe?.().catch(() => undefined);
        await this.registry.close();
      },
    };
  }

  /** Reads the head now; resolves once the gateway serves it (or has rejected it). Notifications and the poll call this. */
  refresh(): Promise<void> {
    this.schedule();
    return this.running ?? Promise.resolve();
  }

  /** One check at a time; a notification during a check runs one more after it. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.check();
      } while (this.again && !this.stopped);
      this.running = null;
    })();
  }

  private async readHead() {
    const id = await this.registry.head();
    if (!id) return null;
    const version = await this.registry.get(id);
    if (!version) throw new Error(`the registry head names version ${id}, which is missing`);
    if (sha256(version.supergraphSdl) !== version.hash) throw new Error(`the registry version ${id} does not match its hash: it was altered`);
    return version;
  }

  private async check(): Promise<void> {
    if (this.state.phase !== 'loaded') return;
    let id: string | null;
    try {
      id = await this.registry.head();
      this.markReachable();
    } catch (error) {
      this.markUnreachable(error);
      return;
    }
    const state = this.state;
    if (state.phase !== 'loaded') return;
    if (!id) {
      // Registry still empty: follow the fallback file, as the file manager would.
      if (state.source === 'file') this.apply(this.readFallbackQuietly(), 'file', null);
      return;
    }
    if (id === state.version) {
      if (state.source !== 'registry') {
        this.state = { ...state, source: 'registry' };
        this.options.logger.info({ version: id }, 'schema registry reachable; the cached supergraph is its head');
      }
      return;
    }
    if (id === this.rejectedVersion) return;
    let version;
    try {
      version = await this.registry.get(id);
    } catch (error) {
      this.markUnreachable(error);
      return;
    }
    if (!version) return;
    if (sha256(version.supergraphSdl) !== version.hash) {
      // Versions are immutable and named by their hash: one whose content changed was altered in the registry.
      this.rejectedVersion = version.id;
      this.state = {
        ...this.state,
        lastRejected: { hash: sha256(version.supergraphSdl).slice(0, 16), version: version.id, error: 'content does not match the version hash' },
      } as RegistrySupergraphState;
      this.options.logger.error({ version: version.id }, 'supergraph rejected: the registry version does not match its hash; the last good supergraph keeps serving');
      return;
    }
    this.apply(version.supergraphSdl, 'registry', version.id);
  }

  private apply(sdl: string | null, source: SupergraphOrigin, version: string | null): void {
    const previous = this.state;
    if (sdl === null || previous.phase !== 'loaded') return;
    const hash = sha256(sdl).slice(0, 16);
    if (hash === previous.hash) {
      // The same supergraph under another version id (a rollback to what is served): nothing to swap.
      if (version !== previous.version || source !== previous.source) this.state = { ...previous, version, source };
      if (source === 'registry' && version && version !== previous.version) this.writeCache(version, sdl);
      return;
    }
    // Rejected already: say it once, not at every poll.
    if (previous.lastRejected?.hash === hash) return;
    try {
      this.requirements = swapSupergraph(this.update!, sdl);
      this.rejectedVersion = null;
      this.setLoaded(sdl, source, version);
      if (source === 'registry' && version) this.writeCache(version, sdl);
      this.options.logger.info({ source, version, from: previous.version, hash }, 'supergraph updated');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.rejectedVersion = version;
      this.state = { ...previous, lastRejected: { hash, version, error: message } };
      this.options.logger.error({ source, version, hash, error: message }, 'supergraph rejected: it does not parse or validate; the last good supergraph keeps serving');
    }
  }

  private setLoaded(sdl: string, source: SupergraphOrigin, version: string | null): void {
    this.state = {
      phase: 'loaded',
      source,
      version,
      hash: sha256(sdl).slice(0, 16),
      loadedAt: new Date(),
      lastRejected: null,
      registry: { kind: this.registry.kind, reachable: this.reachable, lastError: this.lastError },
    };
  }

  private markReachable(): void {
    if (!this.reachable) this.options.logger.info({ registry: this.registry.description }, 'schema registry reachable again');
    this.reachable = true;
    this.lastError = null;
    this.syncRegistryState();
  }

  private markUnreachable(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.reachable) this.options.logger.warn({ registry: this.registry.description, error: message }, 'schema registry unreachable; the current supergraph keeps serving');
    this.reachable = false;
    this.lastError = message;
    this.syncRegistryState();
  }

  private syncRegistryState(): void {
    if (this.state.phase === 'loaded') this.state = { ...this.state, registry: { kind: this.registry.kind, reachable: this.reachable, lastError: this.lastError } };
  }

  private readFallback(): string {
    return fs.readFileSync(this.options.fallbackPath, 'utf8');
  }

  private readFallbackQuietly(): string | null {
    try {
      return this.readFallback();
    } catch {
      // A file being replaced can be briefly missing; the next poll sees the new one.
      return null;
    }
  }

  private readCache(): Cached | null {
    try {
      const cached = JSON.parse(fs.readFileSync(this.cacheFile, 'utf8')) as Cached;
      if (typeof cached.supergraphSdl === 'string' && sha256(cached.supergraphSdl) === cached.hash) return cached;
      this.options.logger.warn({ cache: this.cacheFile }, 'supergraph cache ignored: its content does not match its hash');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.logger.warn({ cache: this.cacheFile, err: error }, 'supergraph cache unreadable');
    }
    return null;
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a cache. */
  private writeCache(version: string, supergraphSdl: string): void {
    const cached: Cached = { version, hash: sha256(supergraphSdl), savedAt: new Date().toISOString(), supergraphSdl };
    const temporary = `${this.cacheFile}.${process.pid}.${randomUUID()}.tmp`;
    try {
      fs.mkdirSync(this.options.cacheDir, { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify(cached));
      fs.renameSync(temporary, this.cacheFile);
    } catch (error) {
      this.options.logger.warn({ cache: this.cacheFile, err: error }, 'supergraph cache not written; a restart while the registry is down would serve an older supergraph');
      fs.rmSync(temporary, { force: true });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
