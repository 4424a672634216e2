import { defineEnv, positiveInt, readEnv, type Env } from '@cmcc/platform';

/** Limits of live subscriptions (GraphQL over WebSocket and over SSE), per principal, connection and consumer. */
export interface SubscriptionConfig {
  /** Subscriptions one principal (subject) may hold at once, across every connection and gateway transport. */
  readonly maxPerPrincipal: number;
  /** Subscriptions one WebSocket connection may hold at once (an SSE connection holds one). */
  readonly maxPerConnection: number;
  /** Bytes queued for one consumer that does not read fast enough; above it the consumer is dropped with an error. */
  readonly maxBufferedBytes: number;
  /** How long an EventSource stream ticket (POST /graphql/stream/ticket) may wait before it is used, in seconds. */
  readonly ticketTtlSeconds: number;
  /** The reconnection delay the gateway advises SSE clients (`retry:`), in milliseconds. */
  readonly retryMs: number;
}

const GATEWAY = ['gateway'];

export const SUBSCRIPTIONS_ENV = defineEnv({
  GATEWAY_SUBSCRIPTIONS_PER_PRINCIPAL: {
    description: 'live subscriptions one principal may hold at once on one gateway process (WebSocket and SSE together); one more is refused with `TOO_MANY_SUBSCRIPTIONS`',
    components: GATEWAY,
    default: '100',
    ...positiveInt(100_000),
  },
  GATEWAY_SUBSCRIPTIONS_PER_CONNECTION: {
    description: 'live subscriptions one WebSocket connection may hold at once; one more is refused with `TOO_MANY_SUBSCRIPTIONS`',
    components: GATEWAY,
    default: '25',
    ...positiveInt(10_000),
  },
  GATEWAY_SUBSCRIPTIONS_MAX_BUFFERED_BYTES: {
    description:
      'bytes of events queued for one slow subscriber (WebSocket connection or SSE stream); above it that subscriber is dropped with `SLOW_CONSUMER`, others are unaffected',
    components: GATEWAY,
    default: '1048576',
    ...positiveInt(),
  },
  GATEWAY_SUBSCRIPTIONS_TICKET_TTL_SECONDS: {
    description: 'how long a single-use EventSource stream ticket (`POST /graphql/stream/ticket`) stays valid before it is used',
    components: GATEWAY,
    default: '30',
    ...positiveInt(600),
  },
  GATEWAY_SUBSCRIPTIONS_RETRY_MS: {
    description: 'reconnection delay advised to SSE clients (`retry:`), also sent with the final event when the gateway shuts down',
    components: GATEWAY,
    default: '2000',
    ...positiveInt(600_000),
  },
});

export function parseSubscriptionConfig(env: Env, problems: string[]): SubscriptionConfig {
  const values = readEnv(env, SUBSCRIPTIONS_ENV, problems);
  return Object.freeze({
    maxPerPrincipal: values.GATEWAY_SUBSCRIPTIONS_PER_PRINCIPAL,
    maxPerConnection: values.GATEWAY_SUBSCRIPTIONS_PER_CONNECTION,
    maxBufferedBytes: values.GATEWAY_SUBSCRIPTIONS_MAX_BUFFERED_BYTES,
    ticketTtlSeconds: values.GATEWAY_SUBSCRIPTIONS_TICKET_TTL_SECONDS,
    retryMs: values.GATEWAY_SUBSCRIPTIONS_RETRY_MS,
  });
}
