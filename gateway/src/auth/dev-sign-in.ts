/**
 * Development sign-in for the browser apps (the explorer's and the floor's role picker): the development principals of
 * dev-keys.ts, and a short-lived token for one of them, signed with the development key. Only where that key is what
 * the gateway trusts (no identity provider configured) and not in production, and only for callers on the gateway's
 * own machine: anyone who can reach these routes can act as any development principal.
 */
import type http from 'node:http';
import { ErrorCode } from '@cmcc/contracts';
import type { RawRoute } from '@cmcc/platform';
import { DEV_PRINCIPALS, signDevToken } from './dev-keys.ts';

/** The routes' common base, which the apps' pages are told (their role pickers add `/principals` and `/token`). */
export const DEV_SIGN_IN_BASE = '/auth/dev';
export const DEV_SIGN_IN_PATHS = Object.freeze({ principals: `${DEV_SIGN_IN_BASE}/principals`, token: `${DEV_SIGN_IN_BASE}/token` });
/** Long enough for a session at the wall screen, short enough that a copied token soon stops working. */
const DEV_TOKEN_LIFETIME = '2h';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  // A token must not be kept by a cache or shown to another page.
  response.setHeader('cache-control', 'no-store');
  response.setHeader('x-content-type-options', 'nosniff');
  response.end(JSON.stringify(body));
}

function refuseRemote(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (LOOPBACK.has(request.socket.remoteAddress ?? '')) return false;
  json(response, 403, {
    errors: [
      { message: 'Development sign-in answers only callers on the gateway’s own machine; paste a token instead (npm run token).', extensions: { code: ErrorCode.FORBIDDEN } },
    ],
  });
  return true;
}

/** The routes, or none when `enabled` is false (an identity provider is configured, or NODE_ENV=production). */
export function createDevSignInRoutes(options: { enabled: boolean; dataDir: string }): Record<string, RawRoute> {
  if (!options.enabled) return {};
  return {
    [DEV_SIGN_IN_PATHS.principals]: async (request, response) => {
      if (refuseRemote(request, response)) return;
      json(response, 200, { principals: Object.entries(DEV_PRINCIPALS).map(([name, claims]) => ({ name, claims })) });
    },
    [DEV_SIGN_IN_PATHS.token]: async (request, response, url) => {
      if (refuseRemote(request, response)) return;
      const name = url.searchParams.get('as') ?? '';
      const claims = Object.hasOwn(DEV_PRINCIPALS, name) ? DEV_PRINCIPALS[name] : undefined;
      if (!claims) {
        return json(response, 400, {
          errors: [
            {
              message: `No development principal "${name}"; ask for one of: ${Object.keys(DEV_PRINCIPALS).join(', ')} (?as=<name>)`,
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            },
          ],
        });
      }
      json(response, 200, { principal: name, token: await signDevToken(options.dataDir, { ...claims }, DEV_TOKEN_LIFETIME) });
    },
  };
}
