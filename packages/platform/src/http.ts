import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './logger.ts';
import { assertNesting, decodeUtf8 } from './request-limits.ts';
import { HttpError } from './http-error.ts';

/** A plain JSON endpoint next to GraphQL, such as `/health`. */
export type JsonRoute = (request: http.IncomingMessage) => Promise<{ status: number; body: unknown }>;

/** An endpoint that writes its own response (status, headers, body), e.g. an HTML page or a script. */
export type RawRoute = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => Promise<void>;

export interface GraphQLHttpOptions<TContext extends BaseContext, TAuth = undefined> {
  apollo: ApolloServer<TContext>;
  /**
   * Decides who is calling before any GraphQL work; throws `HttpError` (401) to refuse. Its result reaches `context`.
   * JSON routes (health, readiness) are not authenticated.
   */
  authenticate?: (request: http.IncomingMessage) => Promise<TAuth>;
  /** Builds the per-request context; receives the request id given to (or generated for) the request. */
  context: (request: http.IncomingMessage, requestId: string, auth: TAuth) => Promise<TContext>;
  /** Extra routes by path, e.g. `{ '/health': ... }`. */
  routes?: Record<string, JsonRoute>;
  /**
   * Routes that answer GET and HEAD with a response of their own making (HTML, scripts, styles), by exact path, or by
   * prefix when the key ends in `/*` (`'/assets/*'` answers `/assets/app.js`). Not authenticated, like `routes`.
   */
  rawRoutes?: Record<string, RawRoute>;
  logger: Logger;
  /**
   * Last word on a complete response body, with the request's context: returns the bytes to send instead (the gateway
   * sends a cached answer's stored bytes there rather than serialising it again), or the body unchanged.
   */
  completeBody?: (context: TContext, body: string) => string | Buffer;
  /** Largest request body accepted, in bytes; larger bodies get HTTP 413. */
  maxBodyBytes?: number;
  graphqlPath?: string;
  /**
   * Whether a well-formed `x-request-id` from the caller becomes the request's id (default true: a subgraph keeps the
   * gateway's id). The gateway sets false: a client's id is only a claim, so it makes its own.
   */
  requestIdFromCaller?: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 1_000_000;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const requestIds = new WeakMap<http.IncomingMessage, string>();

/** The request id given to (or generated for) a request, for log lines written outside its GraphQL context. */
export function requestIdOf(request: http.IncomingMessage): string | undefined {
  return requestIds.get(request);
}

export { HttpError } from './http-error.ts';

/**
 * A small Node `http` integration for Apollo Server: GraphQL at one path, JSON routes beside it, a body size
 * limit, and a request id (`x-request-id`, taken from the caller when well-formed) on every response.
 */
export function createGraphQLHandler<TContext extends BaseContext, TAuth = undefined>(options: GraphQLHttpOptions<TContext, TAuth>): http.RequestListener {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request, response) => {
    const given = request.headers['x-request-id'];
    const requestId = options.requestIdFromCaller !== false && typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(request, requestId);
    response.setHeader('x-request-id', requestId);
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const route = options.routes?.[url.pathname];
      if (route && request.method === 'GET') {
        const { status, body } = await route(request);
        return sendJson(response, status, body);
      }
      const rawRoute = request.method === 'GET' || request.method === 'HEAD' ? findRawRoute(options.rawRoutes, url.pathname) : undefined;
      if (rawRoute) return await rawRoute(request, response, url);
      if (url.pathname !== graphqlPath) {
        throw new HttpError(404, 'NOT_FOUND', `No endpoint at ${url.pathname}; GraphQL is served at ${graphqlPath}`);
      }
      const auth = (options.authenticate ? await options.authenticate(request) : undefined) as TAuth;
      const body = request.method === 'POST' ? await readJsonBody(request, maxBodyBytes) : undefined;
      const query = request.method === 'POST' ? (body as { query?: unknown } | undefined)?.query : url.searchParams.get('query');
      if (typeof query === 'string') assertNesting(query, 'query');
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      let contextValue: TContext | undefined;
      const result = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
        context: async () => (contextValue = await options.context(request, requestId, auth)),
      });
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(options.completeBody && contextValue ? options.completeBody(contextValue, result.body.string) : result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) response.write(chunk);
        response.end();
      }
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 401) response.setHeader('www-authenticate', 'Bearer');
        for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
        return sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      options.logger.error({ err: error, requestId }, 'request failed');
      sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
    }
  };
}

function findRawRoute(routes: Record<string, RawRoute> | undefined, pathname: string): RawRoute | undefined {
  if (!routes) return undefined;
  if (Object.hasOwn(routes, pathname)) return routes[pathname];
  let found: { prefix: string; route: RawRoute } | undefined;
  for (const [key, route] of Object.entries(routes)) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (pathname.startsWith(prefix) && pathname.length > prefix.length && (!found || prefix.length > found.prefix.length)) found = { prefix, route };
  }
  return found?.route;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

async function readJsonBody(request: http.IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      request.destroy();
      throw tooLarge(maxBodyBytes);
    }
    chunks.push(chunk);
  }
  const text = decodeUtf8(Buffer.concat(chunks));
  const contentType = request.headers['content-type'] ?? '';
  // Non-JSON bodies go to Apollo Server as they are; its CSRF prevention and content-type checks answer them.
  if (!contentType.includes('json')) return text;
  if (text.trim() === '') throw new HttpError(400, 'BAD_REQUEST', 'The request body is empty; send a JSON object with "query"');
  assertNesting(text, 'body');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON');
  }
}

function tooLarge(maxBodyBytes: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${maxBodyBytes} bytes`);
}

/** Listens on `port` (0 picks a free one) and resolves with the server and its base URL. */
export async function listen(handler: http.RequestListener, port: number, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  // Dashboards poll over keep-alive; keep idle sockets a little longer than common proxies do.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { server, url: `http://${shownHost}:${address.port}` };
}

/**
 * Stops taking connections and resolves once open requests have finished, for tests and tools (a service's own
 * shutdown drains with `ShutdownGate`). Connections left idle are closed as they appear, and after `graceMs` every
 * connection still open is closed: a socket a client opened and never sent a request on (an aborted fetch) would
 * otherwise hold the server until Node's `headersTimeout`, 60 s.
 */
export function close(server: http.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
