import {
  addDays,
  GOVERNORATES,
  insertRows,
  MARKING_COLUMNS,
  markingToRow,
  publicMarking,
  SeededRandom,
  seedOnce,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  type AccessMarking,
  type Database,
} from '@cmcc/subgraph-kit';
import { TABLE } from './repository.ts';

/** How many synthetic contributions the seed writes: a few per nation, few enough to keep every stack start fast. */
export const SEED_COUNT = 20;

/** Nations of the CMCC's releasability vocabulary (docs/domain.md); which of them would contribute is illustrative only. */
const NATIONS = ['EGY', 'JOR', 'ARE', 'QAT', 'TUR', 'AUS', 'GBR', 'DEU'] as const;
const ROLES = ['ENGINEERING', 'MEDICAL', 'SECURITY', 'LOGISTICS', 'EOD'] as const;
const UNIT_KINDS: Record<(typeof ROLES)[number], string> = {
  ENGINEERING: 'engineer company',
  MEDICAL: 'field medical unit',
  SECURITY: 'security company',
  LOGISTICS: 'logistics company',
  EOD: 'EOD team',
};

export function forceContributionId(n: number): string {
  return `FC-${String(n).padStart(4, '0')}`;
}

/**
 * How a nation marks its own offer: mostly for itself and the US-led CMCC planners only, some for every CMCC
 * participant, a few for itself alone.
 */
function nationMarking(random: SeededRandom, nation: string): AccessMarking {
  const base = { originator: nation, recipients: [], caveats: [] };
  return random.weighted<AccessMarking>([
    [{ ...base, classification: 'CONFIDENTIAL', releasableTo: [nation, 'USA'], tlp: 'AMBER' }, 50],
    [{ ...base, classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'AMBER' }, 25],
    [{ ...base, classification: 'RESTRICTED', releasableTo: ['CMCC'], tlp: 'GREEN' }, 10],
    [{ ...base, classification: 'CONFIDENTIAL', releasableTo: [], tlp: 'AMBER_STRICT' }, 15],
  ]);
}

/**
 * [R] As of Dec 2025 no ISF troops had deployed; some offers were publicly discussed, and Israel objected to Turkish
 * participation. The objection is the one real record: no unit, role or size is known (its area is the Gaza Strip as a whole), no troops are pledged or
 * deployed, and the day is not given (the first of December stands for "as of Dec 2025").
 */
const TURKEY_OBJECTED_TO = {
  nation: 'TUR',
  status: 'OBJECTED_TO',
  troops_pledged: null,
  troops_deployed: 0,
  readiness_as_of: '2025-12-01T00:00:00Z',
  area_pcode: 'PS02',
  announced_at: null,
  source: 'CMCC',
  description:
    'Real: as of December 2025 Israel objected to Turkish participation in the International Stabilization Force, and no ISF ' +
    'troops had deployed. No troop figure is recorded and none is pledged or deployed here; the date stands for the month.',
  ...markingToRow(publicMarking('CMCC')),
};

/** Synthetic contributions (source SYNTHETIC): deterministic, so every machine gets the same data, and written once. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'multinational-force-synthetic-v1', async (tx) => {
    const random = new SeededRandom(0xf0ce);
    const rows = Array.from({ length: SEED_COUNT }, (_, i) => {
      const nation = NATIONS[i % NATIONS.length];
      const role = random.pick(ROLES);
      // [R] As of Dec 2025 no ISF troops had deployed: no synthetic unit is DEPLOYED either.
      const readiness = random.weighted([['NOT_READY', 30], ['PREPARING', 45], ['READY', 25]] as const);
      const marking = markingToRow(nationMarking(random, nation));
      const personnel = random.int(4, 60) * 10;
      return [
        forceContributionId(i + 1),
        nation,
        `Synthetic ${UNIT_KINDS[role]} ${i + 1} (${nation})`,
        role,
        personnel,
        readiness,
        addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1) + random.next()).toISOString(),
        random.pick(GOVERNORATES).pcode,
        'SYNTHETIC',
        // A unit still "not ready" is one a nation is considering; the others are pledged. None has deployed troops.
        readiness === 'NOT_READY' ? 'CONSIDERING' : 'PLEDGED',
        personnel,
        0,
        ...MARKING_COLUMNS.map((column) => marking[column]),
      ];
    });
    await insertRows(
      tx,
      TABLE,
      ['id', 'nation', 'unit', 'role', 'personnel', 'readiness', 'readiness_as_of', 'area_pcode', 'source', 'status', 'troops_pledged', 'troops_deployed', ...MARKING_COLUMNS],
      rows,
    );
  });
  await seedOnce(db, 'multinational-force-real-v1', async (tx) => {
    await insertRows(tx, TABLE, ['id', ...Object.keys(TURKEY_OBJECTED_TO)], [['FC-R-TUR-2025-12', ...Object.values(TURKEY_OBJECTED_TO)]]);
  });
}
