/**
 * The lifecycles of convoys and truck consignments: which changes of status (or stage) are possible. A change not
 * listed is refused with a message that says why and what to do instead.
 */

export type ConvoyStatus = 'REQUESTED' | 'FACILITATED' | 'IMPEDED' | 'DENIED' | 'CANCELLED_BY_ORGANIZER';
export type ConsignmentStage = 'OFFLOADED' | 'COLLECTED' | 'INTERCEPTED_PEACEFUL' | 'INTERCEPTED_FORCIBLE' | 'DELIVERED';

/**
 * A request is decided once: facilitated, impeded, denied or cancelled. A facilitated convoy may still be held up on
 * the way (IMPEDED), and an impeded one may get through after all (FACILITATED) or be called off by its organiser.
 * DENIED and CANCELLED_BY_ORGANIZER are final: a new attempt is a new request, so the record of the refusal stays.
 */
export const CONVOY_TRANSITIONS: Readonly<Record<ConvoyStatus, readonly ConvoyStatus[]>> = Object.freeze({
  REQUESTED: ['FACILITATED', 'IMPEDED', 'DENIED', 'CANCELLED_BY_ORGANIZER'],
  FACILITATED: ['IMPEDED'],
  IMPEDED: ['FACILITATED', 'CANCELLED_BY_ORGANIZER'],
  DENIED: [],
  CANCELLED_BY_ORGANIZER: [],
});

/**
 * UN 2720 stages only move forward: a load offloaded at the crossing is collected, then delivered; it can be
 * intercepted (peacefully or by force) while it waits at the crossing or on the way. Delivered and intercepted loads
 * are final.
 */
export const CONSIGNMENT_TRANSITIONS: Readonly<Record<ConsignmentStage, readonly ConsignmentStage[]>> = Object.freeze({
  OFFLOADED: ['COLLECTED', 'INTERCEPTED_PEACEFUL', 'INTERCEPTED_FORCIBLE'],
  COLLECTED: ['DELIVERED', 'INTERCEPTED_PEACEFUL', 'INTERCEPTED_FORCIBLE'],
  INTERCEPTED_PEACEFUL: [],
  INTERCEPTED_FORCIBLE: [],
  DELIVERED: [],
});

const list = (values: readonly string[]) => values.join(' or ');

/** Why a convoy cannot go from `from` to `to`; null when it can (staying in the same status is not a transition). */
export function convoyTransitionProblem(from: ConvoyStatus, to: ConvoyStatus): string | null {
  if (from === to) return null;
  const next = CONVOY_TRANSITIONS[from];
  if (next.includes(to)) return null;
  if (next.length === 0) {
    return `A ${from} convoy cannot become ${to}: ${from} is final. To try again, request a new convoy (requestConvoy); the record of this one stays as it is.`;
  }
  return `A ${from} convoy cannot become ${to}; from ${from} it can only become ${list(next)}.`;
}

/** Why a consignment cannot move from `from` to `to`; null when it can. */
export function consignmentTransitionProblem(from: ConsignmentStage, to: ConsignmentStage): string | null {
  const next = CONSIGNMENT_TRANSITIONS[from];
  if (next.includes(to)) return null;
  if (from === to) return `The consignment is already at stage ${from}; record only the next stage it reaches.`;
  if (next.length === 0) return `The consignment is at stage ${from}, which is final: UN 2720 stages only move forward.`;
  if (to === 'DELIVERED') return `A consignment at stage ${from} must be COLLECTED before it can be DELIVERED; from ${from} it can only move to ${list(next)}.`;
  return `UN 2720 stages only move forward: from ${from} a consignment can only move to ${list(next)}, not ${to}.`;
}
