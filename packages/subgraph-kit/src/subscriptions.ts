// The subgraph half of live subscriptions (packages/contracts/src/change-events.ts): the gateway sends a
// subscription's primary fetch over ordinary HTTP with one change event in CHANGE_EVENT_HEADER, and the root field
// answers with the changed record as the subscriber may see it, or null ("no event for this subscriber").
import type http from 'node:http';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { CHANGE_EVENT_HEADER, ErrorCode, parseChangeEvent, type ChangeEvent } from '@cmcc/contracts';
import { HttpError } from '@cmcc/platform';

/**
 * The change event a request carries; null when it carries none. Called only once the request's principal header is
 * verified, so an event is trusted exactly as far as the principal is: only the gateway can sign one.
 */
export function changeEventOf(request: http.IncomingMessage): ChangeEvent | null {
  try {
    return parseChangeEvent(request.headers[CHANGE_EVENT_HEADER]);
  } catch (error) {
    throw new HttpError(400, 'BAD_REQUEST', `${(error as Error).message}; the gateway sends one change event per subscription fetch`);
  }
}

/** What a subscription root field's resolver needs of the request context. */
interface EventContext {
  readonly event: ChangeEvent | null;
}

export interface SubscriptionFieldOptions<TContext extends EventContext, TRecord, TArgs> {
  /** The GraphQL type of the records this field reports (an event of any other type gives null). */
  entityType: string;
  /**
   * Loads the record by id through the subgraph's own loaders, so rule v2 (and caveats) apply for the subscriber:
   * null, or a FORBIDDEN / NOT_FOUND error, for a record they may not see or that no longer exists.
   */
  load: (id: string, context: TContext) => Promise<TRecord | null | undefined>;
  /** The field's filter arguments (e.g. an area): false gives null. Absent arguments must match everything. */
  matches?: (record: TRecord, args: TArgs, context: TContext) => boolean | Promise<boolean>;
}

/**
 * The resolver of a Subscription root field, executed once per event for one subscriber: the record the event names
 * when it is of this field's type, released to the subscriber and matching the field's arguments; null otherwise.
 * Without an event (a client calling the subgraph directly) it is an error: subscriptions are served by the gateway.
 */
export function subscriptionField<TContext extends EventContext, TRecord, TArgs = Record<string, unknown>>(
  options: SubscriptionFieldOptions<TContext, TRecord, TArgs>,
): { resolve: GraphQLFieldResolver<unknown, TContext, TArgs> } {
  return {
    async resolve(_source, args, context) {
      const event = context.event;
      if (!event) {
        throw new GraphQLError(
          `Subscriptions are served through the gateway's /graphql endpoint over WebSocket (graphql-ws) or SSE (graphql-sse); a subgraph answers a subscription only for a change event the gateway sends in ${CHANGE_EVENT_HEADER}`,
          { extensions: { code: ApolloServerErrorCode.BAD_REQUEST } },
        );
      }
      if (event.entityType !== options.entityType) return null;
      let record: TRecord | null | undefined;
      try {
        record = await options.load(event.entityId, context);
      } catch (error) {
        const code = error instanceof GraphQLError ? error.extensions.code : null;
        // Withheld and gone read alike: the subscriber learns nothing of a record they may not see.
        if (code === ErrorCode.FORBIDDEN || code === ErrorCode.NOT_FOUND) return null;
        throw error;
      }
      if (record === null || record === undefined) return null;
      if (options.matches && !(await options.matches(record, args, context))) return null;
      return record;
    },
  };
}

/** Whether a record's area pcode lies within the area asked for (a governorate holds its localities); no area matches all. */
export function withinArea(recordPcode: string | null | undefined, area: string | null | undefined): boolean {
  if (area === null || area === undefined) return true;
  return typeof recordPcode === 'string' && recordPcode.startsWith(area);
}

/** Answers to subscription operations are per event and per subscriber: never cacheable, whatever the types say. */
export function ApolloServerPluginSubscriptionsUncached(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, overallCachePolicy }) {
          if (operation?.operation === 'subscription') overallCachePolicy.restrict({ maxAge: 0 });
        },
      };
    },
  };
}
