/**
 * The NATO Admiralty code (AJP-2.1). Reliability is stored as its letter; credibility as its digit, exposed by name.
 * F ("cannot be judged") is not a degree of reliability, so a minimum reliability of A-E never includes it.
 */
export const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type Reliability = (typeof RELIABILITY)[number];

export const CREDIBILITY = ['CONFIRMED', 'PROBABLY_TRUE', 'POSSIBLY_TRUE', 'DOUBTFUL', 'IMPROBABLE', 'CANNOT_BE_JUDGED'] as const;
export type Credibility = (typeof CREDIBILITY)[number];

export const credibilityDigit = (credibility: Credibility): number => CREDIBILITY.indexOf(credibility) + 1;
export const credibilityOf = (digit: number): Credibility => CREDIBILITY[digit - 1];

/** The letters at least as reliable as `minimum`: `B` gives A and B; `F` gives F only. */
export function reliabilityAtLeast(minimum: Reliability): Reliability[] {
  return minimum === 'F' ? ['F'] : RELIABILITY.slice(0, RELIABILITY.indexOf(minimum) + 1);
}
