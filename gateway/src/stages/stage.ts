import type http from 'node:http';
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { GraphQLDataSource, ServiceEndpointDefinition } from '@apollo/gateway';
import type { QueryPlannerConfig } from '@apollo/query-planner';
import type { GraphQLFormattedError } from 'graphql';

import type { Principal } from '@cmcc/contracts';
import type { GatewayContext } from '../context.ts';

export type { GatewayContext } from '../context.ts';

/** The stages of a request, in the order the gateway runs them (gateway/src/pipeline.ts lists each with its file). */
export type StageName =
  | 'authenticate'
  | 'read'
  | 'persisted-query'
  | 'parse'
  | 'resolve-operation'
  | 'limits'
  | 'safelist'
  | 'authorize'
  | 'cache-lookup'
  | 'plan'
  | 'execute'
  | 'shape'
  | 'cache-store'
  | 'audit';

export type FormatError = (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError;

/**
 * The Apollo Server hooks a stage may use. The pipeline runs them stage by stage, in the stages' order: each hook of a
 * stage waits for that hook of the stages before it, and a `didResolveOperation` that throws (a refusal) ends the
 * request's `didResolveOperation` there, so no later stage sees a refused operation. Per-request state lives in a
 * WeakMap keyed by the request (or in the context), never in a module global.
 */
export const STAGE_REQUEST_HOOKS = ['didResolveOperation', 'responseForOperation', 'willSendResponse'] as const;

/**
 * One stage of the request pipeline: one concern, and where it plugs in. A stage sets only what it needs of the parts
 * below; gateway/src/pipeline.ts puts them together in the stages' order.
 */
export interface Stage {
  readonly name: StageName;
  /** What the stage does, in a sentence. */
  readonly does: string;
  /**
   * Its hooks in Apollo Server's request: `requestDidStart` returning the listener with any of STAGE_REQUEST_HOOKS, and
   * `unexpectedErrorProcessingRequest`. Not registered with Apollo Server on its own: the pipeline runs it in order.
   */
  readonly plugin?: ApolloServerPlugin<GatewayContext>;
  /** Apollo Server's own plugins the stage configures, registered as they are (Apollo Server recognises its built-ins only at the top level). */
  readonly apolloPlugins?: readonly ApolloServerPlugin<GatewayContext>[];
  /** What the stage sets of Apollo Server's options. */
  readonly server?: {
    readonly parseOptions?: ApolloServerOptions<GatewayContext>['parseOptions'];
    readonly persistedQueries?: ApolloServerOptions<GatewayContext>['persistedQueries'];
    /** Wraps the error formatting of the stages after it (the last one given is the innermost). */
    readonly formatError?: (next: FormatError) => FormatError;
  };
  /** What the stage sets of ApolloGateway's options. */
  readonly gateway?: {
    readonly queryPlannerConfig?: QueryPlannerConfig;
    readonly buildService?: (definition: ServiceEndpointDefinition) => GraphQLDataSource;
  };
  /** What the stage does in the HTTP layer, before Apollo Server sees the request or after it answers. */
  readonly http?: {
    readonly authenticate?: (request: http.IncomingMessage) => Promise<Principal>;
    readonly maxBodyBytes?: number;
    readonly completeBody?: (context: GatewayContext, body: string) => string | Buffer;
  };
}
