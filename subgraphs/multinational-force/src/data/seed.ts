import {
  addDays,
  GOVERNORATES,
  insertRows,
  MARKING_COLUMNS,
  markingToRow,
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

/** Synthetic contributions only (source SYNTHETIC): deterministic, so every machine gets the same data, and written once. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'multinational-force-synthetic-v1', async (tx) => {
    const random = new SeededRandom(0xf0ce);
    const rows = Array.from({ length: SEED_COUNT }, (_, i) => {
      const nation = NATIONS[i % NATIONS.length];
      const role = random.pick(ROLES);
      const readiness = random.weighted([['NOT_READY', 30], ['PREPARING', 45], ['READY', 20], ['DEPLOYED', 5]] as const);
      const marking = markingToRow(nationMarking(random, nation));
      return [
        forceContributionId(i + 1),
        nation,
        `Synthetic ${UNIT_KINDS[role]} ${i + 1} (${nation})`,
        role,
        random.int(4, 60) * 10,
        readiness,
        addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1) + random.next()).toISOString(),
        random.pick(GOVERNORATES).pcode,
        'SYNTHETIC',
        ...MARKING_COLUMNS.map((column) => marking[column]),
      ];
    });
    await insertRows(tx, TABLE, ['id', 'nation', 'unit', 'role', 'personnel', 'readiness', 'readiness_as_of', 'area_pcode', 'source', ...MARKING_COLUMNS], rows);
  });
}
