// Foreign subgraph "reviews" of the gateway benchmark's foreign workload (bench/foreign/index.ts): our TypeScript copy
// of The Guild's federation gateways benchmark, github.com/graphql-hive/graphql-gateways-benchmark (formerly
// the-guild-org/gateways-benchmark), federation/subgraphs/reviews/subgraph.rs (federation-v1/subgraphs/reviews/
// subgraph.rs in the older layout): the same types, fields, keys, @provides and data (the same review texts). Only the
// descriptions are ours.
import { parse } from 'graphql';

interface Review {
  id: string;
  body: string | null;
  product: { upc: string } | null;
}

const LOREM_IPSUM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
const SED_UT_PERSPICIATIS =
  'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi';
const SED_QUIA =
  'sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.';
const UT_ENIM = 'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem';
const AT_VERO =
  'At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat.';

const REVIEWS: Review[] = [
  { id: '1', body: LOREM_IPSUM, product: { upc: '1' } },
  { id: '2', body: SED_UT_PERSPICIATIS, product: { upc: '1' } },
  { id: '3', body: SED_QUIA, product: { upc: '1' } },
  { id: '4', body: UT_ENIM, product: { upc: '1' } },
  { id: '5', body: LOREM_IPSUM, product: { upc: '2' } },
  { id: '6', body: SED_UT_PERSPICIATIS, product: { upc: '2' } },
  { id: '7', body: SED_QUIA, product: { upc: '2' } },
  { id: '8', body: UT_ENIM, product: { upc: '2' } },
  { id: '9', body: UT_ENIM, product: { upc: '3' } },
  { id: '10', body: UT_ENIM, product: { upc: '4' } },
  { id: '11', body: AT_VERO, product: { upc: '4' } },
];

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@provides"])

  "A product of the catalogue."
  type Product @key(fields: "upc") {
    "The product's universal product code."
    upc: String!
    "The reviews of the product."
    reviews: [Review]
  }

  "A review of a product."
  type Review @key(fields: "id") {
    "The review's id."
    id: ID!
    "The review's text."
    body: String
    "The product reviewed."
    product: Product
    "Who wrote the review (with the author's username)."
    author: User @provides(fields: "username")
  }

  "A user account."
  type User @key(fields: "id") {
    "The account's id."
    id: ID!
    "The user's handle."
    username: String @external
    "The reviews the user wrote."
    reviews: [Review]
  }
`);

/** As the original: every author is the first user, and every user's reviews are the first two. */
const author = () => ({ id: '1', username: 'urigo', reviews: REVIEWS.slice(0, 2) });

export const resolvers = {
  Review: {
    __resolveReference: ({ id }: { id: string }) => REVIEWS.find((review) => review.id === id) ?? null,
    author,
  },
  User: {
    __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user', reviews: REVIEWS.slice(0, 2) }),
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
    reviews: ({ upc }: { upc: string }) => REVIEWS.filter((review) => review.product?.upc === upc),
  },
};
