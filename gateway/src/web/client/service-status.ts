/**
 * Which working groups an answer lacks, or gives from an earlier answer, read from its errors' extensions (the gateway's
 * `DOWNSTREAM_SERVICE_ERROR` with `serviceName`, and `stale: { serviceName, asOf }` when the response cache filled the
 * group's fields from its last known answer): what the explorer shows above an answer instead of leaving a reader to
 * find out from nulls. Plain functions, no DOM, shared by the browser apps.
 */

interface ErrorLike {
  message?: string;
  extensions?: { code?: unknown; serviceName?: unknown; reason?: unknown; stale?: unknown };
}

export interface ServiceStatus {
  /** Groups whose service failed for this answer and whose fields are null in it (not filled from an earlier answer). */
  readonly unavailable: readonly { serviceName: string; reason: string | null }[];
  /** Groups whose service failed and whose fields come from the last known answer, made at `asOf`. */
  readonly stale: readonly { serviceName: string; asOf: string }[];
}

/** The groups an answer (a GraphQL response body) lacks or gives stale; each group once. */
export function serviceStatusOf(result: unknown): ServiceStatus {
  const errors = (result as { errors?: ErrorLike[] } | null)?.errors;
  const unavailable = new Map<string, string | null>();
  const stale = new Map<string, string>();
  for (const error of Array.isArray(errors) ? errors : []) {
    const extensions = error?.extensions;
    if (extensions?.code !== 'DOWNSTREAM_SERVICE_ERROR' || typeof extensions.serviceName !== 'string') continue;
    const marked = extensions.stale as { serviceName?: unknown; asOf?: unknown } | undefined;
    if (marked && typeof marked.asOf === 'string') stale.set(extensions.serviceName, marked.asOf);
    else if (!unavailable.has(extensions.serviceName)) unavailable.set(extensions.serviceName, typeof extensions.reason === 'string' ? extensions.reason : null);
  }
  for (const serviceName of stale.keys()) unavailable.delete(serviceName);
  return {
    unavailable: [...unavailable].map(([serviceName, reason]) => ({ serviceName, reason })),
    stale: [...stale].map(([serviceName, asOf]) => ({ serviceName, asOf })),
  };
}

/** The status in sentences a reader acts on; none for a complete answer. */
export function describeServiceStatus(status: ServiceStatus): string[] {
  const lines: string[] = [];
  for (const { serviceName, reason } of status.unavailable) {
    lines.push(
      `The ${serviceName} working group's service is unavailable${reason ? ` (${reason.replace(/_/g, ' ')})` : ''}: its fields are empty (null) in this answer; the rest is complete.`,
    );
  }
  for (const { serviceName, asOf } of status.stale) {
    lines.push(`The ${serviceName} working group's service is unavailable: its fields show its last known answer, as of ${asOf}.`);
  }
  return lines;
}
