import { GOVERNORATES, MARKING_COLUMNS, SeededRandom, addDays, insertRows, isoDay, markingValues, publicMarking, seedMarking, seedOnce, type Database } from '@cmcc/subgraph-kit';
import { CONDITION_CATEGORIES, MEDICAL_CAVEAT, medevacId, medevacProblems, rafahOpenOn, RAFAH_OPEN_PERIODS, type MedevacFacts } from './medevac-rules.ts';

const WHO = 'XM-DAC-928';
const ICRC = 'XI-CMCC-ICRC';
/** Synthetic cases: requested between these days (after Rafah closed in May 2024, up to Rafah's last open day). */
const FIRST_REQUEST = '2024-06-01';
const LAST_DAY = '2026-02-27';
const CASE_COUNT = 72;
/** The first cases are evacuated inside Rafah's open periods (8 in 2025, 4 in 2026), so both periods are shown. */
const IN_RAFAH_PERIODS = [8, 4];

const DESTINATIONS: Record<string, [string, number][]> = {
  VIA_EGYPT: [['EGY', 60], ['ARE', 15], ['QAT', 10], ['TUR', 15]],
  ALLENBY_TO_JORDAN: [['JOR', 100]],
  BY_AIR_FROM_ISRAEL: [['ARE', 50], ['JOR', 10], ['ITA', 15], ['NOR', 10], ['ESP', 15]],
};

const daysBetween = (from: string, until: string) => Math.round((Date.parse(until) - Date.parse(from)) / 86_400_000);
const plus = (day: string, days: number) => isoDay(addDays(new Date(`${day}T00:00:00Z`), days));
const earliest = (a: string, b: string) => (a < b ? a : b);

/**
 * Seeds 72 synthetic medical evacuation cases (source SYNTHETIC, pseudonymous references, no names), every one marked
 * MEDICAL and obeying the route rules of medevac-rules.ts (checked here: the seed refuses to write a case that breaks
 * them), and one SYNTHETIC waiting-list figure that only stands in until WHO's published figure is imported.
 */
export async function seedMedicalEvacuations(db: Database): Promise<void> {
  await seedOnce(db, 'humanitarian-medevac-v1', async (tx) => {
    const random = new SeededRandom(2026_02_02);
    const rows: unknown[][] = [];
    for (let n = 1; n <= CASE_COUNT; n++) {
      const period = n <= IN_RAFAH_PERIODS[0] ? RAFAH_OPEN_PERIODS[0] : n <= IN_RAFAH_PERIODS[0] + IN_RAFAH_PERIODS[1] ? RAFAH_OPEN_PERIODS[1] : null;
      let status: string;
      let requestedOn: string;
      let decidedOn: string | null = null;
      let evacuatedOn: string | null = null;
      if (period) {
        status = 'EVACUATED';
        evacuatedOn = plus(period.from, random.int(0, daysBetween(period.from, period.until)));
        decidedOn = plus(evacuatedOn, -random.int(1, 10));
        requestedOn = plus(decidedOn, -random.int(5, 90));
      } else {
        status = random.weighted([['EVACUATED', 40], ['APPROVED', 10], ['REQUESTED', 25], ['DENIED', 15], ['DIED_WAITING', 10]] as const);
        requestedOn = plus(FIRST_REQUEST, random.int(0, daysBetween(FIRST_REQUEST, LAST_DAY) - 30));
        if (status !== 'REQUESTED') decidedOn = earliest(plus(requestedOn, random.int(3, 60)), LAST_DAY);
        if (status === 'DIED_WAITING' && random.chance(0.5)) decidedOn = null;
        if (status === 'EVACUATED') evacuatedOn = earliest(plus(decidedOn!, random.int(1, 20)), LAST_DAY);
      }
      let route: string[] = [];
      let onward: string | null = null;
      let destination: string | null = null;
      if (evacuatedOn) {
        const viaRafah = rafahOpenOn(evacuatedOn) === true && random.chance(0.85);
        route = viaRafah ? ['RAFAH'] : ['KEREM_SHALOM'];
        onward = viaRafah ? 'VIA_EGYPT' : random.weighted([['ALLENBY_TO_JORDAN', 55], ['BY_AIR_FROM_ISRAEL', 45]] as const);
        destination = random.weighted(DESTINATIONS[onward]);
      } else if (status === 'APPROVED' && random.chance(0.5)) {
        destination = random.weighted(DESTINATIONS[random.pick(Object.keys(DESTINATIONS))]);
      }
      const originator = random.chance(0.75) ? WHO : ICRC;
      const caseReference = `${originator === WHO ? 'WHO' : 'ICRC'}-SYN-${requestedOn.slice(0, 4)}-${String(n).padStart(4, '0')}`;
      const marking = seedMarking('UNCLASSIFIED', 'AMBER', originator === WHO ? ['UN'] : ['UN', 'CMCC'], originator, [], [MEDICAL_CAVEAT]);
      const facts: MedevacFacts = {
        case_reference: caseReference,
        status,
        requested_on: requestedOn,
        decided_on: decidedOn,
        evacuated_on: evacuatedOn,
        route_crossing_ids: route,
        onward_route: onward,
        destination_country: destination,
        caveats: marking.caveats,
      };
      const problems = medevacProblems(facts, LAST_DAY);
      if (problems.length > 0) throw new Error(`Synthetic medical evacuation ${caseReference} breaks the rules: ${problems.map((p) => p.message).join('; ')}`);
      rows.push([
        medevacId(originator, caseReference),
        caseReference,
        random.weighted([['CRITICAL', 25], ['URGENT', 45], ['ROUTINE', 30]] as const),
        random.pick(CONDITION_CATEGORIES),
        random.pick(GOVERNORATES).pcode,
        requestedOn,
        decidedOn,
        evacuatedOn,
        status,
        route,
        onward,
        destination,
        status === 'EVACUATED' ? random.int(0, 2) : random.int(0, 1),
        'SYNTHETIC',
        ...markingValues(marking),
      ]);
    }
    await insertRows(
      tx,
      'medical_evacuation',
      [
        'id',
        'case_reference',
        'priority',
        'condition_category',
        'area_pcode',
        'requested_on',
        'decided_on',
        'evacuated_on',
        'status',
        'route_crossing_ids',
        'onward_route',
        'destination_country',
        'escorts',
        'source',
        ...MARKING_COLUMNS,
      ],
      rows,
    );
    // Illustrative only: WHO publishes the real waiting-list figure; docs/domain.md does not give it, so none is invented.
    await insertRows(
      tx,
      'medical_evacuation_waiting_figure',
      ['id', 'patients', 'as_of', 'source', 'area_pcode', 'statement', ...MARKING_COLUMNS],
      [
        [
          'MEWF-SYNTHETIC-2025-12-31',
          10_000,
          '2025-12-31',
          'SYNTHETIC',
          'PS02',
          "ILLUSTRATIVE figure, not WHO's: it stands in until WHO's published waiting-list figure is imported with its source and date (npm run import -- humanitarian medevac-waiting-list <file>).",
          ...markingValues(publicMarking('CMCC')),
        ],
      ],
    );
  });
}
