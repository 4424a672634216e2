import type { SubgraphSnapshot } from '../check.ts';
import type { ChangeClass, SchemaChange } from '../diff.ts';

/**
 * One immutable supergraph version in the registry. `id` is `<seq>-<first 12 hex of the supergraph's SHA-256>`: the
 * sequence orders history, the hash names the content.
 */
export interface SchemaVersion {
  id: string;
  seq: number;
  /** SHA-256 (hex) of `supergraphSdl`. */
  hash: string;
  /** The version this one replaced as head; null for the first. */
  parent: string | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  author: string;
  message: string | null;
  kind: 'publish' | 'rollback';
  /** The subgraph whose SDL was published (publish only). */
  subgraph: string | null;
  /** Rollback only: the version whose supergraph this one serves again. */
  rollbackOf: string | null;
  supergraphSdl: string;
  subgraphs: SubgraphSnapshot[];
  /** The changes against the parent, with counts by class. */
  summary: Record<ChangeClass, number>;
  changes: SchemaChange[];
  /** Reasons given with --approve-loosening / --allow-breaking, kept with the version. */
  approvals: { loosening?: string; breaking?: string };
}

/** A version without its SDLs, for listings. */
export type SchemaVersionSummary = Omit<SchemaVersion, 'supergraphSdl' | 'subgraphs' | 'changes'>;

/** Thrown when the registry cannot be read or written (Redis down, folder unwritable). */
export class RegistryUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/**
 * Where supergraph versions live. Versions are written once and never changed; `head` names the one gateways serve.
 * Writers serialize with `lock()`, then re-read `head()` and `publish(expectedHead, version)`, which sets the head only
 * if it is still `expectedHead` (compare-and-set) and returns false otherwise.
 */
export interface SchemaRegistry {
  /** Where versions are kept, for logs (a folder, or a Redis key prefix; never a URL with credentials). */
  readonly description: string;
  readonly kind: 'files' | 'redis';
  head(): Promise<string | null>;
  get(id: string): Promise<SchemaVersion | null>;
  /** Newest first. */
  list(limit?: number): Promise<SchemaVersionSummary[]>;
  publish(expectedHead: string | null, version: SchemaVersion): Promise<boolean>;
  /** Calls `onChange` when the head may have changed (a hint: the caller re-reads the head). Returns an unsubscribe. */
  subscribe(onChange: () => void): Promise<() => Promise<void>>;
  /** An exclusive lock across processes; resolves with its release. */
  lock(owner: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function summaryOf(version: SchemaVersion): SchemaVersionSummary {
  const { supergraphSdl: _sdl, subgraphs: _subgraphs, changes: _changes, ...summary } = version;
  return summary;
}
