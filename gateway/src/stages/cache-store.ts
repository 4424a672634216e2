import { cachePolicyWithoutHeaders, setPrivateCacheHeader } from '../cache/cache-headers.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { Stage } from './stage.ts';

/**
 * When the response is complete (authorization has nulled what it removed and added its errors): tells the client how
 * long it may keep the answer (`private, max-age` or `no-store`, gateway/src/cache/cache-headers.ts), stores a query's
 * response in the response cache when every subgraph gave it a lifetime and it has no error, and evicts the entries a
 * mutation changed.
 */
export function cacheStoreStage(cache: ResponseCache | undefined): Stage {
  return {
    name: 'cache-store',
    does: cache
      ? 'sets the private cache-control header; stores a cacheable query response, or evicts what a mutation changed'
      : 'sets the private cache-control header (response cache off)',
    apolloPlugins: [cachePolicyWithoutHeaders()],
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse(requestContext) {
            setPrivateCacheHeader(requestContext);
            await cache?.store(requestContext);
          },
        };
      },
    },
  };
}
