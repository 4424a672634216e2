import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RegistryUnavailableError, summaryOf, type SchemaRegistry, type SchemaVersion, type SchemaVersionSummary } from './types.ts';

/** A lock older than this is taken over: its holder died or hung (a publish holds it for a second or two). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;
const VERSION_ID = /^\d+-[0-9a-f]{12}$/;

/**
 * The registry as files in one folder: `versions/<id>.json` written once (exclusive create), `HEAD` replaced atomically
 * (write a temporary file, rename), and `lock`, created exclusively by the publisher that holds it.
 */
export class FileSchemaRegistry implements SchemaRegistry {
  private readonly versionsDir: string;
  private readonly headFile: string;
  private readonly lockFile: string;

  constructor(readonly dir: string) {
    this.versionsDir = path.join(dir, 'versions');
    this.headFile = path.join(dir, 'HEAD');
    this.lockFile = path.join(dir, 'lock');
  }

  readonly kind = 'files' as const;

  get description(): string {
    return `files under ${this.dir}`;
  }

  async head(): Promise<string | null> {
    try {
      const id = (await fs.promises.readFile(this.headFile, 'utf8')).trim();
      return id || null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new RegistryUnavailableError(`cannot read the registry head ${this.headFile}: ${(error as Error).message}`, { cause: error });
    }
  }

  async get(id: string): Promise<SchemaVersion | null> {
    if (!VERSION_ID.test(id)) return null;
    try {
      return JSON.parse(await fs.promises.readFile(path.join(this.versionsDir, `${id}.json`), 'utf8')) as SchemaVersion;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new RegistryUnavailableError(`cannot read version ${id}: ${(error as Error).message}`, { cause: error });
    }
  }

  async list(limit = Number.MAX_SAFE_INTEGER): Promise<SchemaVersionSummary[]> {
    let files: string[];
    try {
      files = await fs.promises.readdir(this.versionsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new RegistryUnavailableError(`cannot list ${this.versionsDir}: ${(error as Error).message}`, { cause: error });
    }
    const ids = files
      .map((file) => file.replace(/\.json$/, ''))
      .filter((id) => VERSION_ID.test(id))
      .sort((a, b) => Number(b.split('-')[0]) - Number(a.split('-')[0]))
      .slice(0, limit);
    const versions = await Promise.all(ids.map((id) => this.get(id)));
    return versions.filter((v): v is SchemaVersion => v !== null).map(summaryOf);
  }

  /** Call with the lock held: the lock is what makes the read-compare-write of HEAD atomic between processes. */
  async publish(expectedHead: string | null, version: SchemaVersion): Promise<boolean> {
    if ((await this.head()) !== expectedHead) return false;
    await fs.promises.mkdir(this.versionsDir, { recursive: true });
    try {
      await fs.promises.writeFile(path.join(this.versionsDir, `${version.id}.json`), `${JSON.stringify(version, null, 2)}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new RegistryUnavailableError(`cannot write version ${version.id}: ${(error as Error).message}`, { cause: error });
    }
    const temporary = `${this.headFile}.${process.pid}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(temporary, `${version.id}\n`);
    await fs.promises.rename(temporary, this.headFile);
    return true;
  }

  async subscribe(onChange: () => void): Promise<() => Promise<void>> {
    fs.mkdirSync(this.dir, { recursive: true });
    // The folder is watched, not HEAD itself: HEAD is replaced by a rename, which would end a watch on the old file.
    const watcher = fs.watch(this.dir, (_event, file) => {
      if (file === null || file === 'HEAD') onChange();
    });
    watcher.on('error', () => undefined);
    watcher.unref();
    return async () => watcher.close();
  }

  async lock(owner: string): Promise<() => Promise<void>> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const token = randomUUID();
    const content = JSON.stringify({ owner, token, pid: process.pid, host: os.hostname(), acquiredAt: new Date().toISOString() });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await fs.promises.writeFile(this.lockFile, content, { flag: 'wx' });
        return async () => {
          const held = await fs.promises.readFile(this.lockFile, 'utf8').catch(() => '');
          if (held === content) await fs.promises.rm(this.lockFile, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new RegistryUnavailableError(`cannot create the registry lock ${this.lockFile}: ${(error as Error).message}`, { cause: error });
        }
      }
      await this.takeOverIfStale();
      if (Date.now() > deadline) throw new RegistryUnavailableError(`the registry lock ${this.lockFile} stayed held for ${LOCK_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }

  /** Moves a stale lock aside; if what was moved turns out to be a fresh lock (a race), it is put back. */
  private async takeOverIfStale(): Promise<void> {
    const held = await fs.promises.readFile(this.lockFile, 'utf8').catch(() => null);
    const modified = await fs.promises.stat(this.lockFile).then(
      (stat) => stat.mtimeMs,
      () => null,
    );
    if (held === null || modified === null || !isStale(held, modified)) return;
    const aside = `${this.lockFile}.stale-${randomUUID()}`;
    try {
      await fs.promises.rename(this.lockFile, aside);
    } catch {
      return;
    }
    const moved = await fs.promises.readFile(aside, 'utf8').catch(() => null);
    if (moved !== held) await fs.promises.link(aside, this.lockFile).catch(() => undefined);
    await fs.promises.rm(aside, { force: true });
  }

  async close(): Promise<void> {}
}

function isStale(text: string, modifiedMs: number): boolean {
  try {
    const lock = JSON.parse(text) as { pid: number; host: string; acquiredAt: string };
    if (Date.now() - Date.parse(lock.acquiredAt) > STALE_LOCK_MS) return true;
    if (lock.host === os.hostname() && lock.pid !== process.pid) {
      try {
        process.kill(lock.pid, 0);
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    // Unreadable: being written right now (exclusive create, then the content), or cut short by a crash.
    return Date.now() - modifiedMs > 2000;
  }
}
