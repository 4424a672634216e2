import { GraphQLError } from 'graphql';
import { ErrorCode, CLASSIFICATIONS, TLPS, type AccessMarking, type Principal } from '@cmcc/contracts';

/**
 * The writing rule of the releasability model, version 2, in one place:
 *
 * - A writer creates a record only with itself (its nation or its organisation) as originator, and at a
 *   classification no higher than its own clearance.
 * - Only the originator may relax a marking; anyone allowed to edit the record may tighten it. The order:
 *   - classification: `UNCLASSIFIED < RESTRICTED < CONFIDENTIAL < SECRET`; up is tighter;
 *   - TLP: `CLEAR < GREEN < AMBER < AMBER_STRICT < RED`; up is tighter;
 *   - `releasableTo`: a subset is tighter (a code added widens it; empty = originator only is the tightest);
 *   - `recipients`: a subset is tighter, compared only while the TLP in force names them (AMBER_STRICT, RED): at a
 *     lower TLP they release nothing, so raising the TLP and naming recipients only tightens;
 *   - `caveats`: a superset is tighter (a caveat dropped relaxes it).
 * - The originator never changes, not even by the originator; its `nationalMarking` (its own words, kept verbatim)
 *   is changed only by the originator.
 */

/** Which part of the writing rule refused a write; sent as `extensions.rule` beside `code: FORBIDDEN`. */
export const WriteRule = Object.freeze({
  /** A record is created with the writer's own nation or organisation as originator. */
  OWN_ORIGINATOR: 'OWN_ORIGINATOR',
  /** A record is created at a classification no higher than the writer's clearance. */
  WITHIN_CLEARANCE: 'WITHIN_CLEARANCE',
  /** Only the originator may lower, widen, drop or relax a marking. */
  ONLY_ORIGINATOR_RELAXES: 'ONLY_ORIGINATOR_RELAXES',
  /** A record's originator is fixed when it is created. */
  ORIGINATOR_FIXED: 'ORIGINATOR_FIXED',
} as const);
export type WriteRule = (typeof WriteRule)[keyof typeof WriteRule];

const RECIPIENT_TLPS: readonly string[] = ['AMBER_STRICT', 'RED'];

const classificationRank = (classification: string) => CLASSIFICATIONS.indexOf(classification as never);
const tlpRank = (tlp: string) => TLPS.indexOf(tlp as never);
const added = (before: readonly string[], after: readonly string[]) => after.filter((code) => !before.includes(code));

/** The identities a writer originates as: its nation, else its organisation; a principal with both is either. */
export function originatorsOf(principal: Principal): string[] {
  return [principal.nation, principal.organization].filter((value): value is string => Boolean(value));
}

/** Whether the principal is the originator of a marking (rule 1: it always sees and may relax its own records). */
export function isOriginator(principal: Principal, marking: Pick<AccessMarking, 'originator'>): boolean {
  return originatorsOf(principal).includes(marking.originator);
}

/**
 * How `after` is less restrictive than `before`, one sentence per way; empty when `after` is as tight or tighter.
 * The originator is compared elsewhere (it never changes).
 */
export function relaxationsOf(before: AccessMarking, after: AccessMarking): string[] {
  const found: string[] = [];
  if (classificationRank(after.classification) < classificationRank(before.classification)) {
    found.push(`lowers the classification from ${before.classification} to ${after.classification}`);
  }
  if (tlpRank(after.tlp) < tlpRank(before.tlp)) found.push(`relaxes TLP:${before.tlp} to TLP:${after.tlp}`);
  const wider = added(before.releasableTo ?? [], after.releasableTo ?? []);
  if (wider.length > 0) found.push(`widens releasableTo by ${wider.join(', ')}`);
  if (RECIPIENT_TLPS.includes(before.tlp)) {
    const more = added(before.recipients ?? [], after.recipients ?? []);
    if (more.length > 0) found.push(`adds ${more.length} recipient(s)`);
  }
  const dropped = added(after.caveats ?? [], before.caveats ?? []);
  if (dropped.length > 0) found.push(`drops the caveat(s) ${dropped.join(', ')}`);
  return found;
}

function refused(rule: WriteRule, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, rule } });
}

/** Throws FORBIDDEN (naming the rule) unless the principal may create a record with this marking. */
export function checkCreateMarking(principal: Principal, marking: AccessMarking): void {
  const own = originatorsOf(principal);
  if (!own.includes(marking.originator)) {
    throw refused(
      WriteRule.OWN_ORIGINATOR,
      `A record is created with its writer as originator: give ${own.length > 0 ? own.join(' or ') : 'your nation or organisation'} as the marking's originator, not ${marking.originator}`,
    );
  }
  if (classificationRank(marking.classification) > classificationRank(principal.clearance)) {
    throw refused(
      WriteRule.WITHIN_CLEARANCE,
      `A record is created at most at its writer's clearance: you are cleared ${principal.clearance}, so you cannot mark a record ${marking.classification}`,
    );
  }
}

/**
 * Throws FORBIDDEN (naming the rule) unless the principal may change a record's marking from `before` to `after`:
 * the originator stays, and only the originator relaxes.
 */
export function checkRemarking(principal: Principal, before: AccessMarking, after: AccessMarking): void {
  if (after.originator !== before.originator) {
    throw refused(WriteRule.ORIGINATOR_FIXED, "A record's originator is fixed when it is created: keep the originator of the marking you read");
  }
  if (isOriginator(principal, before)) return;
  if ((after.nationalMarking ?? null) !== (before.nationalMarking ?? null)) {
    throw refused(
      WriteRule.ONLY_ORIGINATOR_RELAXES,
      "A national marking is the originator's own words, kept verbatim: only the originator may change it; resubmit the one you read",
    );
  }
  const relaxed = relaxationsOf(before, after);
  if (relaxed.length > 0) {
    throw refused(
      WriteRule.ONLY_ORIGINATOR_RELAXES,
      `Only a record's originator may lower its classification, widen releasableTo or recipients, drop a caveat or relax its TLP; you may only tighten, and this change ${relaxed.join('; ')}`,
    );
  }
}
