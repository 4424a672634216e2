import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@cmcc/platform';
import { extractRequirements, type Requirements } from '@cmcc/contracts';
import { gatewayCompatibleSdl } from './authorization/sdl-compatibility.ts';

/** What the gateway knows about its supergraph, for `/ready` and logs. */
export type SupergraphState = { phase: 'not loaded' } | { phase: 'loaded'; hash: string; loadedAt: Date; lastRejected: { hash: string; error: string } | null };

/**
 * Serves the composed supergraph from a file and reloads it when the file changes, without a restart.
 * A file that does not parse or validate is rejected with a log line, and the last good supergraph keeps serving.
 */
export class FileSupergraphManager implements SupergraphManager {
  state: SupergraphState = { phase: 'not loaded' };
  /** The authorization directives of the supergraph being served. */
  requirements: Requirements = new Map();
  private timer: NodeJS.Timeout | undefined;
  private lastSeenHash: string | undefined;

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  async initialize({ update }: Parameters<SupergraphSdlHook>[0]) {
    const supergraphSdl = this.read();
    const hash = sha256(supergraphSdl);
    this.lastSeenHash = hash;
    this.requirements = extractRequirements(supergraphSdl);
    this.state = { phase: 'loaded', hash, loadedAt: new Date(), lastRejected: null };
    this.logger.info({ path: this.path, hash }, 'supergraph loaded');
    this.timer = setInterval(() => this.check(update), this.pollMs);
    // The poll must not keep a stopping process alive.
    this.timer.unref();
    return {
      supergraphSdl: gatewayCompatibleSdl(supergraphSdl),
      cleanup: async () => {
        clearInterval(this.timer);
      },
    };
  }

  private read(): string {
    return fs.readFileSync(this.path, 'utf8');
  }

  private check(update: (sdl: string) => void): void {
    let sdl: string;
    try {
      sdl = this.read();
    } catch (error) {
      // A file being replaced can be briefly missing; the next poll sees the new one.
      this.logger.warn({ path: this.path, err: error }, 'supergraph file unreadable; keeping the current supergraph');
      return;
    }
    const hash = sha256(sdl);
    if (hash === this.lastSeenHash) return;
    this.lastSeenHash = hash;
    const previous = this.state;
    try {
      this.requirements = swapSupergraph(update, sdl);
      this.state = { phase: 'loaded', hash, loadedAt: new Date(), lastRejected: null };
      this.logger.info({ path: this.path, hash }, 'supergraph reloaded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (previous.phase === 'loaded') this.state = { ...previous, lastRejected: { hash, error: message } };
      this.logger.error({ path: this.path, hash, error: message }, 'supergraph file rejected: it does not parse or validate; the last good supergraph keeps serving');
    }
  }
}

/**
 * Hands a new supergraph to @apollo/gateway, which validates it and throws when it does not parse or validate (the
 * caller then keeps the last good one), and returns the authorization requirements to serve with it.
 */
export function swapSupergraph(update: (sdl: string) => void, sdl: string): Requirements {
  const requirements = extractRequirements(sdl);
  update(gatewayCompatibleSdl(sdl));
  return requirements;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The subgraphs named in a supergraph, with their routing URLs. */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map(([, name, url]) => ({ name, url }));
}
