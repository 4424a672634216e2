// Every declared environment variable, in the README table's order: the gateway's and the services' (ENV_REGISTRIES)
// then the benchmark's. `npm run env-table` and test/env-table.test.ts read this list.
import type { EnvSpecs } from '@cmcc/platform';
import { ENV_REGISTRIES } from '@cmcc/gateway/config';
import { BENCH_ENV } from '../bench/env.ts';

export const ALL_ENV_REGISTRIES: readonly EnvSpecs[] = [...ENV_REGISTRIES, BENCH_ENV];
