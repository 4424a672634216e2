// Foreign subgraph "accounts" of the gateway benchmark's foreign workload (bench/foreign/index.ts): our TypeScript copy
// of The Guild's federation gateways benchmark, github.com/graphql-hive/graphql-gateways-benchmark (formerly
// the-guild-org/gateways-benchmark), federation/subgraphs/accounts/subgraph.rs (federation-v1/subgraphs/accounts/
// subgraph.rs in the older layout): the same types, fields, key and data. Only the descriptions are ours.
import { parse } from 'graphql';

interface User {
  id: string;
  name: string | null;
  username: string | null;
  birthday: number | null;
}

const USERS: User[] = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  "The graph's entry points."
  type Query {
    "The signed-in user (always the first one)."
    me: User
    "One user by id, or null."
    user("The user's id." id: ID!): User
    "Every user."
    users: [User]
  }

  "A user account."
  type User @key(fields: "id") {
    "The account's id."
    id: ID!
    "The user's full name."
    name: String
    "The user's handle."
    username: String @shareable
    "The user's birthday, as seconds since the epoch."
    birthday: Int
  }
`);

export const resolvers = {
  Query: {
    me: () => USERS[0],
    user: (_: unknown, { id }: { id: string }) => USERS.find((user) => user.id === id) ?? null,
    users: () => USERS,
  },
  User: {
    __resolveReference: ({ id }: { id: string }) => USERS.find((user) => user.id === id) ?? null,
  },
};
