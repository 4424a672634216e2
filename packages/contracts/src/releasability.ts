import { CLASSIFICATIONS, type AccessMarking } from './marking.ts';
import type { Principal } from './principal.ts';

/**
 * Group codes a marking may release to, and who belongs to them. Nations by ISO 3166 alpha-3; `UN` by the IATI ids
 * of UN agencies (any `XM-DAC-41*` id, and WHO's `XM-DAC-928` and IOM's `XM-DAC-47066`). `CMCC` is every CMCC
 * participant, which the principal's claims say.
 */
export const GROUPS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  FVEY: new Set(['USA', 'GBR', 'CAN', 'AUS', 'NZL']),
  NATO: new Set([
    'ALB',
    'BEL',
    'BGR',
    'CAN',
    'HRV',
    'CZE',
    'DNK',
    'EST',
    'FIN',
    'FRA',
    'DEU',
    'GRC',
    'HUN',
    'ISL',
    'ITA',
    'LVA',
    'LTU',
    'LUX',
    'MNE',
    'NLD',
    'MKD',
    'NOR',
    'POL',
    'PRT',
    'ROU',
    'SVK',
    'SVN',
    'ESP',
    'SWE',
    'TUR',
    'GBR',
    'USA',
  ]),
});

/** Every group code `releasableTo` may hold: matched by membership only, never as a principal's own nation or org id. */
export const GROUP_CODES: ReadonlySet<string> = new Set([...Object.keys(GROUPS), 'UN', 'CMCC']);

/** The caveat kept to the originator's own nation; every other caveat needs the principal's `caveats` claim. */
export const NOFORN = 'NOFORN';

function isUnAgency(organization: string): boolean {
  return /^XM-DAC-41\d+$/.test(organization) || organization === 'XM-DAC-928' || organization === 'XM-DAC-47066';
}

/** What the releasability rule needs to know about a principal, computed once per request. */
export interface Viewer {
  /** Clearance as a rank: 0 UNCLASSIFIED ... 3 SECRET. */
  clearanceRank: number;
  /** The principal's own nation and organisation: a record they originated is always theirs to see. */
  self: string[];
  /** The principal's own nation and org ids (not group codes) plus every group code it belongs to: matched against `releasableTo`. */
  identities: string[];
  /** Who the principal may be named as in a TLP:RED marking's recipients: its subject id and its org id, never its nation. */
  recipientIds: string[];
  participant: boolean;
  /** The rule for this principal, with its claims filled in: a tree over the marking's fields (see `ruleFor`). */
  rule: Rule;
}

export function viewerOf(principal: Principal): Viewer {
  const self = [principal.nation, principal.organization].filter((value): value is string => Boolean(value));
  const groups = Object.entries(GROUPS)
    .filter(([, members]) => (principal.nation ? members.has(principal.nation) : false))
    .map(([code]) => code);
  if (principal.organization && isUnAgency(principal.organization)) groups.push('UN');
  if (principal.participant) groups.push('CMCC');
  // An org claim spelled like a group code (`CMCC`) is no org id to be named by: the group is reached by membership only.
  const nameable = self.filter((id) => !GROUP_CODES.has(id));
  const identities = [...nameable, ...groups];
  const recipientIds = [principal.subject, ...(principal.organization && !GROUP_CODES.has(principal.organization) ? [principal.organization] : [])];
  return {
    clearanceRank: CLASSIFICATIONS.indexOf(principal.clearance),
    self,
    identities,
    recipientIds,
    participant: principal.participant,
    rule: ruleFor(principal, { self, identities, recipientIds }),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The rule, once: a small expression tree over the marking's fields, with the principal's claims already filled in as
// constants. `canSee` evaluates it against a marking in memory; `visibleSql` compiles it to a predicate over the
// marking columns. Both read the same tree, so the check in code and the filter in SQL cannot drift apart.

type ScalarField = 'classification' | 'tlp' | 'originator';
type ArrayField = 'releasableTo' | 'recipients' | 'caveats';

/** A node of the rule: a constant, a comparison of one marking field with a set of values, or and/or of nodes. */
/** Where the compiled SQL puts its parameters: `add` keeps a value and returns its placeholder (`$n`). */
export interface SqlParameters {
  add(value: unknown): string;
}

export type Rule =
  | { readonly op: 'const'; readonly value: boolean }
  /** The field's value is one of `values`. */
  | { readonly op: 'in'; readonly field: ScalarField; readonly values: readonly string[] }
  /** The array field shares at least one element with `values`. */
  | { readonly op: 'overlaps'; readonly field: ArrayField; readonly values: readonly string[] }
  /** Every element of the array field is one of `values` (true for an empty array). */
  | { readonly op: 'within'; readonly field: ArrayField; readonly values: readonly string[] }
  | { readonly op: 'and' | 'or'; readonly args: readonly Rule[] };

const TRUE: Rule = { op: 'const', value: true };
const FALSE: Rule = { op: 'const', value: false };

function all(...args: Rule[]): Rule {
  if (args.some((arg) => arg.op === 'const' && !arg.value)) return FALSE;
  const rest = args.filter((arg) => arg.op !== 'const');
  return rest.length === 0 ? TRUE : rest.length === 1 ? rest[0] : { op: 'and', args: rest };
}

function any(...args: Rule[]): Rule {
  if (args.some((arg) => arg.op === 'const' && arg.value)) return TRUE;
  const rest = args.filter((arg) => arg.op !== 'const');
  return rest.length === 0 ? FALSE : rest.length === 1 ? rest[0] : { op: 'or', args: rest };
}

const is = (field: ScalarField, values: readonly string[]): Rule => (values.length === 0 ? FALSE : { op: 'in', field, values });
const overlaps = (field: ArrayField, values: readonly string[]): Rule => (values.length === 0 ? FALSE : { op: 'overlaps', field, values });
const within = (field: ArrayField, values: readonly string[]): Rule => ({ op: 'within', field, values });

/**
 * The releasability rule, version 2 (docs/security.md), for one principal. The originator always sees its records;
 * anyone else needs all of clearance, release, caveats and TLP.
 */
function ruleFor(principal: Principal, ids: { self: string[]; identities: string[]; recipientIds: string[] }): Rule {
  const organization = principal.organization && !GROUP_CODES.has(principal.organization) ? [principal.organization] : [];
  // 2. Clearance: a classification at or below the principal's (an unknown classification is above every clearance).
  const clearance = is('classification', CLASSIFICATIONS.slice(0, CLASSIFICATIONS.indexOf(principal.clearance) + 1));
  // 3. Release: the principal's nation or org, or a group it belongs to, is named. Empty releasableTo names no one.
  const released = overlaps('releasableTo', ids.identities);
  // 4. Caveats: every caveat is one the principal's claim lists; NOFORN only for the originator's own nation.
  const claimed = (principal.caveats ?? []).filter((caveat) => caveat !== NOFORN);
  const ownNation = is('originator', principal.nation ? [principal.nation] : []);
  const caveats = any(within('caveats', claimed), all(ownNation, within('caveats', [...claimed, NOFORN])));
  // 5. TLP (FIRST TLP 2.0).
  const tlp = any(
    is('tlp', ['CLEAR']),
    all(is('tlp', ['GREEN']), principal.participant ? TRUE : FALSE),
    all(is('tlp', ['AMBER']), released),
    all(is('tlp', ['AMBER_STRICT']), any(overlaps('releasableTo', organization), overlaps('recipients', organization))),
    all(is('tlp', ['RED']), overlaps('recipients', ids.recipientIds)),
  );
  // 1. Originator: its own records, whatever 2-5 say.
  return any(is('originator', ids.self), all(clearance, released, caveats, tlp));
}

function evaluate(rule: Rule, marking: AccessMarking): boolean {
  switch (rule.op) {
    case 'const':
      return rule.value;
    case 'in':
      return rule.values.includes(marking[rule.field]);
    case 'overlaps':
      return (marking[rule.field] ?? []).some((value) => rule.values.includes(value));
    case 'within':
      return (marking[rule.field] ?? []).every((value) => rule.values.includes(value));
    case 'and':
      return rule.args.every((arg) => evaluate(arg, marking));
    case 'or':
      return rule.args.some((arg) => evaluate(arg, marking));
  }
}

const COLUMNS: Record<ScalarField | ArrayField, string> = {
  classification: 'classification',
  tlp: 'tlp',
  originator: 'originator',
  releasableTo: 'releasable_to',
  recipients: 'recipients',
  caveats: 'caveats',
};

function compile(rule: Rule, params: SqlParameters, alias: string): string {
  switch (rule.op) {
    case 'const':
      return rule.value ? 'TRUE' : 'FALSE';
    case 'in':
      return `${alias}.${COLUMNS[rule.field]} = ANY(${params.add(rule.values)}::text[])`;
    // The marking's array columns are NOT NULL in every table (a NULL would make the whole predicate false: withheld).
    case 'overlaps':
      return `${alias}.${COLUMNS[rule.field]} && ${params.add(rule.values)}::text[]`;
    case 'within':
      return `${alias}.${COLUMNS[rule.field]} <@ ${params.add(rule.values)}::text[]`;
    case 'and':
    case 'or':
      return `(${rule.args.map((arg) => compile(arg, params, alias)).join(rule.op === 'and' ? ' AND ' : ' OR ')})`;
  }
}

/** The releasability rule (version 2, docs/security.md), judged in code for one marking. */
export function canSee(viewer: Viewer, marking: AccessMarking): boolean {
  return evaluate(viewer.rule, marking);
}

/**
 * The same rule as SQL over the marking columns of `alias`, so lists, pages, counts and aggregates only ever see
 * released records (filtering after loading would break pagination and leak through totals). Never NULL.
 */
export function visibleSql(viewer: Viewer, params: SqlParameters, alias = 't'): string {
  return `coalesce(${compile(viewer.rule, params, alias)}, FALSE)`;
}
