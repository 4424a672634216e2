import { HttpError } from '@cmcc/platform';
import type { Authenticate } from '../auth/authenticator.ts';
import type { RefusalAuditor } from '../audit/refusals.ts';
import type { RequestRateLimiter } from '../limits/rate-limit.ts';
import type { Stage } from './stage.ts';

/**
 * Who is calling (gateway/src/auth/): a bearer token or an API key, checked in the HTTP layer before the body is read,
 * so an unauthenticated caller gets HTTP 401 and costs the gateway no parsing. The principal it gives is the context
 * of every later stage. Then the principal's request rate (gateway/src/limits/rate-limit.ts): over GATEWAY_RATE_LIMIT
 * in the window, HTTP 429 with Retry-After, before the body is read either; the first such refusal of each principal
 * in each window is audited (`refusals`, gateway/src/audit/refusals.ts). A 401 is never audited: unauthenticated
 * traffic must not fill the trail (the authenticator's log and metrics hold it).
 */
export function authenticateStage(authenticate: Authenticate, rateLimiter?: RequestRateLimiter, refusals?: RefusalAuditor): Stage {
  const limited: Authenticate = rateLimiter?.enabled
    ? async (request) => {
        const principal = await authenticate(request);
        try {
          await rateLimiter.consume(principal.subject);
        } catch (error) {
          if (error instanceof HttpError && error.status === 429) refusals?.refused(request, principal, error);
          throw error;
        }
        return principal;
      }
    : authenticate;
  return {
    name: 'authenticate',
    does: 'verifies the bearer token or API key (HTTP 401 otherwise) and gives the principal; refuses a principal over its request rate (HTTP 429)',
    http: { authenticate: limited },
  };
}
