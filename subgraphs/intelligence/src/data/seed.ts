import {
  addDays,
  incidentId,
  insertRows,
  LOCALITIES,
  MARKING_COLUMNS,
  markingToRow,
  seedMarking,
  SeededRandom,
  seedOnce,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  type AccessMarking,
  type Database,
} from '@cmcc/subgraph-kit';
import { RELIABILITY } from './grading.ts';
import { TABLE } from './repository.ts';

/** How many synthetic reports the seed writes: enough to page through, few enough to keep every stack start fast. */
export const SEED_COUNT = 24;
/** Security seeds synthetic incidents INC-0001 ... INC-0240; reports bear on some of them. */
const INCIDENTS_SEEDED_BY_SECURITY = 240;

/** The columns of an intelligence report row, in the order the seed and the tests insert them. */
export const REPORT_COLUMNS = ['id', 'title', 'summary', 'reported_at', 'discipline', 'source_reliability', 'information_credibility', 'source_description', 'area_pcode', 'related_incident_ids', 'source', ...MARKING_COLUMNS];

export function intelligenceReportId(n: number): string {
  return `IR-${String(n).padStart(4, '0')}`;
}

/** Intelligence is never open: every profile is at least RESTRICTED and TLP:AMBER; most are SECRET for FVEY. */
const MARKINGS: readonly (readonly [AccessMarking, number])[] = [
  [seedMarking('SECRET', 'AMBER', ['FVEY'], 'USA'), 30],
  // Originator-controlled: only readers whose token lists ORCON.
  [seedMarking('SECRET', 'AMBER', ['FVEY'], 'USA', [], ['ORCON']), 10],
  [seedMarking('SECRET', 'AMBER_STRICT', ['USA'], 'USA'), 10],
  [seedMarking('CONFIDENTIAL', 'RED', ['USA', 'GBR'], 'GBR', ['CMCC-J2', 'gbr-j2-lead']), 15],
  [seedMarking('RESTRICTED', 'AMBER', ['NATO'], 'GBR', [], [], 'UK OFFICIAL-SENSITIVE'), 20],
  // The CMCC's US-led fusion cell: a nation's classified product, released to every participant cleared for it.
  [seedMarking('CONFIDENTIAL', 'AMBER', ['CMCC'], 'USA'), 15],
];

const TOPICS = [
  ['Armed group movement reported near', 'a group of armed men was reported moving at night'],
  ['Planned interference with aid distribution near', 'a source reported plans to seize goods at a distribution point'],
  ['Weapons cache reported in', 'a source reported a stored cache of small arms'],
  ['Checkpoint set up by an armed group near', 'an unofficial checkpoint was reported on a main road'],
  ['Threats against aid workers reported in', 'threats against local aid staff were reported'],
  ['Unexploded ordnance moved by civilians in', 'residents were reported moving unexploded items'],
] as const;

const DISCIPLINES = [['HUMINT', 45], ['OSINT', 25], ['IMINT', 15], ['SIGINT', 10], ['GEOINT', 5]] as const;
const SOURCES: Record<(typeof DISCIPLINES)[number][0], string> = {
  HUMINT: 'Synthetic source: liaison contact',
  OSINT: 'Synthetic source: social media monitoring',
  IMINT: 'Synthetic source: commercial satellite imagery',
  SIGINT: 'Synthetic source: intercepted radio traffic',
  GEOINT: 'Synthetic source: terrain analysis',
};

/** Synthetic reports only (source SYNTHETIC): deterministic, so every machine gets the same data, and written once. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'intelligence-synthetic-v1', async (tx) => {
    const random = new SeededRandom(0x1e7e1);
    const rows = Array.from({ length: SEED_COUNT }, (_, i) => {
      const area = random.pick(LOCALITIES);
      const [title, gist] = random.pick(TOPICS);
      const discipline = random.weighted(DISCIPLINES);
      const related = Array.from({ length: random.int(0, 3) }, () => incidentId(random.int(1, INCIDENTS_SEEDED_BY_SECURITY)));
      const row = markingToRow(random.weighted(MARKINGS));
      return [
        intelligenceReportId(i + 1),
        `${title} ${area.name} (synthetic)`,
        `Illustrative report, not a real assessment: ${gist} in ${area.name}.`,
        addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1) + random.next()).toISOString(),
        discipline,
        random.pick(RELIABILITY),
        random.int(1, 6),
        `${SOURCES[discipline]}, ${area.name}`,
        area.pcode,
        [...new Set(related)],
        'SYNTHETIC',
        ...MARKING_COLUMNS.map((column) => row[column]),
      ];
    });
    await insertRows(
      tx,
      TABLE,
      REPORT_COLUMNS,
      rows,
    );
  });
}
