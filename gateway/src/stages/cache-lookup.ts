import { completeBody, type ResponseCache } from '../cache/response-cache.ts';
import type { Stage } from './stage.ts';

/**
 * Answers a query from the response cache (gateway/src/cache/response-cache.ts), keyed by the operation as authorization
 * rewrote it for this principal, the principal's whole view, the variables and the supergraph and authorization
 * settings: a hit never reaches plan, execute or shape. The HTTP layer then sends a hit's stored bytes as they are.
 */
export function cacheLookupStage(cache: ResponseCache | undefined): Stage {
  if (!cache) return { name: 'cache-lookup', does: 'off (RESPONSE_CACHE=false)' };
  return {
    name: 'cache-lookup',
    does: 'answers a query from the response cache (a hit skips plan, execute and shape)',
    plugin: {
      async requestDidStart() {
        return { responseForOperation: (requestContext) => cache.lookup(requestContext) };
      },
    },
    http: { completeBody: (context, body) => completeBody(context.storedAnswer, body) },
  };
}
