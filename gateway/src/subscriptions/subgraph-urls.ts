// Where each subgraph answers, as the gateway calls it now: the routing URL override (SUBGRAPH_<NAME>_URL) or the
// current supergraph's, read when a feed first opens a subgraph's /events (the supergraph may change after start).
import type { ApolloGateway } from '@apollo/gateway';
import { subgraphServices } from '../apollo-internals.ts';

export function currentSubgraphUrls(gateway: ApolloGateway, overrides: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const lookup = (name: string): string | undefined => {
    if (overrides[name]) return overrides[name];
    const service = subgraphServices(gateway)[name] as { url?: string; dataSource?: { url?: string } } | undefined;
    return service?.dataSource?.url ?? service?.url;
  };
  return new Proxy({} as Record<string, string>, {
    get: (_target, name) => (typeof name === 'string' ? lookup(name) : undefined),
  });
}
