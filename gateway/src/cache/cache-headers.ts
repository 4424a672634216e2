import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';

/**
 * The `cache-control` header the gateway sends its clients. Apollo Server's own would say `public` whenever the
 * subgraphs' hints do (their default scope), and a shared HTTP cache could then hand one principal's records to
 * another (a GET persisted query is cacheable by URL). Every answer here is built for one principal, so it is
 * `private, max-age=<the declared lifetime>` when cacheable, else `no-store`.
 */
export function ApolloServerPluginPrivateCacheHeaders(): ApolloServerPlugin[] {
  return [
    // Keeps computing the policy from the subgraphs' headers, without writing the header itself.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response, overallCachePolicy }) {
            const policy = overallCachePolicy.policyIfCacheable();
            const cacheable = policy && response.body.kind === 'single' && !response.body.singleResult.errors;
            response.http.headers.set('cache-control', cacheable ? `private, max-age=${policy.maxAge}` : 'no-store');
          },
        };
      },
    },
  ];
}
