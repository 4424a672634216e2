import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import type { CacheStore } from '../cache/store.ts';
import type { KnownOperations } from './manifest.ts';

export interface PersistedQueryStats {
  /** Operations sent by hash and found (in the manifest or the store). */
  hits: number;
  /** Hashes not found (the client then sends the full text). */
  misses: number;
  /** Operations registered by clients (hash and text). */
  registrations: number;
  /** Lookups and writes skipped because the store was unreachable. */
  bypasses: number;
}

/** APQ entries live a day after their last registration; a client whose hash is gone sends the text again. */
const APQ_TTL_SECONDS = 86_400;

/**
 * The automatic persisted query store for Apollo Server (`persistedQueries.cache`): the manifest's operations are
 * always known by their id, others are registered by clients in the store (memory LRU, or Redis).
 * Apollo Server prefixes keys with `apq:`; the hash follows.
 */
export function createPersistedQueryCache(store: CacheStore, known: KnownOperations): KeyValueCache<string> & { stats(): PersistedQueryStats } {
  const counters = { hits: 0, misses: 0, registrations: 0 };
  return {
    async get(key) {
      const hash = key.replace(/^apq:/, '');
      const body = known.bodies.get(hash) ?? (await store.get(`apq:${hash}`));
      if (body === undefined) counters.misses++;
      else counters.hits++;
      return body;
    },
    async set(key, value, options) {
      counters.registrations++;
      await store.set(`apq:${key.replace(/^apq:/, '')}`, value, options?.ttl ?? APQ_TTL_SECONDS);
    },
    async delete() {
      return true;
    },
    stats: () => ({ ...counters, bypasses: store.bypasses }),
  };
}

/** Apollo Server's message, without a code, when a persisted query's hash is not the SHA-256 of the text sent with it. */
const APOLLO_HASH_MISMATCH = 'provided sha does not match query';

type FormatError = (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError;

/**
 * Gives Apollo Server's hash mismatch its code, PERSISTED_QUERY_HASH_MISMATCH (HTTP 400, set by Apollo Server), and a
 * message that says what to do, before `format` (which masks every uncoded error as an internal one); the rest as
 * `format` says.
 */
export function formatPersistedQueryErrors(format: FormatError): FormatError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    if (formatted.message !== APOLLO_HASH_MISMATCH || (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR)) return format(formatted, error);
    return {
      message: 'The persisted query hash (extensions.persistedQuery.sha256Hash) is not the SHA-256 of the query sent with it: compute it from the exact text sent.',
      extensions: { code: ErrorCode.PERSISTED_QUERY_HASH_MISMATCH },
    };
  };
}
