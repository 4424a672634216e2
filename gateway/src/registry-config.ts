import path from 'node:path';
import type { Env } from '@cmcc/platform';
import { parseRegistryConfig, type RegistryConfig } from '@cmcc/governance/config';

/** Where the gateway gets its supergraph (part of the gateway's configuration). */
export interface SupergraphSourceConfig {
  /**
   * `registry`: the schema registry's head, followed as versions are published (the committed supergraph file while
   * the registry is empty); `file`: the file at SUPERGRAPH_PATH only. Default: `file` when SUPERGRAPH_PATH is set.
   */
  readonly source: 'registry' | 'file';
  readonly registry: RegistryConfig;
  /** How often the registry head is read, besides notifications (SCHEMA_REGISTRY_POLL_MS). */
  readonly pollMs: number;
  /** The last supergraph served from the registry is kept here, to start from when the registry is unreachable. */
  readonly cacheDir: string;
}

export function parseSupergraphSource(env: Env, dataDir: string, problems: string[]): SupergraphSourceConfig {
  const requested = env.SUPERGRAPH_SOURCE || (env.SUPERGRAPH_PATH ? 'file' : 'registry');
  if (requested !== 'registry' && requested !== 'file') problems.push(`SUPERGRAPH_SOURCE must be registry or file, got "${requested}"`);
  const pollValue = env.SCHEMA_REGISTRY_POLL_MS;
  const pollMs = pollValue === undefined || pollValue === '' ? 2000 : Number(pollValue);
  if (!Number.isInteger(pollMs) || pollMs < 50) problems.push(`SCHEMA_REGISTRY_POLL_MS must be a whole number of milliseconds, 50 or more, got "${pollValue}"`);
  return Object.freeze({
    source: requested === 'file' ? 'file' : 'registry',
    registry: parseRegistryConfig(env, dataDir, problems),
    pollMs: Number.isInteger(pollMs) && pollMs >= 50 ? pollMs : 2000,
    cacheDir: path.resolve(env.SCHEMA_REGISTRY_CACHE_DIR || path.join(dataDir, 'registry-cache')),
  });
}
