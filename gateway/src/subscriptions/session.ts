// What every live subscription shares whatever its transport: the connection's credential (checked once, then again
// at the token's expiry and periodically for revocation), the per-principal limit, and the audit events of its start
// and end (with the number of events delivered).
import type http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { GraphQLError } from 'graphql';
import { ErrorCode, type Principal } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import { sha256, type AuditEventContent, type AuditSubscription, type AuditTrail } from '@cmcc/audit-trail';
import type { Authenticate } from '../auth/authenticator.ts';
import type { PreparedSubscription } from './engine.ts';

/** How often a connection's credential is checked again (an API key revoked meanwhile ends its subscriptions). */
export const RECHECK_MS = 60_000;

/** The credential a connection presented: a bearer token or an API key, as headers. */
export interface Credential {
  readonly authorization?: string;
  readonly apiKey?: string;
}

/** A connection's authenticated principal and when its token expires (ms since the epoch; null for an API key). */
export interface Authenticated {
  readonly principal: Principal;
  readonly expiresAt: number | null;
  /** Authenticates the same credential again: false once it is revoked or expired. */
  recheck(): Promise<boolean>;
}

export const tokenExpiredError = () =>
  new GraphQLError('Your token expired, so this subscription ended: sign in again and resubscribe with the last event id you received.', {
    extensions: { code: ErrorCode.UNAUTHENTICATED },
  });

export const credentialRevokedError = () =>
  new GraphQLError('Your credential is no longer accepted (revoked or expired), so this subscription ended: sign in again and resubscribe.', {
    extensions: { code: ErrorCode.UNAUTHENTICATED },
  });

/** Authenticates a credential with the gateway's own authenticator (the same checks as POST /graphql). */
export async function authenticateCredential(authenticate: Authenticate, credential: Credential, socket: unknown): Promise<Authenticated> {
  const request = {
    headers: { ...(credential.authorization ? { authorization: credential.authorization } : {}), ...(credential.apiKey ? { 'x-api-key': credential.apiKey } : {}) },
    socket,
  } as unknown as http.IncomingMessage;
  const principal = await authenticate(request);
  let expiresAt: number | null = null;
  if (!credential.apiKey && credential.authorization) {
    // Already verified by `authenticate`: only its expiry is read here.
    const exp = decodeJwt(credential.authorization.replace(/^Bearer\s+/i, '')).exp;
    expiresAt = typeof exp === 'number' ? exp * 1000 : null;
  }
  return {
    principal,
    expiresAt,
    recheck: () =>
      authenticate(request).then(
        () => expiresAt === null || expiresAt > Date.now(),
        () => false,
      ),
  };
}

/** The credential of an upgrade or stream request's headers. */
export function credentialOf(headers: http.IncomingHttpHeaders): Credential {
  const apiKey = headers['x-api-key'];
  return { authorization: headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined };
}

/**
 * Calls `onLost` once when the connection's credential expires (a timer at the token's `exp`) or fails a periodic
 * recheck; returns what stops watching.
 */
export function watchCredential(authenticated: Authenticated, onLost: (error: GraphQLError) => void): () => void {
  let done = false;
  const lose = (error: GraphQLError) => {
    if (done) return;
    stop();
    onLost(error);
  };
  const timers: NodeJS.Timeout[] = [];
  if (authenticated.expiresAt !== null) {
    // setTimeout takes at most 2^31-1 ms; a later expiry is caught by the periodic recheck.
    const delay = Math.min(Math.max(authenticated.expiresAt - Date.now(), 0), 2 ** 31 - 1);
    timers.push(setTimeout(() => lose(tokenExpiredError()), delay));
  }
  const interval = setInterval(() => {
    void authenticated.recheck().then((ok) => {
      if (!ok) lose(authenticated.expiresAt !== null && authenticated.expiresAt <= Date.now() ? tokenExpiredError() : credentialRevokedError());
    });
  }, RECHECK_MS);
  timers.push(interval);
  for (const timer of timers) timer.unref();
  function stop() {
    done = true;
    for (const timer of timers) clearTimeout(timer);
  }
  return stop;
}

/** One live subscription, from its start to its end. */
export interface Live {
  readonly id: string;
  delivered: number;
  /** Ends it once: its audit end event, its place in the principal's count. */
  finish(reason: string, error?: GraphQLError): void;
}

export interface Registry {
  /** Starts a subscription for a principal (refused with TOO_MANY_SUBSCRIPTIONS past its limit, SERVICE_UNAVAILABLE when the audit trail is full). */
  start(details: {
    prepared: PreparedSubscription;
    transport: 'ws' | 'sse';
    afterId: string | null;
    requestId: string;
    onFinish?: (reason: string, error?: GraphQLError) => void;
  }): Live;
  /** Subscriptions open now. */
  readonly size: number;
}

export function createRegistry(options: { audit: AuditTrail; maxPerPrincipal: number; logger: Logger }): Registry {
  const perPrincipal = new Map<string, number>();
  let size = 0;

  const auditEvent = (prepared: PreparedSubscription, requestId: string, subscription: AuditSubscription, startedAt: number, error?: GraphQLError): AuditEventContent => {
    const { principal } = prepared;
    const code = error ? String(error.extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR) : null;
    return {
      id: randomUUID(),
      time: new Date().toISOString(),
      requestId,
      nonce: randomBytes(16).toString('base64url'),
      principal: { subject: principal.subject, nation: principal.nation, organization: principal.organization, roles: [...principal.roles], clearance: principal.clearance },
      client: { name: null, version: null },
      operation: { name: prepared.operationName ?? prepared.operation.name?.value ?? null, type: 'subscription', hash: sha256(prepared.source), document: null },
      variables: null,
      fields: [],
      entities: [],
      subgraphs: [prepared.subgraph],
      authorization: { removed: prepared.removals.map((removal) => ({ path: removal.path.join('.'), coordinate: removal.coordinate })), withheld: [] },
      outcome: code ? { status: 'FAILED', httpStatus: 200, errorCodes: [code], errorCount: 1 } : { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
      durationMs: subscription.phase === 'end' ? Math.round(performance.now() - startedAt) : 0,
      subscription,
    };
  };

  return {
    get size() {
      return size;
    },
    start({ prepared, transport, afterId, requestId, onFinish }) {
      const subject = prepared.principal.subject;
      const held = perPrincipal.get(subject) ?? 0;
      if (held >= options.maxPerPrincipal) {
        throw new GraphQLError(`You already hold ${held} live subscriptions, the most one principal may (GATEWAY_SUBSCRIPTIONS_PER_PRINCIPAL): end one first.`, {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
        });
      }
      const admission = options.audit.admit();
      if (!admission) {
        throw new GraphQLError('The audit trail cannot keep up, so the gateway is not starting subscriptions for the moment (nothing is served unaudited). Retry shortly.', {
          extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
        });
      }
      const id = randomUUID();
      const startedAt = performance.now();
      const base = { id, transport, subgraph: prepared.subgraph, resumedAfter: afterId };
      options.audit.append(auditEvent(prepared, requestId, { phase: 'start', ...base }, startedAt), admission);
      perPrincipal.set(subject, held + 1);
      size++;
      let finished = false;
      const live: Live = {
        id,
        delivered: 0,
        finish(reason, error) {
          if (finished) return;
          finished = true;
          size--;
          const left = (perPrincipal.get(subject) ?? 1) - 1;
          if (left > 0) perPrincipal.set(subject, left);
          else perPrincipal.delete(subject);
          options.audit.append(auditEvent(prepared, requestId, { phase: 'end', ...base, delivered: live.delivered, reason }, startedAt, error));
          onFinish?.(reason, error);
        },
      };
      return live;
    },
  };
}
