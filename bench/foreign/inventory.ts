// Foreign subgraph "inventory" of the gateway benchmark's foreign workload (bench/foreign/index.ts): our TypeScript copy
// of The Guild's federation gateways benchmark, github.com/graphql-hive/graphql-gateways-benchmark (formerly
// the-guild-org/gateways-benchmark), federation/subgraphs/inventory/subgraph.rs (federation-v1/subgraphs/inventory/
// subgraph.rs in the older layout): the same types, fields, key, @requires and data. Only the descriptions are ours.
import { parse } from 'graphql';

interface InventoryItem {
  upc: string;
  inStock: boolean | null;
  price?: number | null;
  weight?: number | null;
}

const INVENTORY: InventoryItem[] = [
  { upc: '1', inStock: true },
  { upc: '2', inStock: false },
  { upc: '3', inStock: false },
  { upc: '4', inStock: false },
  { upc: '5', inStock: true },
  { upc: '6', inStock: true },
  { upc: '7', inStock: true },
  { upc: '8', inStock: false },
  { upc: '9', inStock: true },
];

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

  "A product of the catalogue."
  type Product @key(fields: "upc") {
    "The product's universal product code."
    upc: String!
    "The product's weight, in grams."
    weight: Int @external
    "The product's price, in cents."
    price: Int @external
    "Whether the product is in stock."
    inStock: Boolean
    "Estimated shipping cost, from the product's price and weight."
    shippingEstimate: Int @requires(fields: "price weight")
  }
`);

export const resolvers = {
  Product: {
    // As the original (an entity resolver taking the key alone): the item from the inventory, without the price and
    // weight the gateway sends along, so shippingEstimate is null, as the benchmark's k6 check expects.
    __resolveReference: ({ upc }: { upc: string }) => INVENTORY.find((item) => item.upc === upc) ?? null,
    shippingEstimate: ({ price, weight }: InventoryItem) => {
      if (price === undefined || price === null) return null;
      if (price > 1000) return 0;
      return weight === undefined || weight === null ? null : Math.trunc(weight / 2);
    },
  },
};
