// Peers (c) and (d): Hive Gateway (`hive-gateway supergraph <file> -c bench/peers/hive-gateway.config.ts`, plus
// `--hive-router-runtime` for its Rust planner). Its only addition is what our subgraphs require of any caller: the
// signed single-use principal header, added in an onFetch hook for the subgraphs listed in BENCH_SUBGRAPHS (none in the
// foreign workload).
// Env: BENCH_SHARED_SECRET, BENCH_PRINCIPAL (JSON), BENCH_SUBGRAPHS (JSON: subgraph URL → name, the token's audience).
import { PRINCIPAL_HEADER, signPrincipal } from '@cmcc/contracts';

const secret = new TextEncoder().encode(process.env.BENCH_SHARED_SECRET);
const principal = JSON.parse(process.env.BENCH_PRINCIPAL!);
const subgraphs = JSON.parse(process.env.BENCH_SUBGRAPHS!) as Record<string, string>;

// A plain object rather than defineConfig(): importing @graphql-hive/gateway's types would bring graphql-yoga's
// augmentation of GraphQLError extensions into this project's type checking.
export const gatewayConfig = {
  logging: 'error',
  plugins: () => [
    {
      async onFetch({ url, options, setOptions }: { url: string; options: { headers?: unknown }; setOptions(options: object): void }) {
        const name = subgraphs[url];
        if (!name) return;
        const headers = new Headers(options.headers as HeadersInit);
        headers.set(PRINCIPAL_HEADER, await signPrincipal(principal, secret, name));
        setOptions({ ...options, headers: Object.fromEntries(headers) });
      },
    },
  ],
};
