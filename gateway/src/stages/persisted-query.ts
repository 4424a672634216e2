import { formatPersistedQueryErrors, type createPersistedQueryCache } from '../operations/persisted.ts';
import type { Stage } from './stage.ts';

/**
 * Automatic persisted queries (gateway/src/operations/persisted.ts): a request that sends only a hash gets its text
 * from the manifest of schema/operations/ or from the store where clients registered it; Apollo Server looks it up
 * before parsing. A hash that is not the SHA-256 of the text sent with it is PERSISTED_QUERY_HASH_MISMATCH (HTTP 400).
 */
export function persistedQueryStage(cache: ReturnType<typeof createPersistedQueryCache> | undefined): Stage {
  return {
    name: 'persisted-query',
    does: cache ? 'gives the text of an operation sent by its hash (manifest, then the APQ store)' : 'off (PERSISTED_QUERIES=false)',
    server: { persistedQueries: cache ? { cache } : false, formatError: formatPersistedQueryErrors },
  };
}
