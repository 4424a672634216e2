/**
 * How many nations and organisations took part in the CMCC, as CENTCOM published it [R]. Each figure is kept as its
 * source gave it: approximate, dated as reported, nations and organisations apart when given apart. The figures are
 * never summed or merged; a dashboard shows them as a dated series with their qualifier.
 */
export interface ParticipantCount {
  asOf: string;
  asOfPrecision: 'DAY' | 'AROUND_DAY' | 'PART_OF_MONTH';
  asOfAsReported: string;
  nations: number | null;
  organizations: number | null;
  participants: number | null;
  qualifier: 'ABOUT' | 'NEARLY';
  source: 'CENTCOM';
}

export const PARTICIPANT_COUNTS: readonly ParticipantCount[] = Object.freeze([
  // "~14 nations + 20 organisations around 30 Oct": given apart, so not summed into one total here.
  { asOf: '2025-10-30', asOfPrecision: 'AROUND_DAY', asOfAsReported: 'around 30 Oct 2025', nations: 14, organizations: 20, participants: null, qualifier: 'ABOUT', source: 'CENTCOM' },
  { asOf: '2025-11-01', asOfPrecision: 'DAY', asOfAsReported: '1 Nov 2025', nations: null, organizations: null, participants: 40, qualifier: 'NEARLY', source: 'CENTCOM' },
  // "late Nov": asOf is the month's last day, flagged PART_OF_MONTH; the source gave no day.
  { asOf: '2025-11-30', asOfPrecision: 'PART_OF_MONTH', asOfAsReported: 'late Nov 2025', nations: null, organizations: null, participants: 50, qualifier: 'ABOUT', source: 'CENTCOM' },
  { asOf: '2025-12-11', asOfPrecision: 'DAY', asOfAsReported: 'by 11 Dec 2025', nations: null, organizations: null, participants: 60, qualifier: 'ABOUT', source: 'CENTCOM' },
] satisfies ParticipantCount[]);

/** The CMCC itself, as CENTCOM announced it [R]: where and when it opened, who runs it, and the US troops at its core. */
export const COORDINATION_CENTER = Object.freeze({
  name: 'Civil-Military Coordination Center (CMCC)',
  location: 'Kiryat Gat',
  openedOn: '2025-10-17',
  establishedBy: 'US Central Command (CENTCOM)',
  usTroopsAtCore: 200,
  usTroopsQualifier: 'ABOUT',
  source: 'CENTCOM',
  asOf: '2025-10-17',
  statement:
    'The CMCC opened on 17 Oct 2025 in Kiryat Gat under US CENTCOM, with about 200 US troops at its core, to coordinate ' +
    'stabilization and relief in the Gaza Strip after the 10 Oct 2025 ceasefire. No staff total is published.',
} as const);
