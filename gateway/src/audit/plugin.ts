import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getOperationAST, GraphQLError, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, type Principal } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { removalsOf } from '../stages/authorize.ts';
import { isCacheHit } from '../cache/response-cache.ts';
import { entitiesReturned, fieldsRead, mutationChanges, normalizeDocument, redactVariables, requestedRecord, createRedactor, sha256 } from '@cmcc/audit-trail';
import { eventMarkings } from './markings.ts';
import type { Admission, AuditTrail, AuditEventContent } from '@cmcc/audit-trail';
import { schemaOf } from '../apollo-internals.ts';

export interface AuditPluginOptions {
  trail: AuditTrail;
  /** Case-insensitive patterns of sensitive key names (`AuditConfig.redact`). */
  redact: readonly string[];
  logger: Logger;
  /** How long a mutation's answer waits for its event to be written (`AuditConfig.writeWaitMs`; 0: not at all). */
  writeWaitMs?: number;
}

interface AuditContext {
  readonly requestId?: string;
  readonly principal?: Principal;
}

const subgraphCalls = new WeakMap<object, Set<string>>();

/** The longest client-sent request id kept (as claimed). */
const MAX_CLAIMED = 128;

/**
 * Notes that the gateway called a subgraph for the operation whose context this is. The gateway's data source calls
 * it for every fetch, so the event names the subgraphs actually called (not only planned).
 */
export function recordSubgraphCall(context: object | undefined, subgraph: string): void {
  if (!context) return;
  let calls = subgraphCalls.get(context);
  if (!calls) subgraphCalls.set(context, (calls = new Set()));
  calls.add(subgraph);
}

/** The error an operation gets when the audit trail cannot take its event (fail-closed): HTTP 503, retry shortly. */
export function auditUnavailableError(): GraphQLError {
  return new GraphQLError('The audit trail cannot keep up, so the gateway is not taking new operations for the moment (nothing is served unaudited). Retry shortly.', {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
  });
}

/**
 * One audit event per operation. The place for the event is reserved when the operation starts; when the trail is
 * full and fail-closed the operation is refused (SERVICE_UNAVAILABLE, 503) before anything is planned or executed.
 * Operations that fail to parse or validate, are refused by authorization or fail are audited like the others.
 * Register it after the authorization plugin: its willSendResponse then sees the errors authorization added.
 */
export function ApolloServerPluginAudit(options: AuditPluginOptions): ApolloServerPlugin<AuditContext> {
  const redactor = createRedactor(options.redact);
  // Per-document work, done once per document: Apollo Server's document store hands the same parsed document (and
  // operation node) to every request with the same text, so dashboards that poll pay for printing and walking it once.
  const normalizedDocuments = new WeakMap<DocumentNode, ReturnType<typeof normalizeDocument>>();
  const operationFields = new WeakMap<object, string[]>();
  const started = new WeakMap<object, { admission: Admission | null; startedAt: Date; start: number }>();
  return {
    async requestDidStart(requestContext) {
      const { contextValue } = requestContext;
      const startedAt = new Date();
      const start = performance.now();
      const admission = options.trail.admit();
      started.set(requestContext, { admission, startedAt, start });
      if (!admission) {
        options.logger.warn({ requestId: contextValue.requestId, depth: options.trail.depth }, 'operation refused: the audit buffer is full (fail-closed)');
      }
      return {
        async didResolveOperation() {
          // Refused here rather than in requestDidStart, where a thrown error becomes a bare 500.
          if (!admission) throw auditUnavailableError();
        },
        async willSendResponse(requestContext) {
          if (!admission) return;
          let event: AuditEventContent;
          try {
            event = buildEvent(requestContext, startedAt, performance.now() - start);
          } catch (error) {
            // Never lose the operation because the event could not be analysed: record what is certain.
            options.logger.error({ err: error, requestId: contextValue.requestId }, 'audit: could not analyse the operation; recording a minimal event');
            event = minimalEvent(requestContext, startedAt, performance.now() - start);
          }
          const appended = options.trail.append(event, admission);
          // A write is acknowledged only once its event is in the sink (or after writeWaitMs, still buffered).
          if (appended && options.writeWaitMs && requestContext.operation?.operation === 'mutation') {
            if (!(await options.trail.whenWritten(options.writeWaitMs))) {
              options.logger.warn(
                { requestId: contextValue.requestId, waitedMs: options.writeWaitMs, depth: options.trail.depth },
                'audit: a mutation is answered before its audit event is written (the sink is slow or away); the event stays buffered',
              );
            }
          }
        },
      };
    },
    // An operation that ends in an unexpected error never reaches willSendResponse: audit it (and free its place) here.
    async unexpectedErrorProcessingRequest({ requestContext }) {
      const state = started.get(requestContext);
      if (!state?.admission || state.admission.used) return;
      const event = minimalEvent(requestContext as GraphQLRequestContextWillSendResponse<AuditContext>, state.startedAt, performance.now() - state.start);
      event.outcome = { status: 'FAILED', httpStatus: 500, errorCodes: [ErrorCode.INTERNAL_SERVER_ERROR], errorCount: 1 };
      options.trail.append(event, state.admission);
    },
  };

  function buildEvent(requestContext: GraphQLRequestContextWillSendResponse<AuditContext>, startedAt: Date, durationMs: number): AuditEventContent {
    const event = minimalEvent(requestContext, startedAt, durationMs);
    const { request, source, schema, response } = requestContext;
    const removals = removalsOf(request);
    // The original document: authorization replaces requestContext.document with the filtered one when it removes fields.
    let original: DocumentNode | undefined = removals.length === 0 ? requestContext.document : undefined;
    if (!original && source) {
      try {
        original = parse(source);
      } catch {
        original = undefined; // a syntax error: the event keeps the hash only
      }
    }
    let sensitiveVariables = new Set<string>();
    if (original) {
      let normalized = normalizedDocuments.get(original);
      if (!normalized) normalizedDocuments.set(original, (normalized = normalizeDocument(original, redactor)));
      event.operation.document = normalized.text;
      sensitiveVariables = normalized.sensitiveVariables;
    }
    event.variables = redactVariables(request.variables, sensitiveVariables, redactor);
    // What the client asked for (also when validation failed) and what was executed (after authorization removed fields).
    const attempted = original ? (getOperationAST(original, request.operationName) ?? undefined) : undefined;
    event.operation.name ??= attempted?.name?.value ?? null;
    event.operation.type ??= attempted?.operation ?? null;
    const executed = requestContext.operation ?? attempted;
    const executedDocument = requestContext.document ?? original;
    const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
    // Fields and entities only for operations that executed (not for those refused before execution, e.g. invalid).
    if (executed && executedDocument && result.data !== undefined) {
      const schemaLike = schemaOf({ schema });
      let fields = operationFields.get(executed);
      if (!fields) operationFields.set(executed, (fields = fieldsRead(schemaLike, executedDocument, executed as OperationDefinitionNode)));
      event.fields = [...fields];
      // At any depth (a related record, another subgraph's entity reference), each with how it was reached; a hit's too.
      const { entities, truncated } = entitiesReturned(schemaLike, executedDocument, executed, result.data, { nested: true });
      event.entities = entities;
      if (truncated) event.entitiesTruncated = true;
      if (attempted && original && attempted.operation === 'mutation') {
        // Every mutation field asked for, also those authorization removed (attempted, nothing returned).
        event.changes = mutationChanges(schemaLike, original, attempted, request.variables, result.data, entities, redactor);
      }
    }
    event.authorization.removed = removals.map((removal) => ({ path: removal.path.join('.'), coordinate: removal.coordinate }));
    // A record withheld at a root field that named it by key: which record (the key the request gave, and its type).
    if (attempted && original) {
      const schemaLike = schemaOf({ schema });
      for (const withheld of event.authorization.withheld) {
        if (withheld.path === '' || withheld.path.includes('.')) continue;
        Object.assign(withheld, requestedRecord(schemaLike, original, attempted, request.variables, withheld.path, redactor));
      }
    }
    // Last: whether the markings are complete depends on the errors, removals and changes worked out above.
    event.markings = eventMarkings(requestContext.contextValue, event, Boolean(executed && executedDocument && result.data !== undefined));
    return event;
  }

  function minimalEvent(requestContext: GraphQLRequestContextWillSendResponse<AuditContext>, startedAt: Date, durationMs: number): AuditEventContent {
    const { request, contextValue, response, source, operation } = requestContext;
    const principal = contextValue.principal;
    const body = response?.body;
    const result = !body ? { data: undefined, errors: undefined } : body.kind === 'single' ? body.singleResult : body.initialResult;
    const errors = result.errors ?? [];
    const codes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
    const header = (name: string) => request.http?.headers.get(name) ?? null;
    return {
      id: randomUUID(),
      time: startedAt.toISOString(),
      requestId: contextValue.requestId ?? null,
      claimedRequestId: header('x-request-id')?.slice(0, MAX_CLAIMED) ?? null,
      nonce: randomBytes(16).toString('base64url'),
      principal: principal
        ? { subject: principal.subject, nation: principal.nation, organization: principal.organization, roles: [...principal.roles], clearance: principal.clearance }
        : null,
      client: { name: header('apollographql-client-name'), version: header('apollographql-client-version') },
      operation: {
        name: operation?.name?.value ?? request.operationName ?? null,
        type: operation?.operation ?? null,
        hash: source ? sha256(source) : null,
        document: null,
      },
      variables: null,
      fields: [],
      entities: [],
      ...(isCacheHit(request) ? { cacheHit: true } : {}),
      subgraphs: [...(subgraphCalls.get(contextValue) ?? [])].sort(),
      authorization: {
        removed: [],
        withheld: errors
          .filter((error) => error.extensions?.code === ErrorCode.FORBIDDEN)
          .map((error) => ({
            path: (error.path ?? []).join('.'),
            ...(typeof error.extensions?.serviceName === 'string' ? { service: error.extensions.serviceName } : {}),
          })),
      },
      outcome: {
        status: errors.length === 0 ? 'OK' : result.data === null || result.data === undefined ? 'FAILED' : 'PARTIAL',
        httpStatus: response?.http?.status ?? 200,
        errorCodes: [...new Set(codes)],
        errorCount: errors.length,
      },
      durationMs: Math.round(durationMs * 10) / 10,
      // Unknown until buildEvent works them out: an event that could not be analysed is redacted for every auditor.
      markings: { complete: false, records: [] },
    };
  }
}
