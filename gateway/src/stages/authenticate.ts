import type { Authenticate } from '../auth/authenticator.ts';
import type { Stage } from './stage.ts';

/**
 * Who is calling (gateway/src/auth/): a bearer token or an API key, checked in the HTTP layer before the body is read,
 * so an unauthenticated caller gets HTTP 401 and costs the gateway no parsing. The principal it gives is the context
 * of every later stage.
 */
export function authenticateStage(authenticate: Authenticate): Stage {
  return { name: 'authenticate', does: 'verifies the bearer token or API key (HTTP 401 otherwise) and gives the principal', http: { authenticate } };
}
