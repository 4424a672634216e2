// Federated subscriptions: a subscription operation is planned by the gateway's own query planner, which gives a
// SubscriptionNode { primary, rest }. For every change event of the owning subgraph, the primary fetch (a `subscription`
// operation) is sent to that subgraph with the event in CHANGE_EVENT_HEADER, then the rest of the plan fetches the other
// subgraphs' fields, both through @apollo/gateway's executeQueryPlan with the gateway's data sources: each fetch carries
// the subscriber's principal signed for that subgraph, and results are shaped as for queries. A root field that comes
// back null (the record is withheld from this subscriber, or does not match the arguments) delivers nothing.
//
// Subscribers with the same principal, document, variables and resume point share one group: one feed subscription
// and one execution per event, fanned out to every member.
import { createHash } from 'node:crypto';
import { buildOperationContext, executeQueryPlan, type ApolloGateway, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { operationFromDocument } from '@apollo/federation-internals';
import { createRequire } from 'node:module';
import { getOperationAST, GraphQLError, Kind, parse, print, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { CHANGE_EVENT_HEADER, ResumeWindowExceededError, type ChangeEvent, type EventFeed, type Principal, type Requirements } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { gatewayPlanning, schemaOf, subgraphServices } from '../apollo-internals.ts';
import { filterOperation, setNull, type Removal } from '../authorization/filter.ts';
import { satisfies, type PolicyRule } from '../authorization/requirements.ts';
import type { GatewayContext } from '../context.ts';
import { checkLimits, type OperationLimits } from '../limits/check.ts';
import { extractCostDirectives, measureOperation, type CostDirectives } from '../limits/measure.ts';

/** What one subscriber receives for one event: the result, and the change event's id (what it resumes after). */

/**
 * How many times an event whose fetch failed is tried again (after 0.25, 0.5, 1, 2, 4, 4, 4 s: about 16 s, longer than
 * a Redis failover or a working group's restart) before the subscriber is told, or, for a failed root field, not sent it.
 */
const EXECUTION_RETRIES = 7;

/** The event's root field came back null with errors: the working group failed to answer (not a refusal). */
class RootFieldFailed extends Error {
  constructor(readonly messages: string[]) {
    super(`the root field failed: ${messages.join('; ')}`);
  }
}

export interface Delivery {
  readonly eventId: string;
  readonly result: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
  /** When the event reached the gateway (performance.now()), for the benchmark's publish→deliver latency. */
  readonly receivedAt: number;
}

/** Where one subscriber's events go. `end` is called once, with the error that ended it, or none when it completed. */
export interface SubscriptionSink {
  next(delivery: Delivery): void;
  end(error?: GraphQLError): void;
}

/** A subscription checked and planned for one principal, ready to be attached to the feed. */
export interface PreparedSubscription {
  readonly principal: Principal;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly operationName: string | null;
  readonly variables: Record<string, unknown>;
  /** The owning subgraph (the primary fetch's), whose change events drive it. */
  readonly subgraph: string;
  /** Identical principal, document and variables: the members of one group. */
  readonly groupKey: string;
  /** The text as received, for the audit trail. */
  readonly source: string;
  readonly removals: readonly Removal[];
  readonly plan: QueryPlan;
  readonly primary: FetchNode;
}

export interface SubscriptionRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown> | null;
  readonly operationName?: string | null;
}

export interface EngineOptions {
  readonly gateway: ApolloGateway;
  readonly feed: EventFeed;
  readonly requirements: () => Requirements;
  readonly policies: Readonly<Record<string, PolicyRule>>;
  readonly authorizationMode: 'filter' | 'reject';
  /** The operation limits of queries (GATEWAY_MAX_*): a subscription runs its plan once per event, so they apply too. */
  readonly limits: OperationLimits;
  readonly logger: Logger;
}

// The API schema is built by @apollo/gateway with the CommonJS copy of graphql-js, whose instanceof checks refuse the
// ES module copy's schema: validation and variable coercion use that copy.
const requireFromHere = createRequire(import.meta.url);
const { validate } = requireFromHere('graphql') as typeof import('graphql');
const { getVariableValues } = requireFromHere('graphql/execution/values') as typeof import('graphql/execution/values.js');

const refusal = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

interface Group {
  readonly members: Set<SubscriptionSink>;
  readonly abort: AbortController;
}

export interface SubscriptionEngine {
  /** Parses, validates, authorizes and plans; throws a GraphQLError with the usual code when the operation is refused. */
  prepare(principal: Principal, request: SubscriptionRequest): PreparedSubscription;
  /** Attaches a sink to the change events after `afterId` (null: from now); returns what detaches it (no `end` then). */
  attach(prepared: PreparedSubscription, afterId: string | null, sink: SubscriptionSink): () => void;
  /** Executions of the plan so far (one per event and group, whatever the group's size). */
  readonly executions: () => number;
}

export function createSubscriptionEngine(options: EngineOptions): SubscriptionEngine {
  const groups = new Map<string, Group>();
  let executions = 0;
  let costs: { sdl: string; directives: CostDirectives } | undefined;

  function prepare(principal: Principal, request: SubscriptionRequest): PreparedSubscription {
    const planning = gatewayPlanning(options.gateway);
    if (!planning) throw refusal('The gateway has not loaded its supergraph yet: retry shortly.', 'SERVICE_UNAVAILABLE');
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: 10_000 });
    } catch (error) {
      throw refusal(error instanceof Error ? error.message : String(error), 'GRAPHQL_PARSE_FAILED');
    }
    const errors = validate(planning.schema, document);
    if (errors.length > 0) throw refusal(errors.map((error) => error.message).join(' '), 'GRAPHQL_VALIDATION_FAILED');
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation) throw refusal('Name the operation to run (operationName): the document has none or several.', 'BAD_USER_INPUT');
    if (operation.operation !== 'subscription') {
      throw refusal(`This endpoint runs subscriptions only; send a ${operation.operation} to POST /graphql.`, 'BAD_USER_INPUT');
    }
    const coerced = getVariableValues(planning.schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) throw refusal(coerced.errors.map((error) => error.message).join(' '), 'BAD_USER_INPUT');
    if (costs?.sdl !== planning.supergraphSdl) costs = { sdl: planning.supergraphSdl, directives: extractCostDirectives(planning.supergraphSdl) };
    const measure = measureOperation(schemaOf(planning), document, operation, request.variables ?? {}, costs.directives, options.limits.defaultListSize);
    const overLimit = checkLimits(measure, options.limits);
    if (overLimit) throw overLimit;

    // Authorization as for queries (gateway/src/stages/authorize.ts), decided once, at subscribe time: a refused root
    // field refuses the subscription; a refused nested field is null with an error in every event (filter mode).
    const requirements = options.requirements();
    const allowed = (coordinate: string) => {
      const requirement = requirements.get(coordinate);
      return !requirement || satisfies(principal, requirement, options.policies);
    };
    const filtered = requirements.size === 0 ? { operation, removals: [] } : filterOperation(planning.schema, document, operation, allowed);
    if (filtered.removals.length > 0 && (options.authorizationMode === 'reject' || filtered.removals.some((removal) => removal.path.length === 1))) {
      throw new GraphQLError('Not allowed: this subscription reads fields or types your credentials do not allow.', {
        extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
      });
    }
    const executed: DocumentNode = filtered.removals.length === 0 ? document : { kind: Kind.DOCUMENT, definitions: [filtered.operation] };
    const queryPlan = planning.queryPlanner.buildQueryPlan(operationFromDocument(planning.apiSchema, executed, { operationName: request.operationName ?? undefined }));
    const node = queryPlan.node;
    if (node?.kind !== 'Subscription') throw refusal('The query planner gave no subscription plan for this operation.', 'INTERNAL_SERVER_ERROR');
    const plan: QueryPlan = { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [node.primary, node.rest] } : node.primary };
    const variables = request.variables ?? {};
    const groupKey = createHash('sha256')
      .update(JSON.stringify(principal))
      .update('\0')
      .update(print(executed))
      .update('\0')
      .update(request.operationName ?? '')
      .update('\0')
      .update(JSON.stringify(variables))
      .digest('hex');
    return {
      principal,
      document: executed,
      operation: filtered.operation,
      operationName: request.operationName ?? null,
      variables,
      subgraph: node.primary.serviceName,
      groupKey,
      source: request.query,
      removals: filtered.removals,
      plan,
      primary: node.primary,
    };
  }

  /** Runs the plan for one event under the group's principal; null when the root field is null (nothing to deliver). */
  async function execute(prepared: PreparedSubscription, event: ChangeEvent): Promise<Delivery['result'] | null> {
    const planning = gatewayPlanning(options.gateway);
    if (!planning) return null;
    executions++;
    const services = subgraphServices(options.gateway);
    const serviceMap: ServiceMap = {};
    for (const [name, { dataSource }] of Object.entries(services)) serviceMap[name] = dataSource;
    const primarySource = serviceMap[prepared.subgraph];
    if (primarySource) serviceMap[prepared.subgraph] = withChangeEvent(primarySource, prepared.primary.operation, event);
    const context: GatewayContext = { requestId: `subscription-${event.subgraph}-${event.id}`, principal: prepared.principal };
    const requestContext = {
      request: { query: prepared.source, variables: prepared.variables, operationName: prepared.operationName ?? undefined },
      context,
      contextValue: context,
      document: prepared.document,
      operation: prepared.operation,
      operationName: prepared.operationName,
      cache: undefined,
      logger: options.logger,
      metrics: {},
      overallCachePolicy: undefined,
    };
    const operationContext = buildOperationContext({ schema: planning.schema, operationDocument: prepared.document, operationName: prepared.operationName ?? undefined });
    const response = await executeQueryPlan(
      prepared.plan,
      serviceMap,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      operationContext,
      planning.supergraphSchema,
      planning.apiSchema,
    );
    const rootKey = rootResponseKey(prepared.operation);
    const data = (response.data ?? null) as Record<string, unknown> | null;
    if (!data || data[rootKey] === null || data[rootKey] === undefined) {
      // No errors: nothing of the event is released to this principal. Errors: a working group failed to answer.
      if (response.errors?.length) throw new RootFieldFailed(response.errors.map((error) => error.message));
      return null;
    }
    const errors: GraphQLFormattedError[] = (response.errors ?? []).map(
      (error) => ('toJSON' in error && typeof error.toJSON === 'function' ? error.toJSON() : error) as GraphQLFormattedError,
    );
    for (const removal of prepared.removals) {
      if (removal.nullPath) setNull(data, removal.nullPath);
      errors.push({ message: `Unauthorized field or type (${removal.coordinate})`, path: removal.path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    }
    return errors.length > 0 ? { data, errors } : { data };
  }

  async function run(key: string, prepared: PreparedSubscription, afterId: string | null, group: Group): Promise<void> {
    let failure: GraphQLError | undefined;
    try {
      for await (const event of options.feed.subscribe(prepared.subgraph, afterId, group.abort.signal)) {
        if (group.members.size === 0) break;
        const receivedAt = performance.now();
        let result: Delivery['result'] | null = null;
        // A working group down or failing over (its process restarting, Redis promoting a replica) is retried for a
        // while, in order, so a subscriber does not lose the event; the events after it wait behind it.
        for (let attempt = 0, delay = 250; ; attempt++, delay = Math.min(delay * 2, 4000)) {
          try {
            result = await execute(prepared, event);
            break;
          } catch (error) {
            if (attempt < EXECUTION_RETRIES && !group.abort.signal.aborted) {
              await new Promise((resolve) => setTimeout(resolve, delay).unref());
              continue;
            }
            if (error instanceof RootFieldFailed) {
              options.logger.warn({ subgraph: event.subgraph, eventId: event.id, errors: error.messages }, 'subscription event not delivered: its root field failed');
              result = null;
            } else {
              options.logger.error({ err: error, subgraph: event.subgraph, eventId: event.id }, 'subscription event could not be executed');
              result = {
                errors: [{ message: 'This event could not be fetched from the working groups; later events still come.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
              };
            }
            break;
          }
        }
        if (group.members.size === 0) break;
        if (result === null) continue;
        for (const member of [...group.members]) member.next({ eventId: event.id, result, receivedAt });
      }
    } catch (error) {
      if (error instanceof ResumeWindowExceededError) {
        failure = new GraphQLError(error.message, { extensions: { code: error.code, oldestRetainedId: error.oldestRetainedId } });
      } else if (!group.abort.signal.aborted) {
        options.logger.error({ err: error, subgraph: prepared.subgraph }, 'the change event feed failed');
        failure = new GraphQLError('The change event feed failed: reconnect with the last event id you received.', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
      }
    } finally {
      if (groups.get(key) === group) groups.delete(key);
      const members = [...group.members];
      group.members.clear();
      if (!group.abort.signal.aborted) for (const member of members) member.end(failure);
    }
  }

  return {
    prepare,
    attach(prepared, afterId, sink) {
      const key = `${prepared.groupKey}|${afterId ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = { members: new Set(), abort: new AbortController() };
        groups.set(key, group);
        group.members.add(sink);
        void run(key, prepared, afterId, group);
      } else {
        group.members.add(sink);
      }
      const joined = group;
      return () => {
        joined.members.delete(sink);
        if (joined.members.size === 0) {
          if (groups.get(key) === joined) groups.delete(key);
          joined.abort.abort();
        }
      };
    },
    executions: () => executions,
  };
}

/** The response key of the subscription's single root field. */
function rootResponseKey(operation: OperationDefinitionNode): string {
  const field = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  return field && field.kind === Kind.FIELD ? (field.alias?.value ?? field.name.value) : '';
}

/** The data source of the owning subgraph, sending the event with the primary fetch only (not with its entity fetches). */
function withChangeEvent(source: GraphQLDataSource, primaryOperation: string, event: ChangeEvent): GraphQLDataSource {
  const header = JSON.stringify(event);
  return {
    process(options) {
      if (options.request.query === primaryOperation) {
        const headers = new Headers();
        for (const [name, value] of (options.request.http?.headers ?? []) as Iterable<[string, string]>) headers.append(name, value);
        headers.set(CHANGE_EVENT_HEADER, header);
        options.request.http = { ...options.request.http, headers } as unknown as typeof options.request.http;
      }
      return source.process(options);
    },
  };
}
