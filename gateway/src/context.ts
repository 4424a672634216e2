import type { BaseContext } from '@apollo/server';
import type { Principal } from '@cmcc/contracts';
import type { StoredAnswer } from './cache/response-cache.ts';

/** What the gateway's plugins and data sources know about a request. */
export interface GatewayContext extends BaseContext {
  readonly requestId: string;
  readonly principal: Principal;
  /**
   * This request's box for a response-cache hit's stored answer bytes, which the HTTP layer sends (see
   * gateway/src/cache/response-cache.ts). An object, so it stays the same through Apollo Server's copy of the context.
   */
  readonly storedAnswer?: StoredAnswer;
}
