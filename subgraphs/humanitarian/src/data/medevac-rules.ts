/**
 * The rules a medical evacuation obeys, whether written by `recordMedicalEvacuation`, imported or seeded: no data
 * that names the patient, the MEDICAL caveat on every record, dates in order, and a route that matches the crossings'
 * real history (docs/domain.md, humanitarian):
 *
 * - Rafah: closed from May 2024, except 1 Feb to 18 Mar 2025 (WHO-supervised medical evacuations under the January
 *   2025 ceasefire); closed through the first months of the October 2025 ceasefire; reopened for limited movement of
 *   people on 2 Feb 2026; closed again on 28 Feb 2026.
 * - While Rafah was closed, medical evacuations left through Kerem Shalom and went on through Israel (over Allenby to
 *   Jordan, or by air). "Via Rafah" is possible only on a day Rafah was open.
 *
 * Before May 2024 the domain records nothing about Rafah, so an evacuation before then is not judged on its crossing.
 */

/** The caveat every medical evacuation carries: only principals cleared for MEDICAL read them. */
export const MEDICAL_CAVEAT = 'MEDICAL';

export const MEDEVAC_STATUSES = ['REQUESTED', 'APPROVED', 'DENIED', 'EVACUATED', 'DIED_WAITING'] as const;
export const MEDEVAC_PRIORITIES = ['CRITICAL', 'URGENT', 'ROUTINE'] as const;
export const CONDITION_CATEGORIES = ['TRAUMA', 'CANCER', 'CARDIOVASCULAR', 'KIDNEY_FAILURE', 'NEUROLOGICAL', 'CONGENITAL', 'OTHER_CHRONIC', 'OTHER'] as const;
export const ONWARD_ROUTES = ['VIA_EGYPT', 'ALLENBY_TO_JORDAN', 'BY_AIR_FROM_ISRAEL'] as const;
/** The crossings medical evacuations leave the Strip through (docs/domain.md names Rafah and Kerem Shalom). */
export const MEDEVAC_CROSSINGS = ['RAFAH', 'KEREM_SHALOM'] as const;

export type MedevacStatus = (typeof MEDEVAC_STATUSES)[number];

/** The days Rafah was open from May 2024 on, first and last day inclusive. */
export const RAFAH_OPEN_PERIODS: readonly { from: string; until: string; note: string }[] = Object.freeze([
  { from: '2025-02-01', until: '2025-03-18', note: 'WHO-supervised medical evacuations under the January 2025 ceasefire' },
  { from: '2026-02-02', until: '2026-02-27', note: 'reopened for limited movement of people; closed again on 28 Feb 2026' },
]);
/** From this day on Rafah is closed except in `RAFAH_OPEN_PERIODS`; before it the domain records nothing. */
export const RAFAH_CLOSED_FROM = '2024-05-01';

/**
 * Whether Rafah was open on a day (`YYYY-MM-DD`): true in one of the open periods, false on every other day from May
 * 2024, and null (not known here) before May 2024.
 */
export function rafahOpenOn(day: string): boolean | null {
  if (day < RAFAH_CLOSED_FROM) return null;
  return RAFAH_OPEN_PERIODS.some((period) => day >= period.from && day <= period.until);
}

/** Which way the patient went on after the last crossing, by that crossing. */
const ONWARD_BY_CROSSING: Record<string, readonly string[]> = {
  RAFAH: ['VIA_EGYPT'],
  KEREM_SHALOM: ['ALLENBY_TO_JORDAN', 'BY_AIR_FROM_ISRAEL'],
};

/** What moves a case on: a final status (DENIED, EVACUATED, DIED_WAITING) never changes again. */
const TRANSITIONS: Record<MedevacStatus, readonly MedevacStatus[]> = {
  REQUESTED: ['REQUESTED', 'APPROVED', 'DENIED', 'DIED_WAITING'],
  APPROVED: ['APPROVED', 'EVACUATED', 'DENIED', 'DIED_WAITING'],
  DENIED: ['DENIED'],
  EVACUATED: ['EVACUATED'],
  DIED_WAITING: ['DIED_WAITING'],
};

/** Why a case may not go from `from` to `to`; null when it may. */
export function medevacTransitionProblem(from: MedevacStatus, to: MedevacStatus): string | null {
  if (TRANSITIONS[from].includes(to)) return null;
  return `A ${from} case cannot become ${to}${['DENIED', 'EVACUATED', 'DIED_WAITING'].includes(from) ? `: ${from} is final; a new request is a new case` : ''}`;
}

/** A medical evacuation's facts as the rules see them (stored column names). */
export interface MedevacFacts {
  case_reference: string | null;
  status: string | null;
  requested_on: string | null;
  decided_on: string | null;
  evacuated_on: string | null;
  route_crossing_ids: string[];
  onward_route: string | null;
  destination_country: string | null;
  caveats: string[];
}

export interface MedevacProblem {
  column: keyof MedevacFacts | 'area_pcode';
  message: string;
}

/**
 * A case reference is the originator's pseudonym for the case: letters, digits and dashes, beginning with a letter.
 * Nine digits in a row could be a Palestinian ID number or a phone number, so they are refused.
 */
export function caseReferenceProblem(reference: string): string | null {
  if (!/^[A-Z][A-Z0-9-]{2,39}$/.test(reference)) {
    return 'A case reference is 3 to 40 capital letters, digits and dashes, beginning with a letter (e.g. WHO-MEDEVAC-2025-0042); never a name';
  }
  if (/\d{9,}/.test(reference.replace(/-/g, ''))) {
    return 'A case reference must not hold nine or more digits in a row (an ID card or phone number): use a pseudonymous reference';
  }
  return null;
}

/** Every way a case breaks the rules above; `today` is the last day a date may be. */
export function medevacProblems(facts: MedevacFacts, today: string): MedevacProblem[] {
  const problems: MedevacProblem[] = [];
  const add = (column: MedevacProblem['column'], message: string) => problems.push({ column, message });
  if (!facts.caveats.includes(MEDICAL_CAVEAT)) add('caveats', 'A medical evacuation is health data: its marking must carry the caveat MEDICAL');
  if (facts.case_reference !== null) {
    const problem = caseReferenceProblem(facts.case_reference);
    if (problem) add('case_reference', problem);
  }
  for (const column of ['requested_on', 'decided_on', 'evacuated_on'] as const) {
    const day = facts[column];
    if (day && day > today) add(column, `${day} is still to come: a date is recorded once it has happened`);
  }
  if (facts.decided_on && facts.requested_on && facts.decided_on < facts.requested_on) add('decided_on', `The decision cannot come before the request (${facts.requested_on})`);
  if (facts.evacuated_on && facts.decided_on && facts.evacuated_on < facts.decided_on) add('evacuated_on', `The evacuation cannot come before the approval (${facts.decided_on})`);

  const status = facts.status;
  const decided = status === 'APPROVED' || status === 'DENIED' || status === 'EVACUATED';
  if (decided && !facts.decided_on) add('decided_on', `A ${status} case needs the day it was ${status === 'DENIED' ? 'denied' : 'approved'}`);
  if (status === 'REQUESTED' && facts.decided_on) add('decided_on', 'A REQUESTED case has not been decided: leave the decision day out');
  if (status !== 'EVACUATED') {
    if (facts.evacuated_on) add('evacuated_on', `Only an EVACUATED case has an evacuation day; this one is ${status}`);
    if (facts.route_crossing_ids.length > 0) add('route_crossing_ids', `The route is the one taken: only an EVACUATED case has one; this one is ${status}`);
    if (facts.onward_route) add('onward_route', `The onward route is the one taken: only an EVACUATED case has one; this one is ${status}`);
    return problems;
  }

  if (!facts.evacuated_on) add('evacuated_on', 'An EVACUATED case needs the day it left the Strip');
  if (!facts.destination_country) add('destination_country', 'An EVACUATED case needs its destination country');
  const route = facts.route_crossing_ids;
  if (route.length === 0) add('route_crossing_ids', 'An EVACUATED case needs the crossing(s) it left through');
  route.forEach((crossing, index) => {
    if (route.indexOf(crossing) !== index) add('route_crossing_ids', `${crossing} is named twice in the route`);
    if (!(MEDEVAC_CROSSINGS as readonly string[]).includes(crossing)) {
      add('route_crossing_ids', `Medical evacuations leave through ${MEDEVAC_CROSSINGS.join(' or ')}, not ${crossing}`);
    }
  });
  const day = facts.evacuated_on;
  if (day && route.includes('RAFAH') && rafahOpenOn(day) === false) {
    add(
      'route_crossing_ids',
      `Rafah was closed on ${day} (closed from May 2024 except 1 Feb-18 Mar 2025 and 2-27 Feb 2026): evacuations then left through Kerem Shalom and on through Israel`,
    );
  }
  const last = route.at(-1);
  if (!facts.onward_route) {
    add('onward_route', 'An EVACUATED case needs the way it went on after the crossing (VIA_EGYPT, ALLENBY_TO_JORDAN or BY_AIR_FROM_ISRAEL)');
  } else if (last && ONWARD_BY_CROSSING[last] && !ONWARD_BY_CROSSING[last].includes(facts.onward_route)) {
    add('onward_route', `After ${last} an evacuation goes on ${ONWARD_BY_CROSSING[last].join(' or ')}, not ${facts.onward_route}`);
  }
  return problems;
}

/** The record id of a case: one per originator and case reference, so no originator can collide with another's case. */
export const medevacId = (originator: string, caseReference: string) => `MEDEVAC-${originator}-${caseReference}`;
