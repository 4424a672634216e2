import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';

/**
 * The `cache-control` header the gateway sends its clients. Apollo Server's own would say `public` whenever the
 * subgraphs' hints do (their default scope), and a shared HTTP cache could then hand one principal's records to
 * another (a GET persisted query is cacheable by URL). Every answer here is built for one principal, so it is
 * `private, max-age=<the declared lifetime>` when cacheable, else `no-store`.
 */
export function setPrivateCacheHeader({ response, overallCachePolicy }: GraphQLRequestContextWillSendResponse<object>): void {
  const policy = overallCachePolicy.policyIfCacheable();
  const cacheable = policy && response.body.kind === 'single' && !response.body.singleResult.errors;
  response.http.headers.set('cache-control', cacheable ? `private, max-age=${policy.maxAge}` : 'no-store');
}

/** Apollo Server's cache control, computing the policy from the subgraphs' headers without writing the header itself. */
export function cachePolicyWithoutHeaders(): ApolloServerPlugin {
  return ApolloServerPluginCacheControl({ calculateHttpHeaders: false });
}
