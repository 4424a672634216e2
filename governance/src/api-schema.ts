import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The API schema of a supergraph: what clients see (no join__/link__ machinery, no inaccessible elements). Changes and
 * operations are judged against it, because that is the graph dashboards and auditors are written against.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Every feature is accepted here: the gateway decides what it can serve; the check only reads the schema.
  const api = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
  // Printed and rebuilt rather than converted: federation's graphql-js copy may be another module instance than
  // this one (CommonJS beside ESM), and graphql-js refuses schemas from another instance.
  return buildSchema(printSchema(api));
}
