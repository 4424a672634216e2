import type http from 'node:http';
import { boolean, defineEnv, list, readEnv, wholeNumber, type Env } from '@cmcc/platform';
import { ErrorCode } from '@cmcc/contracts';

/**
 * Cross-origin calls from browsers (CORS): a dashboard served from another origin calls the gateway's GraphQL endpoint
 * (`POST`/`GET /graphql`, the event streams beside it, the explorer's saved operations) with a bearer token. Off unless
 * `GATEWAY_CORS_ORIGINS` lists the origins allowed, in production and in development alike (README "CORS").
 */
export interface CorsConfig {
  /** The exact origins (`scheme://host[:port]`) whose pages may call the gateway; empty: CORS is off, no CORS header at all. */
  readonly origins: readonly string[];
  /** Whether responses carry `Access-Control-Allow-Credentials: true` (requests made with `credentials: 'include'`). */
  readonly credentials: boolean;
  /** How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`), in seconds. */
  readonly maxAgeSeconds: number;
}

/** Methods a page may use: GraphQL over GET and POST (HEAD and GET are always allowed by browsers). */
export const CORS_METHODS = ['GET', 'POST'] as const;

/**
 * Request headers a page may send (lower case): the credentials (a bearer token or an API key), the JSON content type,
 * Apollo's CSRF-prevention headers (a GET must carry one), the client's name and version (audited), a claimed request
 * id, W3C trace context, and the id of the last event seen when an event stream resumes.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'traceparent',
  'tracestate',
  'last-event-id',
] as const;

/**
 * Response headers a page's script may read besides the always-readable ones (`cache-control`, `content-type`, ...):
 * the gateway's request id (to quote to an operator), `retry-after` (sent with a 503 while the audit trail is full or
 * while the gateway shuts down) and `www-authenticate` (sent with a 401).
 */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'www-authenticate'] as const;

/** Paths that never answer a browser from another origin: the operators' Prometheus scrape. */
const NOT_CROSS_ORIGIN = new Set(['/metrics']);

/** `scheme://host[:port]` exactly as browsers send it in `Origin`: lower-case host, no default port, no path, no `*`. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return !value.includes('*') && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const GATEWAY = ['gateway'];

/** The gateway's CORS settings. */
export const CORS_ENV = defineEnv({
  GATEWAY_CORS_ORIGINS: {
    description:
      'comma-separated exact origins whose browser pages may call the gateway (CORS), e.g. `https://floor.cmcc.example,http://localhost:5173`; unset: no CORS headers at all, in production and development',
    components: GATEWAY,
    defaultText: 'unset (CORS off)',
    ...list(
      isExactOrigin,
      'must list exact origins such as https://floor.cmcc.example,http://localhost:5173 (http or https, scheme://host[:port] in lower case, no path, no trailing slash, no wildcard)',
    ),
  },
  GATEWAY_CORS_CREDENTIALS: {
    description: "with `GATEWAY_CORS_ORIGINS`, whether responses allow credentials (`Access-Control-Allow-Credentials: true`, for pages that fetch with `credentials: 'include'`)",
    components: GATEWAY,
    default: 'true',
    ...boolean(),
  },
  GATEWAY_CORS_MAX_AGE_SECONDS: {
    description: "with `GATEWAY_CORS_ORIGINS`, how long a browser may reuse a preflight's answer (`Access-Control-Max-Age`; Chromium caps it at 7200)",
    components: GATEWAY,
    default: '600',
    ...wholeNumber({ max: 86_400 }),
    rule: 'must be a whole number of seconds from 0 to 86400',
  },
});

export function parseCorsConfig(env: Env, problems: string[]): CorsConfig {
  const values = readEnv(env, CORS_ENV, problems);
  return Object.freeze({
    origins: Object.freeze([...new Set(values.GATEWAY_CORS_ORIGINS ?? [])]),
    credentials: values.GATEWAY_CORS_CREDENTIALS,
    maxAgeSeconds: values.GATEWAY_CORS_MAX_AGE_SECONDS,
  });
}

/** Whether a page of `origin` may call the gateway (also for a WebSocket upgrade, which browsers do not subject to CORS). */
export function isAllowedOrigin(config: CorsConfig, origin: string | undefined): boolean {
  return origin !== undefined && config.origins.includes(origin);
}

/**
 * `handler` behind CORS for the origins of `config`, on every path it answers (GraphQL, its event streams, the explorer's
 * saved operations) except `/metrics`; `handler` itself when no origin is configured.
 *
 * A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here, before authentication, as
 * no browser sends a credential with it: 204 with the methods, headers and max age for an allowed origin; 403 with a
 * message, and no CORS header, for any other origin or for a method or header the gateway does not take. Every other
 * request goes on to `handler`: from an allowed origin its response (errors included, so the page can read a 401)
 * carries `Access-Control-Allow-Origin` with that origin, credentials and the exposed headers; from any other origin,
 * no CORS header (the browser withholds the response from the page). Every response says `Vary: Origin`.
 */
export function withCors(handler: http.RequestListener, config: CorsConfig): http.RequestListener {
  if (config.origins.length === 0) return handler;
  const allowedHeaders = new Set<string>(CORS_ALLOWED_HEADERS);
  return (request, response) => {
    const pathname = (request.url ?? '/').split('?')[0];
    if (NOT_CROSS_ORIGIN.has(pathname)) return handler(request, response);
    varyOnOrigin(response);
    const origin = header(request, 'origin');
    const allowed = isAllowedOrigin(config, origin);
    const requestedMethod = header(request, 'access-control-request-method');
    if (request.method === 'OPTIONS' && origin !== undefined && requestedMethod !== undefined) {
      if (!allowed)
        return refusePreflight(response, `Origin ${origin} may not call this gateway from a browser: it is not among the origins the gateway allows (GATEWAY_CORS_ORIGINS)`);
      const method = requestedMethod.trim().toUpperCase();
      if (method !== 'HEAD' && !(CORS_METHODS as readonly string[]).includes(method)) {
        return refusePreflight(response, `Method ${requestedMethod} is not allowed from another origin; the gateway takes ${CORS_METHODS.join(' and ')}`);
      }
      const unknown = (header(request, 'access-control-request-headers') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '' && !allowedHeaders.has(name));
      if (unknown.length > 0) {
        return refusePreflight(
          response,
          `Header${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} may not be sent from another origin; allowed: ${CORS_ALLOWED_HEADERS.join(', ')}`,
        );
      }
      allowOrigin(response, origin as string, config);
      response.setHeader('access-control-allow-methods', CORS_METHODS.join(', '));
      response.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
      response.setHeader('access-control-max-age', String(config.maxAgeSeconds));
      response.statusCode = 204;
      return void response.end();
    }
    if (allowed) {
      allowOrigin(response, origin as string, config);
      response.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    }
    return handler(request, response);
  };
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function allowOrigin(response: http.ServerResponse, origin: string, config: CorsConfig): void {
  response.setHeader('access-control-allow-origin', origin);
  if (config.credentials) response.setHeader('access-control-allow-credentials', 'true');
}

function refusePreflight(response: http.ServerResponse, message: string): void {
  response.statusCode = 403;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.FORBIDDEN } }] }));
}

/**
 * `Vary: Origin` on the response whatever the handler sets: added to its own `Vary` (the explorer's `accept-encoding`,
 * for instance) when the head is written, since answers differ by origin and a shared cache must not mix them.
 */
function varyOnOrigin(response: http.ServerResponse): void {
  const writeHead = response.writeHead;
  response.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    const current = this.getHeader('vary');
    const values = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    if (!values.some((value) => value === '*' || value.toLowerCase() === 'origin')) {
      if (!this.headersSent) this.setHeader('vary', [...values, 'Origin'].join(', '));
    }
    return (writeHead as (...rest: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof response.writeHead;
}
