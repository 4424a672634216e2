// The gateway benchmark's foreign workload (`BENCH_OPERATIONS=...,foreign npm run bench -- gateways`): four small
// subgraphs that are not ours, shaped like those of The Guild's federation gateways benchmark
// (github.com/graphql-hive/graphql-gateways-benchmark, formerly the-guild-org/gateways-benchmark; its
// federation/subgraphs/), driven with that benchmark's query. They know nothing of this platform: no principal
// header, no shared vocabulary, no @cacheControl and no cache headers; each runs in its own process
// (bench/foreign-host.ts).
import * as accounts from './accounts.ts';
import * as inventory from './inventory.ts';
import * as products from './products.ts';
import * as reviews from './reviews.ts';

/** The name that selects this workload in BENCH_OPERATIONS (it is not a saved operation of ours). */
export const FOREIGN_WORKLOAD = 'foreign';

/** The four subgraphs, in the order of the original's ports (4001 to 4004). */
export const FOREIGN_SUBGRAPHS = [
  { name: 'accounts', ...accounts },
  { name: 'inventory', ...inventory },
  { name: 'products', ...products },
  { name: 'reviews', ...reviews },
];

/**
 * The benchmark's query, as its k6 script sends it (k6.js; federation-v1/scenarios/k6.shared.js in the older layout):
 * `{ "query": ... }` with no variables and no operation name. About 190 reviews nested four levels deep, every
 * subgraph read several times.
 */
export const FOREIGN_QUERY = `fragment User on User {
      id
      username
      name
    }

    fragment Review on Review {
      id
      body
    }

    fragment Product on Product {
      inStock
      name
      price
      shippingEstimate
      upc
      weight
    }

    query TestQuery {
      users {
        ...User
        reviews {
          ...Review
          product {
            ...Product
            reviews {
              ...Review
              author {
                ...User
                reviews {
                  ...Review
                  product {
                    ...Product
                  }
                }
              }
            }
          }
        }
      }
      topProducts {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }`;
