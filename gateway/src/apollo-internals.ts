// The one place the gateway reaches into @apollo/gateway and @apollo/server beyond their documented API: a deep import
// of a `dist/` module, a private field, a write to a field their types declare readonly. Each use is written for the
// versions in SUPPORTED_VERSIONS and checked against what is installed when the gateway starts
// (`checkApolloVersions`, called first thing by createGateway): an upgrade of Apollo stops the start with a message
// naming the package, rather than the gateway silently running with Apollo's own (slower) result shaping or failing on
// the first /ready.
//
// What is here, and what relies on it:
// - `replaceComputeResponse`: @apollo/gateway's executeQueryPlan.js reads `computeResponse` from its
//   dist/resultShaping.js module at each call; replacing that export makes the executor shape results with ours
//   (gateway/src/execution/result-shaping.ts, stage `shape`).
// - `subgraphServices`: ApolloGateway's private `serviceMap` (the data source of each subgraph), for /ready's health
//   check of every subgraph one by one.
// - `replaceOperation`: Apollo Server reads `requestContext.operation`, `document` and `queryHash` again after the
//   `didResolveOperation` hooks, so authorization's filtered operation is what is planned and executed
//   (gateway/src/stages/authorize.ts). The types declare them readonly.
// - `schemaOf`: the API schema Apollo Server hands each request is built by @apollo/gateway, possibly with its own
//   copy of graphql-js; the gateway reads it through the structural SchemaLike of @cmcc/audit-trail (no instanceof).
// - `asFetcherResponse`: a WHATWG Response handed to @apollo/gateway's data sources, which declare
//   @apollo/utils.fetcher's own response type.
// - `gatewayPlanning`: ApolloGateway's private schemas and query planner, so subscriptions are planned by the same
//   planner and executed by the same executeQueryPlan as queries (gateway/src/subscriptions/engine.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { GraphQLRequestContext } from '@apollo/server';
import type { ApolloGateway, executeQueryPlan } from '@apollo/gateway';
import type { QueryPlanner } from '@apollo/query-planner';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { SchemaLike } from '@cmcc/audit-trail';

/**
 * The versions this module was written and tested for, by package: a version matches when it starts with the prefix
 * (`2.14.` is any 2.14 patch release). @apollo/query-planner and @apollo/federation-internals move with
 * @apollo/gateway: the result shaping reads their types.
 */
export const SUPPORTED_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  '@apollo/gateway': ['2.14.'],
  '@apollo/query-planner': ['2.14.'],
  '@apollo/federation-internals': ['2.14.'],
  '@apollo/server': ['5.'],
};

const requireFromHere = createRequire(import.meta.url);

/** The version of an installed package, from its package.json (also when its "exports" leave package.json out). */
export function installedVersion(name: string): string | undefined {
  let entry: string;
  try {
    entry = requireFromHere.resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name) return manifest.version;
  }
  return undefined;
}

/** The installed versions of the packages of SUPPORTED_VERSIONS. */
export function installedApolloVersions(): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(SUPPORTED_VERSIONS).map((name) => [name, installedVersion(name)]));
}

/** One sentence per package whose installed version is not one this module was written for; empty when all are. */
export function apolloVersionProblems(installed: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(SUPPORTED_VERSIONS).flatMap(([name, prefixes]) => {
    const version = installed[name];
    if (version !== undefined && prefixes.some((prefix) => version.startsWith(prefix))) return [];
    const supported = prefixes.map((prefix) => (prefix.endsWith('.') ? `${prefix}x` : prefix)).join(' or ');
    return [`${name} ${version ?? '(not installed)'} is installed; gateway/src/apollo-internals.ts supports ${supported}`];
  });
}

/**
 * Refuses to start on Apollo versions this module was not written for (see the top of this file), naming each package,
 * the installed and the supported versions, and what to do.
 */
export function checkApolloVersions(installed: Readonly<Record<string, string | undefined>> = installedApolloVersions()): void {
  const problems = apolloVersionProblems(installed);
  if (problems.length === 0) return;
  throw new Error(
    `The gateway cannot start: ${problems.join('; ')}. ` +
      'Install the supported versions (the versions pinned in gateway/package.json, then `npm install`), or, to upgrade Apollo, ' +
      'check each use in gateway/src/apollo-internals.ts against the new version, run gateway/test/result-shaping.test.ts and ' +
      'gateway/test/apollo-internals.test.ts, and add the version to SUPPORTED_VERSIONS.',
  );
}

/** What @apollo/gateway's executeQueryPlan calls to shape a result (its arguments and result, loosely typed here). */
export type ComputeResponseFunction = (args: never) => unknown;

/** @apollo/gateway's own dist/resultShaping.js, whose `computeResponse` its executor calls. */
function resultShapingModule(): { computeResponse: ComputeResponseFunction } | undefined {
  try {
    const module = requireFromHere('@apollo/gateway/dist/resultShaping.js') as { computeResponse?: unknown };
    return typeof module.computeResponse === 'function' ? (module as { computeResponse: ComputeResponseFunction }) : undefined;
  } catch {
    return undefined;
  }
}

let apollosComputeResponse: ComputeResponseFunction | undefined;

/** @apollo/gateway's own computeResponse, as it was before any replacement (for the comparison tests and the benchmark). */
export function apolloComputeResponse(): ComputeResponseFunction | undefined {
  return apollosComputeResponse ?? resultShapingModule()?.computeResponse;
}

/** The computeResponse @apollo/gateway's executor calls now. */
export function currentComputeResponse(): ComputeResponseFunction | undefined {
  return resultShapingModule()?.computeResponse;
}

/**
 * Makes @apollo/gateway's query-plan executor shape results with `computeResponse`. Throws when this @apollo/gateway
 * has no dist/resultShaping.js computeResponse (checkApolloVersions refuses such versions first).
 */
export function replaceComputeResponse(computeResponse: ComputeResponseFunction): void {
  const module = resultShapingModule();
  if (!module) {
    throw new Error(
      `@apollo/gateway ${installedVersion('@apollo/gateway') ?? '(not installed)'} has no dist/resultShaping.js computeResponse to replace: ` +
        'gateway/src/apollo-internals.ts must be updated for this version (see SUPPORTED_VERSIONS).',
    );
  }
  if (module.computeResponse === computeResponse) return;
  apollosComputeResponse ??= module.computeResponse;
  module.computeResponse = computeResponse;
}

/** The data source of each subgraph of the supergraph served (ApolloGateway's private `serviceMap`). */
export function subgraphServices(gateway: ApolloGateway): Parameters<ApolloGateway['serviceHealthCheck']>[0] & object {
  const serviceMap = (gateway as unknown as { serviceMap?: Parameters<ApolloGateway['serviceHealthCheck']>[0] }).serviceMap;
  if (!serviceMap) throw new Error('ApolloGateway has no serviceMap: gateway/src/apollo-internals.ts must be updated for this @apollo/gateway version');
  return serviceMap;
}

/**
 * Hands Apollo Server another operation to plan and execute for this request, from a `didResolveOperation` hook: the
 * operation, its document and the hash the query plan cache is keyed by.
 */
export function replaceOperation<TContext extends object>(
  requestContext: GraphQLRequestContext<TContext>,
  replacement: { operation: OperationDefinitionNode; document: DocumentNode; queryHash: string },
): void {
  const mutable = requestContext as { -readonly [K in keyof GraphQLRequestContext<TContext>]: GraphQLRequestContext<TContext>[K] };
  mutable.operation = replacement.operation;
  mutable.document = replacement.document;
  mutable.queryHash = replacement.queryHash;
}

/** A WHATWG Response as @apollo/utils.fetcher's response type, which @apollo/gateway reads only in part (status, headers, text/json). */
export function asFetcherResponse(response: Response): FetcherResponse {
  return response as unknown as FetcherResponse;
}

/** The API schema of a request (`requestContext.schema`), as the gateway's schema walkers read it. */
export function schemaOf(requestContext: { readonly schema: GraphQLSchema }): SchemaLike {
  return requestContext.schema as unknown as SchemaLike;
}

/** What ApolloGateway plans and executes an operation with, for the gateway's subscriptions (gateway/src/subscriptions/). */
export interface GatewayPlanning {
  /** The API schema as a GraphQLSchema (what clients validate against). */
  readonly schema: GraphQLSchema;
  /** The API schema as @apollo/federation-internals' Schema (what the planner and executeQueryPlan read operations with). */
  readonly apiSchema: Parameters<typeof executeQueryPlan>[5];
  /** The supergraph schema executeQueryPlan reads entity types from. */
  readonly supergraphSchema: GraphQLSchema;
  readonly queryPlanner: QueryPlanner;
  /** The supergraph's SDL as loaded (its cost directives, for the operation limits). */
  readonly supergraphSdl: string;
}

/**
 * ApolloGateway's private `schema`, `apiSchema`, `supergraphSchema`, `queryPlanner` and `supergraphSdl` of the supergraph it serves now
 * (replaced together when the supergraph reloads); undefined before the first supergraph is loaded.
 */
export function gatewayPlanning(gateway: ApolloGateway): GatewayPlanning | undefined {
  const fields = gateway as unknown as Partial<Record<'schema' | 'apiSchema' | 'supergraphSchema' | 'queryPlanner' | 'supergraphSdl', unknown>>;
  if (!fields.schema || !fields.apiSchema || !fields.supergraphSchema || !fields.queryPlanner || typeof fields.supergraphSdl !== 'string') return undefined;
  return fields as unknown as GatewayPlanning;
}
