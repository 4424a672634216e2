import { defineConfig } from 'vitest/config';
import { slowestFiles } from './test/slowest-files.ts';

export default defineConfig({
  // Prints the ten slowest test files after the default summary, with or without `--reporter` on the command line.
  plugins: [slowestFiles()],
  test: {
    include: [
      'test/**/*.test.ts',
      'subgraphs/*/test/**/*.test.ts',
      'gateway/test/**/*.test.ts',
      'governance/test/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      // The subgraph template's own test: what `npm run new-subgraph` copies must work as copied.
      'packages/subgraph-kit/template/test/**/*.test.ts',
    ],
    // A fresh folder per run for seeded PGlite templates (test/support/subgraph.ts opens each subgraph's database from one).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: several PGlite instances per file are memory- and CPU-heavy, so files run two at a time.
    maxWorkers: 2,
    // GraphQL Inspector is ESM importing graphql: Node would hand it graphql's CommonJS build while the code under test
    // gets the ESM one, and graphql-js refuses a schema from the other copy. Inlined, it shares the code's graphql.
    // graphql-ws likewise: its server checks the gateway's GraphQLErrors with instanceof.
    server: { deps: { inline: ['@graphql-inspector/core', 'graphql-ws'] } },
  },
});
