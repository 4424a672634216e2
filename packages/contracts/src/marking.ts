/** The access marking every sensitive record carries, stored exactly as the originator gave it. */
export interface AccessMarking {
  classification: Classification;
  /**
   * The originator's own national marking (e.g. `UK OFFICIAL-SENSITIVE`), kept verbatim for display: never translated,
   * never compared. `classification` is what the rule reads. Absent or null when the originator gave none.
   */
  nationalMarking?: string | null;
  releasableTo: string[];
  tlp: Tlp;
  originator: string;
  recipients: string[];
  caveats: string[];
}

export const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Tlp = (typeof TLPS)[number];

/** The SQL columns of a marking, spelled the same in every table that holds marked records. */
export const MARKING_COLUMNS = ['classification', 'national_marking', 'releasable_to', 'tlp', 'originator', 'recipients', 'caveats'] as const;

export interface MarkingRow {
  classification: string;
  national_marking?: string | null;
  releasable_to: string[];
  tlp: string;
  originator: string;
  recipients: string[];
  caveats: string[];
}

export function markingFromRow(row: MarkingRow): AccessMarking {
  return {
    classification: row.classification as Classification,
    nationalMarking: row.national_marking ?? null,
    releasableTo: row.releasable_to ?? [],
    tlp: row.tlp as Tlp,
    originator: row.originator,
    recipients: row.recipients ?? [],
    caveats: row.caveats ?? [],
  };
}

export function markingToRow(marking: AccessMarking): MarkingRow {
  return {
    classification: marking.classification,
    national_marking: marking.nationalMarking ?? null,
    releasable_to: marking.releasableTo,
    tlp: marking.tlp,
    originator: marking.originator,
    recipients: marking.recipients,
    caveats: marking.caveats,
  };
}
