// Foreign subgraph "products" of the gateway benchmark's foreign workload (bench/foreign/index.ts): our TypeScript copy
// of The Guild's federation gateways benchmark, github.com/graphql-hive/graphql-gateways-benchmark (formerly
// the-guild-org/gateways-benchmark), federation/subgraphs/products/subgraph.rs (federation-v1/subgraphs/products/
// subgraph.rs in the older layout): the same types, fields, key and data. Only the descriptions are ours.
import { parse } from 'graphql';

interface Product {
  upc: string;
  name: string | null;
  price: number | null;
  weight: number | null;
}

const PRODUCTS: Product[] = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "The graph's entry points."
  type Query {
    "The first products of the catalogue."
    topProducts("How many products (default 5)." first: Int = 5): [Product]
  }

  "A product of the catalogue."
  type Product @key(fields: "upc") {
    "The product's universal product code."
    upc: String!
    "The product's name."
    name: String
    "The product's price, in cents."
    price: Int
    "The product's weight, in grams."
    weight: Int
  }
`);

export const resolvers = {
  Query: {
    // As the original: `first` as given, 5 when null.
    topProducts: (_: unknown, { first }: { first?: number | null }) => PRODUCTS.slice(0, Math.max(first ?? 5, 0)),
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc) ?? null,
  },
};
