// Live subscriptions on the gateway's port: GraphQL over WebSocket at /graphql (upgrade) and GraphQL over SSE at
// /graphql/stream, both fed by change events (an EventFeed) and executed per event by the engine (engine.ts).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloGateway } from '@apollo/gateway';
import type { EventFeed, Requirements } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import type { AuditTrail } from '../audit/index.ts';
import type { Authenticate } from '../auth/authenticator.ts';
import type { GatewayConfig } from '../config.ts';
import { createSubscriptionEngine, type SubscriptionEngine } from './engine.ts';
import { createRegistry } from './session.ts';
import { createSseTransport, STREAM_PATH, TICKET_PATH } from './sse.ts';
import { createWebSocketTransport } from './websocket.ts';

export { createMemoryEventFeed, type MemoryEventFeed } from './memory-feed.ts';
export { createEventFeed, type EventFeedOptions } from './event-feed.ts';
export { STREAM_PATH, TICKET_PATH } from './sse.ts';

export interface SubscriptionServerOptions {
  readonly gateway: ApolloGateway;
  readonly authenticate: Authenticate;
  readonly audit: AuditTrail;
  /** The authorization requirements of the supergraph being served. */
  readonly requirements: () => Requirements;
  readonly feed: EventFeed;
  readonly config: Pick<GatewayConfig, 'subscriptions' | 'cors' | 'policies' | 'authorizationMode' | 'performance'>;
  readonly logger: Logger;
}

export interface SubscriptionServer {
  /** Answers /graphql/stream and /graphql/stream/ticket. */
  handler(request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;
  /** For the http server's 'upgrade' event (WebSocket at /graphql). */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Whether `handler` answers this request's path. */
  serves(request: http.IncomingMessage): boolean;
  readonly engine: SubscriptionEngine;
  /** Subscriptions open now. */
  readonly open: () => number;
  /** Completes every subscription with a reconnect hint, then closes the feed. */
  stop(): Promise<void>;
}

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { config, logger } = options;
  let stopping: Promise<void> | undefined;
  const engine = createSubscriptionEngine({
    gateway: options.gateway,
    feed: options.feed,
    requirements: options.requirements,
    policies: config.policies,
    authorizationMode: config.authorizationMode,
    limits: config.performance.limits,
    logger,
  });
  const registry = createRegistry({ audit: options.audit, maxPerPrincipal: config.subscriptions.maxPerPrincipal, logger });
  const ws = createWebSocketTransport({ gateway: options.gateway, engine, registry, authenticate: options.authenticate, config: config.subscriptions, cors: config.cors, logger });
  const sse = createSseTransport({ engine, registry, authenticate: options.authenticate, config: config.subscriptions, logger });
  return {
    handler: sse.handler,
    handleUpgrade: ws.handleUpgrade,
    serves: (request) => {
      const path = (request.url ?? '').split('?')[0];
      return path === STREAM_PATH || path === TICKET_PATH;
    },
    engine,
    open: () => registry.size,
    // Once: the process's shutdown calls it before draining, the gateway's stop() again after.
    stop() {
      stopping ??= (async () => {
        sse.stop();
        await ws.stop();
        await options.feed.close();
      })();
      return stopping;
    },
  };
}
