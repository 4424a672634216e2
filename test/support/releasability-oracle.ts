/**
 * The releasability rule (version 2) written a second time, from docs/security.md and FIRST TLP 2.0 alone, for the
 * tests to judge the kit by. It reads a token's claims and a row's marking columns, and shares no code with the kit:
 * importing the kit's rule here would make every leak test agree with whatever the kit does.
 */

/** A token's claims, as an identity provider issues them (`cmcc`: the participant claim). */
export interface Reader {
  sub: string;
  nation?: string;
  org?: string;
  clearance?: string;
  cmcc?: boolean;
  caveats?: string[];
}

/** A record's marking, as stored in its row. */
export interface MarkedRow {
  classification: string;
  releasable_to: string[];
  tlp: string;
  originator: string;
  recipients: string[];
  caveats: string[];
}

const LEVELS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];

const FIVE_EYES = ['USA', 'GBR', 'CAN', 'AUS', 'NZL'];
// The 32 NATO members (since Sweden joined, March 2024).
const NATO = [
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
];
// The UN agencies by IATI id: WFP, UNICEF, UNRWA, WHO, OCHA, IOM, UNDP, UNHCR.
const UN_AGENCIES = ['XM-DAC-41140', 'XM-DAC-41122', 'XM-DAC-41130', 'XM-DAC-928', 'XM-DAC-41127', 'XM-DAC-47066', 'XM-DAC-41114', 'XM-DAC-41121'];

/** Who belongs to each group code. A group code is matched by membership only, never as someone's own id. */
const GROUPS: Record<string, (reader: Reader) => boolean> = {
  FVEY: (r) => FIVE_EYES.includes(r.nation ?? ''),
  NATO: (r) => NATO.includes(r.nation ?? ''),
  UN: (r) => UN_AGENCIES.includes(r.org ?? ''),
  CMCC: (r) => r.cmcc === true,
};

const isGroup = (code: string) => code in GROUPS;
/** The reader's org id, when it is one that can be named (an org claim spelled like a group code names no one). */
const namedOrg = (r: Reader) => (r.org && !isGroup(r.org) ? r.org : undefined);

/** Rule 3: a code in `releasableTo` reaches the reader: its nation, its org, or a group it belongs to. */
function reaches(code: string, r: Reader): boolean {
  return isGroup(code) ? GROUPS[code](r) : code === r.nation || code === namedOrg(r);
}

/** Rule 4, one caveat at a time. */
function caveatAllows(caveat: string, r: Reader, m: MarkedRow): boolean {
  if (caveat === 'NOFORN') return r.nation !== undefined && r.nation === m.originator;
  return (r.caveats ?? []).includes(caveat);
}

/** Rule 5: FIRST TLP 2.0, as the CMCC applies it. An unknown label releases to no one. */
const TLP: Record<string, (r: Reader, m: MarkedRow) => boolean> = {
  // "Recipients can spread this to the world": anyone authenticated.
  CLEAR: () => true,
  // "Within their community": the CMCC's participants, who hold the participant claim.
  GREEN: (r) => r.cmcc === true,
  // "Their organization and its clients": the organisations, nations and groups released to.
  AMBER: (r, m) => m.releasable_to.some((code) => reaches(code, r)),
  // "Only their organization": organisations named by org id, nothing wider.
  AMBER_STRICT: (r, m) => namedOrg(r) !== undefined && (m.releasable_to.includes(namedOrg(r)!) || m.recipients.includes(namedOrg(r)!)),
  // "For the eyes and ears of individual recipients only": people or organisations named in recipients.
  RED: (r, m) => m.recipients.includes(r.sub) || (namedOrg(r) !== undefined && m.recipients.includes(namedOrg(r)!)),
};

/** Whether the rule releases the record to the reader. */
export function released(r: Reader, m: MarkedRow): boolean {
  // 1. The originator always sees its own records.
  if (m.originator === r.nation || m.originator === r.org) return true;
  // 2. Clearance.
  const level = LEVELS.indexOf(m.classification);
  if (level < 0 || level > LEVELS.indexOf(r.clearance ?? 'UNCLASSIFIED')) return false;
  // 3. Release (empty = originator only).
  if (!m.releasable_to.some((code) => reaches(code, r))) return false;
  // 4. Caveats: every one must allow the reader; unknown caveats need the claim like any other.
  if (!m.caveats.every((caveat) => caveatAllows(caveat, r, m))) return false;
  // 5. TLP.
  return TLP[m.tlp]?.(r, m) ?? false;
}

/** A principal as the subgraphs receive it, read back into the token claims it came from (structurally: no kit import). */
export interface PrincipalClaims {
  subject: string;
  nation: string | null;
  organization: string | null;
  clearance: string;
  participant: boolean;
  caveats?: readonly string[];
}

/** Whether the rule releases the row to the principal: `released` for a principal the tests already hold. */
export function releasedToPrincipal(p: PrincipalClaims, row: MarkedRow): boolean {
  return released(
    { sub: p.subject, nation: p.nation ?? undefined, org: p.organization ?? undefined, clearance: p.clearance, cmcc: p.participant, caveats: [...(p.caveats ?? [])] },
    row,
  );
}
