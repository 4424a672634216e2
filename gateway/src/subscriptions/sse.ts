// GraphQL over Server-Sent Events in graphql-sse's distinct-connections mode, at /graphql/stream: one subscription per
// HTTP response. POST (JSON body, Authorization header: graphql-sse's client, fetch) or GET with `query`, `variables`,
// `operationName`, `extensions` and, for EventSource (which cannot send headers), a `ticket` from
// POST /graphql/stream/ticket: short-lived and single-use, so no long-lived credential ever sits in a URL or a log.
// Every event carries `id:` = its change event's id; `Last-Event-ID` (or `extensions.lastEventId`) resumes after it.
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { isEventId } from '@cmcc/contracts';
import { HttpError, type Logger } from '@cmcc/platform';
import type { Authenticate } from '../auth/authenticator.ts';
import type { SubscriptionConfig } from './config.ts';
import type { SubscriptionEngine } from './engine.ts';
import { authenticateCredential, credentialOf, watchCredential, type Authenticated, type Registry } from './session.ts';

export const STREAM_PATH = '/graphql/stream';
export const TICKET_PATH = '/graphql/stream/ticket';

export interface SseTransportOptions {
  readonly engine: SubscriptionEngine;
  readonly registry: Registry;
  readonly authenticate: Authenticate;
  readonly config: SubscriptionConfig;
  readonly logger: Logger;
}

interface OpenStream {
  /** Ends the stream with a last event carrying `error`, the `retry:` hint, and no `complete` (the client reconnects). */
  interrupt(error: GraphQLError, reason: string): void;
}

const json = (response: http.ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

const errorBody = (error: GraphQLError) => ({ errors: [error.toJSON()] });

const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  UNAUTHORIZED_FIELD_OR_TYPE: 403,
  TOO_MANY_SUBSCRIPTIONS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function createSseTransport(options: SseTransportOptions) {
  const tickets = new Map<string, { authenticated: Authenticated; expiresAt: number }>();
  const open = new Set<OpenStream>();

  async function issueTicket(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let authenticated: Authenticated;
    try {
      authenticated = await authenticateCredential(options.authenticate, credentialOf(request.headers), request.socket);
    } catch (error) {
      return json(response, 401, errorBody(new GraphQLError(error instanceof HttpError ? error.message : 'Not authenticated.', { extensions: { code: 'UNAUTHENTICATED' } })));
    }
    const now = Date.now();
    for (const [ticket, entry] of tickets) if (entry.expiresAt <= now) tickets.delete(ticket);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = Math.min(now + options.config.ticketTtlSeconds * 1000, authenticated.expiresAt ?? Infinity);
    tickets.set(ticket, { authenticated, expiresAt });
    json(response, 201, { ticket, expiresAt: new Date(expiresAt).toISOString() });
  }

  async function stream(request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void> {
    let params: { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown };
    let authenticated: Authenticated;
    try {
      params = request.method === 'POST' ? await readJson(request) : paramsOf(url);
      const ticket = url.searchParams.get('ticket');
      if (ticket !== null) {
        const entry = tickets.get(ticket);
        tickets.delete(ticket);
        if (!entry || entry.expiresAt <= Date.now())
          throw new HttpError(401, 'UNAUTHENTICATED', 'This stream ticket is unknown, used or expired: get a new one with POST /graphql/stream/ticket.');
        authenticated = entry.authenticated;
      } else {
        authenticated = await authenticateCredential(options.authenticate, credentialOf(request.headers), request.socket);
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      const code = error instanceof HttpError ? error.code : 'BAD_REQUEST';
      return json(response, status, errorBody(new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code } })));
    }
    if (typeof params.query !== 'string') return json(response, 400, errorBody(new GraphQLError('Send the subscription as `query`.', { extensions: { code: 'BAD_REQUEST' } })));
    const extensions = (params.extensions ?? {}) as Record<string, unknown>;
    const header = request.headers['last-event-id'];
    const afterId = (typeof header === 'string' && header !== '' ? header : (extensions.lastEventId as string | undefined)) ?? null;
    if (afterId !== null && !isEventId(afterId)) {
      return json(
        response,
        400,
        errorBody(new GraphQLError('Last-Event-ID must be the id of an event you received (a decimal number).', { extensions: { code: 'BAD_USER_INPUT' } })),
      );
    }

    let prepared;
    let live;
    try {
      prepared = options.engine.prepare(authenticated.principal, {
        query: params.query,
        variables: params.variables as Record<string, unknown> | undefined,
        operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
      });
      live = options.registry.start({ prepared, transport: 'sse', afterId, requestId: `sse-${randomBytes(8).toString('hex')}` });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return json(response, STATUS_BY_CODE[String(error.extensions.code)] ?? 400, errorBody(error));
    }

    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write(`retry: ${options.config.retryMs}\n:\n\n`);
    let ended = false;
    const keepAlive = setInterval(() => response.write(':\n\n'), 12_000);
    keepAlive.unref();
    const finish = (reason: string, error?: GraphQLError, last?: string) => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      stopWatching();
      detach();
      open.delete(handle);
      live.finish(reason, error);
      if (last !== undefined) response.end(last);
      else response.destroy();
    };
    const handle: OpenStream = {
      interrupt: (error, reason) => finish(reason, error, `retry: ${options.config.retryMs}\nevent: next\ndata: ${JSON.stringify(errorBody(error))}\n\n`),
    };
    open.add(handle);
    const completeWith = (error?: GraphQLError) => (error ? `event: next\ndata: ${JSON.stringify(errorBody(error))}\n\n` : '') + 'event: complete\ndata:\n\n';
    const stopWatching = watchCredential(authenticated, (error) => finish('token expired or revoked', error, completeWith(error)));
    const detach = options.engine.attach(prepared, afterId, {
      next(delivery) {
        if (ended) return;
        // What still waits from earlier events: a consumer that keeps up has none, however big one event is.
        if (response.writableLength > options.config.maxBufferedBytes) {
          options.logger.warn({ waiting: response.writableLength, limit: options.config.maxBufferedBytes }, 'dropped a slow subscription consumer (SSE)');
          const error = new GraphQLError('Dropped: this stream was not read fast enough (GATEWAY_SUBSCRIPTIONS_MAX_BUFFERED_BYTES). Reconnect with Last-Event-ID.', {
            extensions: { code: 'SLOW_CONSUMER' },
          });
          return finish('slow consumer', error);
        }
        live.delivered++;
        response.write(`id: ${delivery.eventId}\nevent: next\ndata: ${JSON.stringify({ ...delivery.result, extensions: { eventId: delivery.eventId } })}\n\n`);
      },
      end(error) {
        finish(error ? String(error.extensions.code ?? 'error') : 'feed ended', error, completeWith(error));
      },
    });
    response.on('close', () => finish('connection closed'));
  }

  return {
    async handler(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
      const url = new URL(request.url ?? '/', 'http://gateway');
      if (url.pathname === TICKET_PATH && request.method === 'POST') return issueTicket(request, response);
      if (url.pathname === STREAM_PATH && (request.method === 'GET' || request.method === 'POST')) return stream(request, response, url);
      response.setHeader('allow', url.pathname === TICKET_PATH ? 'POST' : 'GET, POST');
      json(response, 405, errorBody(new GraphQLError(`${request.method} is not served at ${url.pathname}.`, { extensions: { code: 'METHOD_NOT_ALLOWED' } })));
    },
    /** Ends every stream with a last event carrying the restart and the `retry:` hint. */
    stop(): void {
      const error = new GraphQLError('The gateway is restarting: reconnect and resume with the last event id you received.', { extensions: { code: 'SERVICE_RESTARTING' } });
      for (const handle of [...open]) handle.interrupt(error, 'shutdown');
    },
  };
}

function paramsOf(url: URL) {
  const parsed = (name: string) => {
    const value = url.searchParams.get(name);
    if (value === null || value === '') return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw new HttpError(400, 'BAD_REQUEST', `The ${name} parameter is not JSON.`);
    }
  };
  return {
    query: url.searchParams.get('query') ?? undefined,
    operationName: url.searchParams.get('operationName') ?? undefined,
    variables: parsed('variables'),
    extensions: parsed('extensions'),
  };
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'A subscription request is at most 1 MB.');
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'BAD_REQUEST', 'Send a JSON object { query, variables, operationName, extensions }.');
}
