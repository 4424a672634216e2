import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError, Kind, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import type { CacheStore } from '../cache/store.ts';
import { normalizedHash, type KnownOperations } from './manifest.ts';

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

/** Whether an operation reads only the schema (`__schema`, `__type`, `__typename`): the explorer's introspection query. */
function introspectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.operation === 'query' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/**
 * Safelist mode (GATEWAY_OPERATIONS_SAFELIST=true): only operations of the manifest run, compared by their printed
 * document so layout and comments do not matter. Anything else, sent as text or registered by hash, is refused
 * before planning with OPERATION_NOT_IN_SAFELIST (HTTP 400), and audited like any refusal.
 */
export function ApolloServerPluginSafelist(known: KnownOperations, options: { allowIntrospection: boolean }): ApolloServerPlugin {
  const checked = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName }) {
          let allowed = checked.get(document);
          if (allowed === undefined) checked.set(document, (allowed = known.allowed.has(normalizedHash(document))));
          if (allowed || (options.allowIntrospection && operation && introspectionOnly(operation))) return;
          throw new GraphQLError(
            `Operation ${operationName ?? '(anonymous)'} is not in the safelist: this gateway runs only the operations saved under schema/operations/. Add it there (reviewed like any schema change) and redeploy.`,
            { extensions: { code: ErrorCode.OPERATION_NOT_IN_SAFELIST, http: { status: 400 } } },
          );
        },
      };
    },
  };
}
