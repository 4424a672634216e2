/**
 * The crossings into the Gaza Strip and their dated status history, as the domain specification gives them [R].
 * One crossing, one id: Zikim is also called "Erez West", which is an alias of ZIKIM, never a crossing of its own.
 *
 * No publisher is named for these facts, so each period is recorded as the CMCC's own crossing status (`CMCC`).
 * Where a period's start is not given to the day, `validFromPrecision` says so (MONTH: only the month is known and
 * the first of the month is stored; KNOWN_ON: the status is known to hold on that day, when it began is not recorded;
 * a null `validFrom` means "since before the first recorded event").
 */

import { CROSSING_IDS } from '@cmcc/subgraph-kit';
export { CROSSING_IDS } from '@cmcc/subgraph-kit';
export type CrossingId = (typeof CROSSING_IDS)[number];

/** Ids no longer in use and the crossing each now is (Erez West is Zikim). */
export const RETIRED_CROSSING_IDS: Record<string, CrossingId> = { EREZ_WEST: 'ZIKIM' };

export type CrossingStatus = 'OPEN' | 'RESTRICTED' | 'CLOSED';
export type CrossingTraffic = 'CARGO' | 'FUEL' | 'PEOPLE' | 'MEDICAL_EVACUATION';
export type DatePrecision = 'DAY' | 'MONTH' | 'KNOWN_ON';

export interface StatusPeriodFact {
  validFrom: string | null;
  validFromPrecision: DatePrecision;
  /** Last day (inclusive) of the period; null while it is still in force. */
  validTo: string | null;
  status: CrossingStatus;
  allowedTraffic: CrossingTraffic[];
  /** Patients leaving the Strip for treatment went through this crossing in the period. */
  medicalEvacuationRoute: boolean;
  note: string;
  source: 'CMCC';
}

export interface CrossingFact {
  id: CrossingId;
  name: string;
  aliases: string[];
  areaPcode: string;
  history: StatusPeriodFact[];
}

const period = (
  validFrom: string | null,
  validTo: string | null,
  status: CrossingStatus,
  allowedTraffic: CrossingTraffic[],
  note: string,
  options: { precision?: DatePrecision; medevac?: boolean } = {},
): StatusPeriodFact => ({
  validFrom,
  validFromPrecision: options.precision ?? 'DAY',
  validTo,
  status,
  allowedTraffic,
  medicalEvacuationRoute: options.medevac ?? allowedTraffic.includes('MEDICAL_EVACUATION'),
  note,
  source: 'CMCC',
});

const KS_NOTE = 'The main cargo and fuel gate into the Gaza Strip (day-to-day closures are not recorded here).';
const KS_MEDEVAC = `${KS_NOTE} Rafah closed: medical evacuations leave through Kerem Shalom and on through Israel (Allenby to Jordan, or by air).`;
const KS_NO_MEDEVAC = `${KS_NOTE} Medical evacuations went through Rafah in this period.`;

export const CROSSINGS: CrossingFact[] = [
  {
    id: 'KEREM_SHALOM',
    name: 'Kerem Shalom',
    aliases: ['Karem Abu Salem', 'Kerem Shalom (Karem Abu Salem)'],
    areaPcode: 'PS0275',
    // The periods follow Rafah's: Kerem Shalom carries the medical evacuations whenever Rafah is closed.
    history: [
      period('2024-05-01', '2025-01-31', 'OPEN', ['CARGO', 'FUEL', 'MEDICAL_EVACUATION'], KS_MEDEVAC, { precision: 'MONTH' }),
      period('2025-02-01', '2025-03-18', 'OPEN', ['CARGO', 'FUEL'], KS_NO_MEDEVAC),
      period('2025-03-19', '2026-02-01', 'OPEN', ['CARGO', 'FUEL', 'MEDICAL_EVACUATION'], KS_MEDEVAC),
      period('2026-02-02', '2026-02-27', 'OPEN', ['CARGO', 'FUEL'], KS_NO_MEDEVAC),
      period('2026-02-28', null, 'OPEN', ['CARGO', 'FUEL', 'MEDICAL_EVACUATION'], KS_MEDEVAC),
    ],
  },
  {
    id: 'KISSUFIM',
    name: 'Kissufim',
    aliases: ['Kisufim'],
    areaPcode: 'PS0265',
    history: [
      period(null, '2025-10-19', 'CLOSED', [], 'Closed before its reopening on 20 October 2025; since when is not recorded.'),
      period('2025-10-20', null, 'OPEN', ['CARGO'], 'Reopened on 20 October 2025.'),
    ],
  },
  {
    id: 'ZIKIM',
    name: 'Zikim',
    aliases: ['Erez West'],
    areaPcode: 'PS0255',
    history: [
      period(null, '2025-09-11', 'OPEN', ['CARGO'], 'Open for aid into the north until it closed on 12 September 2025; since when is not recorded.'),
      period('2025-09-12', '2025-11-11', 'CLOSED', [], 'Closed from 12 September 2025.'),
      period('2025-11-12', null, 'OPEN', ['CARGO'], 'Reopened on 12 November 2025; the only direct crossing into the north of the Strip open from then.'),
    ],
  },
  {
    id: 'EREZ',
    name: 'Erez (Beit Hanoun)',
    aliases: ['Beit Hanoun', 'Erez (Beit Hanoun)'],
    areaPcode: 'PS0255',
    history: [period('2025-10-22', null, 'CLOSED', [], 'Closed as of 22 October 2025; the date it closed is not recorded.', { precision: 'KNOWN_ON' })],
  },
  {
    id: 'RAFAH',
    name: 'Rafah',
    aliases: [],
    areaPcode: 'PS0275',
    history: [
      period('2024-05-01', '2025-01-31', 'CLOSED', [], 'Closed from May 2024 (the day is not recorded): no people, no aid trucks.', { precision: 'MONTH' }),
      period(
        '2025-02-01',
        '2025-03-18',
        'RESTRICTED',
        ['MEDICAL_EVACUATION'],
        'Open only for WHO-supervised medical evacuations under the January 2025 ceasefire; no aid trucks.',
      ),
      period(
        '2025-03-19',
        '2026-02-01',
        'CLOSED',
        [],
        'Closed again after 18 March 2025, and through the first months of the October 2025 ceasefire: no people, no aid trucks.',
      ),
      period(
        '2026-02-02',
        '2026-02-27',
        'RESTRICTED',
        ['PEOPLE', 'MEDICAL_EVACUATION'],
        'Reopened on 2 February 2026 for limited movement of people (patients leave "via Rafah" only on such days); no aid trucks.',
      ),
      period('2026-02-28', null, 'CLOSED', [], 'Closed again on 28 February 2026.'),
    ],
  },
];

/** The status period of a crossing in force on a day (YYYY-MM-DD), or null when none is recorded for that day. */
export function periodOn<P extends { validFrom: string | null; validTo: string | null }>(history: readonly P[], day: string): P | null {
  return history.find((p) => (p.validFrom === null || p.validFrom <= day) && (p.validTo === null || day <= p.validTo)) ?? null;
}

/** Upper case, everything but letters and digits as `_`: "Erez West" → EREZ_WEST. */
export const crossingToken = (text: string) =>
  text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Every name a crossing goes by (its id, name and aliases, and retired ids), as a token → crossing id. */
export const CROSSING_BY_NAME: ReadonlyMap<string, CrossingId> = new Map<string, CrossingId>([
  ...CROSSINGS.flatMap((c) => [c.id, c.name, ...c.aliases].map((name) => [crossingToken(name), c.id] as [string, CrossingId])),
  ...Object.entries(RETIRED_CROSSING_IDS),
  ['KS', 'KEREM_SHALOM'],
  ['EREZ_WEST_ZIKIM', 'ZIKIM'],
  ['ZIKIM_EREZ_WEST', 'ZIKIM'],
]);
