import type { Principal } from '@cmcc/contracts';

/** How long a verified token is trusted without verifying its signature again, at most (and never past its `exp`). */
const REVERIFY_AFTER_MS = 60_000;
const MAX_TOKENS = 10_000;

/**
 * Bearer tokens already verified, by their exact text: a dashboard polling with one token is verified once a minute
 * instead of once per request (an ES256 verification per request is a visible share of a cached response's cost).
 * Only successful verifications are kept, each until the token's own expiry or a minute, whichever comes first, so a
 * key withdrawn from the identity provider's JWKS stops being honoured within a minute. Bounded; oldest dropped first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** `expiresAt`: the token's `exp`, in seconds since the epoch. */
  set(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    const until = Math.min(expiresAt * 1000, now + REVERIFY_AFTER_MS);
    if (until <= now) return;
    if (this.entries.size >= MAX_TOKENS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal, until });
  }
}
