import { insertRows, MARKING_COLUMNS, markingValues, publicMarking, seedMarking, type AccessMarking, type Queryable } from '@cmcc/subgraph-kit';

/**
 * Ceasefire implementation (the ceasefire in force since 10 Oct 2025): its phases, the return of hostages and the
 * release of Palestinian prisoners, detainees and remains.
 *
 * The [R] figures are real and dated, stored one row per figure as published, with its source and date; a figure that
 * covers a period is one aggregate row (never split into invented events), and an event is its own row only where the
 * published record gives it (the last deceased hostage, recovered by an Israeli military operation), pointing at the
 * aggregate it is counted in so the two are never added together. No row names a person. The published figures are
 * public: UNCLASSIFIED, TLP:CLEAR, released to every CMCC participant. The one illustrative row says so (`SYNTHETIC`).
 *
 * The figures were stated publicly by the parties; the CMCC keeps them as its own record of the ceasefire's
 * implementation (`source: CMCC`, originator `CMCC`), and `citedSources` says where they were stated.
 */

/** How the public figures were published: by the parties, reported the same day. */
export const PUBLIC_STATEMENTS = 'Public statements of the parties to the ceasefire, as reported by news agencies';

/** The day the ceasefire came into force [R]. */
export const CEASEFIRE_IN_FORCE = '2025-10-10';

/** A public, real record: the CMCC's, UNCLASSIFIED and TLP:CLEAR for every participant. */
const PUBLIC: AccessMarking = publicMarking('CMCC');

export interface PhaseSeed {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string | null;
  conditions: string[];
  source: 'CMCC' | 'SYNTHETIC';
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

export interface HostageReturnSeed {
  id: string;
  living: boolean;
  count: number;
  periodStart: string | null;
  date: string;
  via: string | null;
  countedIn: string | null;
  source: 'CMCC';
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

export interface DetaineeReleaseSeed {
  id: string;
  count: number;
  approximate: boolean;
  countBasis: 'TOTAL' | 'PER_DECEASED_HOSTAGE_RETURNED';
  category: 'PRISONERS_AND_DETAINEES' | 'PRISONERS' | 'DETAINEES' | 'REMAINS';
  periodStart: string | null;
  date: string;
  source: 'CMCC';
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

export const REAL_PHASE_ID = 'CFP-R-20251010';
export const SYNTHETIC_PHASE_ID = 'CFP-SYN-0001';

export const CEASEFIRE_PHASES: PhaseSeed[] = [
  {
    id: REAL_PHASE_ID,
    name: 'Ceasefire in force',
    startsOn: CEASEFIRE_IN_FORCE,
    endsOn: null,
    conditions: [
      'Israeli forces withdraw to the Yellow Line',
      'The living hostages are returned and Israel releases Palestinian prisoners and detainees',
      'The remains of the deceased hostages are returned; for each, Israel returns the remains of 15 Palestinians',
    ],
    source: 'CMCC',
    asOf: CEASEFIRE_IN_FORCE,
    citedSources: PUBLIC_STATEMENTS,
    statement: 'The ceasefire came into force on 10 Oct 2025; Israeli forces withdrew to the Yellow Line.',
    marking: PUBLIC,
  },
  {
    // Illustrative only: a planning record of a later phase, marked as a nation would mark its own planning.
    id: SYNTHETIC_PHASE_ID,
    name: 'Illustrative: next phase (planning assumption)',
    startsOn: '2026-02-01',
    endsOn: null,
    conditions: ['Illustrative: an international stabilization force deploys', 'Illustrative: further withdrawal from the Yellow Line'],
    source: 'SYNTHETIC',
    asOf: '2026-01-27',
    citedSources: null,
    statement: 'Illustrative record: a planning assumption, not a published phase or date.',
    marking: seedMarking('CONFIDENTIAL', 'AMBER', ['FVEY'], 'USA'),
  },
];

export const LIVING_RETURN_ID = 'HR-R-20251013-LIVING';
export const DECEASED_RETURNS_ID = 'HR-R-20251013-20260126-DECEASED';
export const LAST_DECEASED_RETURN_ID = 'HR-R-20260126-LAST';

export const HOSTAGE_RETURNS: HostageReturnSeed[] = [
  {
    id: LIVING_RETURN_ID,
    living: true,
    count: 20,
    periodStart: null,
    date: '2025-10-13',
    via: null,
    countedIn: null,
    source: 'CMCC',
    asOf: '2025-10-13',
    citedSources: PUBLIC_STATEMENTS,
    statement: 'The 20 living hostages were returned on 13 Oct 2025.',
    marking: PUBLIC,
  },
  {
    id: DECEASED_RETURNS_ID,
    living: false,
    count: 28,
    periodStart: '2025-10-13',
    date: '2026-01-26',
    via: null,
    countedIn: null,
    source: 'CMCC',
    asOf: '2026-01-26',
    citedSources: PUBLIC_STATEMENTS,
    statement: 'The remains of 28 deceased hostages were returned between 13 Oct 2025 and 26 Jan 2026, the last recovered by an Israeli military operation.',
    marking: PUBLIC,
  },
  {
    id: LAST_DECEASED_RETURN_ID,
    living: false,
    count: 1,
    periodStart: null,
    date: '2026-01-26',
    via: 'Israeli military operation (recovered, not handed over)',
    countedIn: DECEASED_RETURNS_ID,
    source: 'CMCC',
    asOf: '2026-01-26',
    citedSources: PUBLIC_STATEMENTS,
    statement: 'The last of the 28 deceased hostages was recovered by an Israeli military operation; counted in the 28.',
    marking: PUBLIC,
  },
];

export const PRISONER_RELEASE_ID = 'DR-R-20251013';
export const REMAINS_PER_HOSTAGE_ID = 'DR-R-20251013-20260126-REMAINS';

export const DETAINEE_RELEASES: DetaineeReleaseSeed[] = [
  {
    id: PRISONER_RELEASE_ID,
    count: 1968,
    approximate: true,
    countBasis: 'TOTAL',
    category: 'PRISONERS_AND_DETAINEES',
    periodStart: null,
    date: '2025-10-13',
    source: 'CMCC',
    asOf: '2025-10-13',
    citedSources: PUBLIC_STATEMENTS,
    statement: 'Israel released about 1,968 Palestinian prisoners and detainees on 13 Oct 2025.',
    marking: PUBLIC,
  },
  {
    id: REMAINS_PER_HOSTAGE_ID,
    count: 15,
    approximate: false,
    countBasis: 'PER_DECEASED_HOSTAGE_RETURNED',
    category: 'REMAINS',
    periodStart: '2025-10-13',
    date: '2026-01-26',
    source: 'CMCC',
    asOf: '2026-01-26',
    citedSources: PUBLIC_STATEMENTS,
    statement: 'For each deceased hostage returned, Israel returned the remains of 15 Palestinians.',
    marking: PUBLIC,
  },
];

/** Seeds the ceasefire-implementation records (called inside the security seed's own once-only transaction). */
export async function seedCeasefire(tx: Queryable): Promise<void> {
  await insertRows(
    tx,
    'ceasefire_phase',
    ['id', 'name', 'starts_on', 'ends_on', 'conditions', 'source', 'as_of', 'cited_sources', 'statement', ...MARKING_COLUMNS],
    CEASEFIRE_PHASES.map((p) => [p.id, p.name, p.startsOn, p.endsOn, p.conditions, p.source, p.asOf, p.citedSources, p.statement, ...markingValues(p.marking)]),
  );
  await insertRows(
    tx,
    'hostage_return',
    ['id', 'living', 'count', 'period_start', 'event_date', 'via', 'counted_in', 'source', 'as_of', 'cited_sources', 'statement', ...MARKING_COLUMNS],
    // Aggregates first: an event names the aggregate it is counted in.
    [...HOSTAGE_RETURNS].sort((a, b) => Number(a.countedIn !== null) - Number(b.countedIn !== null)).map((h) => [
      h.id, h.living, h.count, h.periodStart, h.date, h.via, h.countedIn, h.source, h.asOf, h.citedSources, h.statement, ...markingValues(h.marking),
    ]),
  );
  await insertRows(
    tx,
    'detainee_release',
    ['id', 'count', 'approximate', 'count_basis', 'category', 'period_start', 'event_date', 'source', 'as_of', 'cited_sources', 'statement', ...MARKING_COLUMNS],
    DETAINEE_RELEASES.map((d) => [
      d.id, d.count, d.approximate, d.countBasis, d.category, d.periodStart, d.date, d.source, d.asOf, d.citedSources, d.statement, ...markingValues(d.marking),
    ]),
  );
}
