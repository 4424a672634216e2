import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ErrorCode, type Principal } from '@cmcc/contracts';
import { requestIdOf, type HttpError, type Logger } from '@cmcc/platform';
import type { AuditEventContent, AuditTrail } from '@cmcc/audit-trail';

/** The longest client-sent request id kept (as claimed), as for every other event. */
const MAX_CLAIMED = 128;
/** Principals remembered at once; past this, those whose window is over are forgotten first. */
const MAX_REMEMBERED = 10_000;

/**
 * Audits requests refused in the HTTP layer for a principal that authenticated: HTTP 429 (`RATE_LIMITED`, the principal
 * over its request rate), before the body is read. Bounded so that a principal hammering the gateway cannot fill the
 * trail: the first refusal of each principal in each rate-limit window is an event, later ones in the same window are
 * only counted (`cmcc_http_requests_total{status="429"}` and the gateway's log). A refusal finds no room when the audit
 * buffer is full: it is then not recorded (it served nothing) rather than refused twice. Unauthenticated requests
 * (HTTP 401) are never audited: the authenticator's log and metrics hold them.
 */
export class RefusalAuditor {
  private readonly windows = new Map<string, number>();

  constructor(
    private readonly trail: AuditTrail,
    private readonly windowMs: number,
    private readonly logger: Logger,
  ) {}

  /** Records the refusal when it is the principal's first of the window; returns whether it did. */
  refused(request: http.IncomingMessage, principal: Principal, error: HttpError, now = Date.now()): boolean {
    const started = this.windows.get(principal.subject);
    if (started !== undefined && now - started < this.windowMs) return false;
    this.remember(principal.subject, now);
    const admission = this.trail.admit();
    if (!admission) return false;
    this.trail.append(refusalEvent(request, principal, error, now), admission);
    this.logger.debug({ requestId: requestIdOf(request), subject: principal.subject, status: error.status }, 'audit: refusal recorded (first of its window for this principal)');
    return true;
  }

  private remember(subject: string, now: number): void {
    this.windows.delete(subject);
    this.windows.set(subject, now);
    if (this.windows.size <= MAX_REMEMBERED) return;
    for (const [other, started] of this.windows) {
      if (this.windows.size <= MAX_REMEMBERED) break;
      if (now - started >= this.windowMs || this.windows.size > 2 * MAX_REMEMBERED) this.windows.delete(other);
    }
  }
}

/** The event of a request refused before GraphQL: who, when, the refusal; no operation was read. */
function refusalEvent(request: http.IncomingMessage, principal: Principal, error: HttpError, now: number): AuditEventContent {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : null;
  };
  return {
    id: randomUUID(),
    time: new Date(now).toISOString(),
    requestId: requestIdOf(request) ?? null,
    claimedRequestId: header('x-request-id')?.slice(0, MAX_CLAIMED) ?? null,
    nonce: randomBytes(16).toString('base64url'),
    principal: { subject: principal.subject, nation: principal.nation, organization: principal.organization, roles: [...principal.roles], clearance: principal.clearance },
    client: { name: header('apollographql-client-name'), version: header('apollographql-client-version') },
    operation: { name: null, type: null, hash: null, document: null },
    variables: null,
    fields: [],
    entities: [],
    subgraphs: [],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'FAILED', httpStatus: error.status, errorCodes: [error.code || ErrorCode.INTERNAL_SERVER_ERROR], errorCount: 1 },
    durationMs: 0,
    // Nothing was read: no record to describe, but (as for every error) the markings are not claimed complete.
    markings: { complete: false, records: [] },
  };
}
