import path from 'node:path';
import { defineEnv, oneOf, positiveInt, readEnv, text, wholeNumber, type Env } from '@cmcc/platform';
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

/** Where the gateway's supergraph comes from. */
export const SUPERGRAPH_ENV = defineEnv({
  SUPERGRAPH_PATH: {
    description: 'composed supergraph to serve; watched for changes (with the registry: served while the registry is empty)',
    components: ['gateway'],
    default: 'schema/supergraph.graphql',
    ...text(),
  },
  SUPERGRAPH_POLL_MS: { description: 'how often the supergraph file is checked, in milliseconds', components: ['gateway'], default: '1000', ...positiveInt() },
  SUPERGRAPH_SOURCE: {
    description: "`registry`: serve the schema registry's head and follow publishes (the supergraph file while the registry is empty); `file`: the file alone",
    components: ['gateway'],
    defaultText: '`registry`, or `file` when `SUPERGRAPH_PATH` is set',
    ...oneOf(['registry', 'file']),
  },
  SCHEMA_REGISTRY_POLL_MS: {
    description: 'how often the registry head is read, besides notifications (50 or more)',
    components: ['gateway'],
    default: '2000',
    ...wholeNumber({ min: 50 }),
    rule: 'must be a whole number of milliseconds, 50 or more',
  },
  SCHEMA_REGISTRY_CACHE_DIR: {
    description: 'where the last supergraph served from the registry is cached, to start from when the registry is unreachable',
    components: ['gateway'],
    defaultText: '`<DATA_DIR>/registry-cache`',
    ...text(),
  },
});

export function parseSupergraphSource(env: Env, dataDir: string, problems: string[]): SupergraphSourceConfig {
  const values = readEnv(env, SUPERGRAPH_ENV, problems);
  const pathSet = env.SUPERGRAPH_PATH !== undefined && env.SUPERGRAPH_PATH !== '';
  return Object.freeze({
    source: values.SUPERGRAPH_SOURCE ?? (pathSet ? 'file' : 'registry'),
    registry: parseRegistryConfig(env, dataDir, problems),
    pollMs: values.SCHEMA_REGISTRY_POLL_MS,
    cacheDir: path.resolve(values.SCHEMA_REGISTRY_CACHE_DIR || path.join(dataDir, 'registry-cache')),
  });
}
