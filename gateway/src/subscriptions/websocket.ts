// GraphQL over WebSocket (the `graphql-transport-ws` protocol of `graphql-ws`) on the gateway's port, path /graphql.
// The connection is authenticated once, from connection_init's payload `{ authorization: 'Bearer …' }` (or
// `x-api-key`) or else the upgrade request's headers; a subscription resumes after `extensions.lastEventId`.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { isEventId } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { gatewayPlanning } from '../apollo-internals.ts';
import type { ApolloGateway } from '@apollo/gateway';
import type { Authenticate } from '../auth/authenticator.ts';
import { isAllowedOrigin, type CorsConfig } from '../cors.ts';
import type { SubscriptionConfig } from './config.ts';
import type { PreparedSubscription, SubscriptionEngine } from './engine.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { authenticateCredential, credentialOf, watchCredential, type Authenticated, type Live, type Registry } from './session.ts';

/** Close codes: 1012 service restart (reconnect), 1008 policy violation (a slow consumer), 4401 unauthorized (token expired). */
export const CLOSE_SERVICE_RESTART = 1012;
export const CLOSE_SLOW_CONSUMER = 1008;
export const CLOSE_UNAUTHORIZED = 4401;

interface Running {
  readonly live: Live;
  readonly queue: DeliveryQueue;
  detach(): void;
}

interface ConnectionState {
  authenticated?: Authenticated;
  stopWatching?: () => void;
  readonly pending: Map<string, { prepared: PreparedSubscription; afterId: string | null; live: Live }>;
  readonly running: Map<string, Running>;
  /** Why the connection is being closed by the gateway (the subscriptions' end reason). */
  closing?: string;
}

export interface WebSocketTransportOptions {
  readonly gateway: ApolloGateway;
  readonly engine: SubscriptionEngine;
  readonly registry: Registry;
  readonly authenticate: Authenticate;
  readonly config: SubscriptionConfig;
  readonly cors: CorsConfig;
  readonly logger: Logger;
}

export function createWebSocketTransport(options: WebSocketTransportOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  const states = new WeakMap<WebSocket, ConnectionState>();
  const sockets = new Set<WebSocket>();

  const closeWith = (socket: WebSocket, code: number, reason: string) => {
    const state = states.get(socket);
    if (state) state.closing ??= reason;
    socket.close(code, reason.slice(0, 120));
    // A consumer that does not read never answers the close handshake.
    setTimeout(() => socket.terminate(), 2_000).unref();
  };

  const endAll = (socket: WebSocket, error: GraphQLError, reason: string, code: number) => {
    const state = states.get(socket);
    if (!state) return;
    state.closing ??= reason;
    for (const running of state.running.values()) {
      running.live.finish(reason, error);
      running.queue.end(error);
    }
    // Let the final results go out before the close frame.
    setTimeout(() => closeWith(socket, code, error.message), 50).unref();
  };

  useServer(
    {
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const state = states.get(socket);
        if (!state) return false;
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const fromPayload = typeof params.authorization === 'string' || typeof params['x-api-key'] === 'string';
        const credential = fromPayload
          ? {
              authorization: typeof params.authorization === 'string' ? params.authorization : undefined,
              apiKey: typeof params['x-api-key'] === 'string' ? params['x-api-key'] : undefined,
            }
          : credentialOf(ctx.extra.request.headers);
        try {
          state.authenticated = await authenticateCredential(options.authenticate, credential, ctx.extra.request.socket);
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
        state.stopWatching = watchCredential(state.authenticated, (error) => endAll(socket, error, 'token expired or revoked', CLOSE_UNAUTHORIZED));
        return true;
      },
      onSubscribe(ctx, id, payload) {
        const state = states.get(ctx.extra.socket);
        const principal = state?.authenticated?.principal;
        if (!state || !principal) return [new GraphQLError('Not authenticated.', { extensions: { code: 'UNAUTHENTICATED' } })];
        if (state.running.size + state.pending.size >= options.config.maxPerConnection) {
          return [
            new GraphQLError(
              `This connection already holds ${options.config.maxPerConnection} subscriptions (GATEWAY_SUBSCRIPTIONS_PER_CONNECTION): end one or open another connection.`,
              {
                extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
              },
            ),
          ];
        }
        const lastEventId = (payload.extensions as Record<string, unknown> | undefined)?.lastEventId ?? null;
        if (lastEventId !== null && !isEventId(lastEventId)) {
          return [new GraphQLError('extensions.lastEventId must be the id of an event you received (a decimal number).', { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        try {
          const prepared = options.engine.prepare(principal, { query: payload.query, variables: payload.variables, operationName: payload.operationName });
          const live = options.registry.start({ prepared, transport: 'ws', afterId: lastEventId, requestId: `ws-${id}` });
          state.pending.set(id, { prepared, afterId: lastEventId, live });
          return {
            schema: gatewayPlanning(options.gateway)!.schema,
            document: prepared.document,
            operationName: prepared.operationName,
            variableValues: prepared.variables,
            contextValue: { socket: ctx.extra.socket, id },
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      subscribe(args) {
        const { socket, id } = args.contextValue as { socket: WebSocket; id: string };
        const state = states.get(socket)!;
        const { prepared, afterId, live } = state.pending.get(id)!;
        state.pending.delete(id);
        const queue: DeliveryQueue = new DeliveryQueue(
          (size) => {
            // Bytes that were already waiting for this consumer when this event came (in its subscriptions' queues and
            // in the socket): a consumer that keeps up has none, however big one event is.
            let waiting = socket.bufferedAmount - size;
            for (const other of state.running.values()) waiting += other.queue.bytes;
            if (waiting > options.config.maxBufferedBytes && !state.closing) {
              options.logger.warn({ waiting, limit: options.config.maxBufferedBytes }, 'dropped a slow subscription consumer (WebSocket)');
              const error = new GraphQLError(
                'Dropped: this connection did not read its events fast enough (GATEWAY_SUBSCRIPTIONS_MAX_BUFFERED_BYTES). Reconnect and resume with the last event id you received.',
                {
                  extensions: { code: 'SLOW_CONSUMER' },
                },
              );
              for (const running of state.running.values()) running.live.finish('slow consumer', error);
              closeWith(socket, CLOSE_SLOW_CONSUMER, 'slow consumer');
            }
          },
          () => void live.delivered++,
        );
        const detach = options.engine.attach(prepared, afterId, {
          next: (delivery) => queue.next(delivery),
          end: (error) => {
            live.finish(error ? String(error.extensions.code ?? 'error') : 'feed ended', error);
            queue.end(error);
          },
        });
        state.running.set(id, { live, queue, detach });
        const iterator = queue[Symbol.asyncIterator]();
        const finish = () => {
          state.running.delete(id);
          detach();
          live.finish(state.closing ?? (socket.readyState === socket.OPEN ? 'completed by the client' : 'connection closed'));
        };
        return {
          next: () => iterator.next(),
          return: async () => {
            finish();
            queue.end();
            return iterator.return(undefined);
          },
          throw: (error: unknown) => iterator.throw(error),
          [Symbol.asyncIterator]() {
            return this;
          },
          [Symbol.asyncDispose]: async () => undefined,
        } as AsyncGenerator<never>;
      },
      onClose(ctx) {
        const state = states.get(ctx.extra.socket);
        state?.stopWatching?.();
        for (const { live } of state?.pending.values() ?? []) live.finish('connection closed');
        state?.pending.clear();
      },
    },
    wss,
    12_000,
  );

  return {
    /** For the http server's 'upgrade' event: takes /graphql upgrades from an allowed (or no) Origin, refuses others. */
    handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
      const path = new URL(request.url ?? '/', 'http://gateway').pathname;
      if (path !== '/graphql') return refuseUpgrade(socket, 404, 'Not Found', 'WebSocket subscriptions are at /graphql.');
      const origin = request.headers.origin;
      // Browsers send Origin with every WebSocket and do not apply CORS to it: a page of another origin is refused
      // here unless GATEWAY_CORS_ORIGINS lists it (the gateway's own pages are same-origin). Other clients send none.
      if (origin !== undefined && !isAllowedOrigin(options.cors, origin) && !isSameOrigin(request, origin)) {
        return refuseUpgrade(socket, 403, 'Forbidden', `Origin ${origin} may not open subscriptions on this gateway (GATEWAY_CORS_ORIGINS).`);
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        states.set(ws, { pending: new Map(), running: new Map() });
        sockets.add(ws);
        ws.once('close', () => sockets.delete(ws));
        wss.emit('connection', ws, request);
      });
    },
    /** Ends every subscription with a reconnect hint (close code 1012, service restart). */
    async stop(): Promise<void> {
      const closed = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
      for (const socket of sockets) {
        const state = states.get(socket);
        if (state) state.closing ??= 'shutdown';
        closeWith(socket, CLOSE_SERVICE_RESTART, 'The gateway is restarting: reconnect and resume with the last event id you received.');
      }
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function isSameOrigin(request: http.IncomingMessage, origin: string): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, statusText: string, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}
