import { CLASSIFICATIONS, type AccessMarking, type Classification } from './marking.ts';
import type { Principal } from './principal.ts';
import type { SqlParams } from './sql.ts';

/**
 * Group codes a marking may release to, and who belongs to them. Nations by ISO 3166 alpha-3; `UN` by the IATI ids
 * of UN agencies (any `XM-DAC-41*` id, and WHO's `XM-DAC-928` and IOM's `XM-DAC-47066`). `CMCC` is every CMCC
 * participant, which the principal's claims say.
 */
export const GROUPS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  FVEY: new Set(['USA', 'GBR', 'CAN', 'AUS', 'NZL']),
  NATO: new Set([
    'ALB', 'BEL', 'BGR', 'CAN', 'HRV', 'CZE', 'DNK', 'EST', 'FIN', 'FRA', 'DEU', 'GRC', 'HUN', 'ISL', 'ITA', 'LVA',
    'LTU', 'LUX', 'MNE', 'NLD', 'MKD', 'NOR', 'POL', 'PRT', 'ROU', 'SVK', 'SVN', 'ESP', 'SWE', 'TUR', 'GBR', 'USA',
  ]),
});

function isUnAgency(organization: string): boolean {
  return /^XM-DAC-41\d+$/.test(organization) || organization === 'XM-DAC-928' || organization === 'XM-DAC-47066';
}

/** What the releasability rule needs to know about a principal, computed once per request. */
export interface Viewer {
  /** Clearance as a rank: 0 UNCLASSIFIED ... 3 SECRET. */
  clearanceRank: number;
  /** The principal's own nation and organisation: who may see originator-only, AMBER_STRICT records. */
  self: string[];
  /** `self` plus every group code the principal belongs to: matched against `releasableTo`. */
  identities: string[];
  /** Who the principal may be named as in a TLP:RED marking's recipients. */
  recipientIds: string[];
  participant: boolean;
}

export function viewerOf(principal: Principal): Viewer {
  const self = [principal.nation, principal.organization].filter((value): value is string => Boolean(value));
  const groups = Object.entries(GROUPS)
    .filter(([, members]) => (principal.nation ? members.has(principal.nation) : false))
    .map(([code]) => code);
  if (principal.organization && isUnAgency(principal.organization)) groups.push('UN');
  if (principal.participant) groups.push('CMCC');
  return {
    clearanceRank: rank(principal.clearance),
    self,
    identities: [...self, ...groups],
    recipientIds: [principal.subject, ...self],
    participant: principal.participant,
  };
}

function rank(classification: Classification): number {
  return CLASSIFICATIONS.indexOf(classification);
}

const overlaps = (a: readonly string[], b: readonly string[]) => a.some((value) => b.includes(value));

/**
 * The releasability rule of docs/domain.md: clearance at least the classification; released to the principal (directly or
 * through a group code, or originator-only and the principal is the originator); and the TLP allows it.
 */
export function canSee(viewer: Viewer, marking: AccessMarking): boolean {
  if (rank(marking.classification) > viewer.clearanceRank || rank(marking.classification) < 0) return false;
  const released =
    marking.releasableTo.length === 0 ? viewer.self.includes(marking.originator) : overlaps(marking.releasableTo, viewer.identities);
  if (!released) return false;
  switch (marking.tlp) {
    case 'CLEAR':
      return true;
    case 'GREEN':
      return viewer.participant;
    case 'AMBER':
      return viewer.self.includes(marking.originator) || overlaps(marking.releasableTo, viewer.identities);
    case 'AMBER_STRICT':
      return viewer.self.includes(marking.originator);
    case 'RED':
      return overlaps(marking.recipients, viewer.recipientIds);
    default:
      return false;
  }
}

/**
 * The same rule as SQL over the marking columns of `alias`, so lists, pages, counts and aggregates only ever see
 * released records (filtering after loading would break pagination and leak through totals).
 */
export function visibleSql(viewer: Viewer, params: SqlParams, alias = 't'): string {
  const rankOf = `array_position(ARRAY['UNCLASSIFIED','RESTRICTED','CONFIDENTIAL','SECRET']::text[], ${alias}.classification)`;
  const self = params.add(viewer.self);
  const identities = params.add(viewer.identities);
  return `(${rankOf} - 1 <= ${params.add(viewer.clearanceRank)}
    AND ((cardinality(${alias}.releasable_to) = 0 AND ${alias}.originator = ANY(${self}::text[])) OR ${alias}.releasable_to && ${identities}::text[])
    AND (${alias}.tlp = 'CLEAR'
      OR (${alias}.tlp = 'GREEN' AND ${params.add(viewer.participant)}::boolean)
      OR (${alias}.tlp = 'AMBER' AND (${alias}.originator = ANY(${self}::text[]) OR ${alias}.releasable_to && ${identities}::text[]))
      OR (${alias}.tlp = 'AMBER_STRICT' AND ${alias}.originator = ANY(${self}::text[]))
      OR (${alias}.tlp = 'RED' AND ${alias}.recipients && ${params.add(viewer.recipientIds)}::text[])))`;
}
