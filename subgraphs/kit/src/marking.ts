/** The access marking every sensitive record carries, stored exactly as the originator gave it. */
export interface AccessMarking {
  classification: Classification;
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
export const MARKING_COLUMNS = [
  'classification',
  'releasable_to',
  'tlp',
  'originator',
  'recipients',
  'caveats',
] as const;

export interface MarkingRow {
  classification: string;
  releasable_to: string[];
  tlp: string;
  originator: string;
  recipients: string[];
  caveats: string[];
}

export function markingFromRow(row: MarkingRow): AccessMarking {
  return {
    classification: row.classification as Classification,
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
    releasable_to: marking.releasableTo,
    tlp: marking.tlp,
    originator: marking.originator,
    recipients: marking.recipients,
    caveats: marking.caveats,
  };
}
