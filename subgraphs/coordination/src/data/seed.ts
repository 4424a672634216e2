import { addDays, insertRows, LOCALITIES, MARKING_COLUMNS, markingToRow, SeededRandom, seedOnce, SYNTHETIC_EPOCH, syntheticMarking, type Database } from '@cmcc/subgraph-kit';
import { TABLE } from './repository.ts';

/** How many synthetic records the seed writes: enough to page through, few enough to keep every stack start fast. */
export const SEED_COUNT = 24;

export function coordinationRequestId(n: number): string {
  return `CR-${String(n).padStart(4, '0')}`;
}

/** Synthetic records only (source SYNTHETIC): deterministic, so every machine gets the same data, and written once. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'coordination-synthetic-v1', async (tx) => {
    const random = new SeededRandom(0x5eed);
    const rows = Array.from({ length: SEED_COUNT }, (_, i) => {
      const area = random.pick(LOCALITIES);
      const marking = markingToRow(syntheticMarking(random, random.pick(['USA', 'GBR', 'CMCC'])));
      return [
        coordinationRequestId(i + 1),
        `Synthetic coordination request ${i + 1} (${area.name})`,
        area.pcode,
        addDays(SYNTHETIC_EPOCH, i * 2 + random.next()).toISOString(),
        'SYNTHETIC',
        ...MARKING_COLUMNS.map((column) => marking[column]),
      ];
    });
    await insertRows(tx, TABLE, ['id', 'title', 'area_pcode', 'reported_at', 'source', ...MARKING_COLUMNS], rows);
  });
}
