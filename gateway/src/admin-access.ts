import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { RawRoute } from '@cmcc/platform';
import { ErrorCode } from '@cmcc/contracts';
import { NOT_AUTHENTICATED } from './auth/authenticator.ts';

/** Who may read the operator routes (/metrics, /explorer/operations.json): part of GatewayConfig. */
export interface AdminAccess {
  /** METRICS_TOKEN: when set, these routes need `Authorization: Bearer <token>`, from any address. */
  readonly token: string | undefined;
  /**
   * Without a token, whether a caller on the gateway's own machine (loopback) may read them: true in development
   * (`npm start`), false when NODE_ENV=production or GATEWAY_ADMIN_LOOPBACK=false. A reverse proxy on the same machine makes
   * every caller look local, so production relies on the token alone.
   */
  readonly openOnLoopback: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function refuse(response: http.ServerResponse, status: 401 | 403): void {
  response.statusCode = status;
  if (status === 401) response.setHeader('www-authenticate', 'Bearer');
  response.setHeader('content-type', 'application/json; charset=utf-8');
  const error =
    status === 401 ? { message: NOT_AUTHENTICATED, extensions: { code: ErrorCode.UNAUTHENTICATED } } : { message: 'Not allowed.', extensions: { code: ErrorCode.FORBIDDEN } };
  response.end(JSON.stringify({ errors: [error] }));
}

/**
 * An operator route behind `access`: with a token configured, 401 without it; without one, 403 to any caller but a
 * loopback one (and to every caller when loopback is not open). `alsoAllow` admits other callers (a principal the
 * gateway authenticates, for the explorer's saved operations). The bodies say which status, never which check.
 */
export function guardAdminRoute(route: RawRoute, access: AdminAccess, alsoAllow?: (request: http.IncomingMessage) => Promise<boolean>): RawRoute {
  const expected = access.token ? Buffer.from(`Bearer ${access.token}`) : null;
  return async (request, response, url) => {
    if (alsoAllow && (await alsoAllow(request))) return route(request, response, url);
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(response, 401);
    } else if (!access.openOnLoopback || !LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      return refuse(response, 403);
    }
    return route(request, response, url);
  };
}

/**
 * `routes` with the operator routes among them guarded (`adminPaths`, with what else each admits); the others as they
 * are.
 */
export function guardAdminRoutes(
  routes: Record<string, RawRoute>,
  adminPaths: Readonly<Record<string, ((request: http.IncomingMessage) => Promise<boolean>) | null>>,
  access: AdminAccess,
): Record<string, RawRoute> {
  return Object.fromEntries(Object.entries(routes).map(([path, route]) => [path, path in adminPaths ? guardAdminRoute(route, access, adminPaths[path] ?? undefined) : route]));
}
