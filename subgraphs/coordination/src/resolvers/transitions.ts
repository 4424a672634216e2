/**
 * The lifecycle of a coordination request. A request is OPEN when raised, IN_PROGRESS once a working group takes it
 * up, and ends RESOLVED, REJECTED (by a decision) or WITHDRAWN (by the participant that raised it). The three ends are
 * final: a new attempt is a new request, so the record of the old one stays as it was.
 */
export type RequestStatus = 'OPEN' | 'IN_PROGRESS' | 'RESOLVED' | 'REJECTED' | 'WITHDRAWN';

export const REQUEST_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = Object.freeze({
  OPEN: ['IN_PROGRESS', 'RESOLVED', 'REJECTED', 'WITHDRAWN'],
  IN_PROGRESS: ['RESOLVED', 'REJECTED', 'WITHDRAWN'],
  RESOLVED: [],
  REJECTED: [],
  WITHDRAWN: [],
});

export const FINAL_STATUSES: readonly RequestStatus[] = ['RESOLVED', 'REJECTED', 'WITHDRAWN'];

/**
 * Why `action` (e.g. "resolved", "assigned") cannot be done to a request in status `from`, moving it to `to` (or
 * leaving its status when `to` is `from`); null when it can.
 */
export function requestTransitionProblem(from: RequestStatus, to: RequestStatus, action: string): string | null {
  if (FINAL_STATUSES.includes(from)) {
    return `A ${from} request cannot be ${action}: ${from} is final. Raise a new request (raiseCoordinationRequest) if help is still needed.`;
  }
  if (from === to || REQUEST_TRANSITIONS[from].includes(to)) return null;
  return `A ${from} request cannot become ${to}; from ${from} it can only become ${REQUEST_TRANSITIONS[from].join(' or ')}.`;
}
