import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The API schema of a supergraph: what clients see (no join__/link__ machinery, no inaccessible elements). Changes and
 * operations are judged against it, because that is the graph dashboards and auditors are written against.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Every feature is accepted here: the gateway decides what it can serve; the check only reads the schema.
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}
