import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { released, type MarkedRow, type Reader } from '@cmcc/test-support/releasability-oracle';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * Through the gateway, civil administration's `Area` carries what engineering adds to it: `utilityServices` and
 * `fuelAllocations` (SYNTHETIC, marked) and the one real power plant; multinational force adds its commitments, with
 * troops deployed kept apart from troops pledged. Each principal gets exactly the records released to it (judged by
 * the oracle written from the rule's text): a US-only SECRET record in the area is absent for a British reader.
 */

const US_SECRET: Reader = { sub: 'us-secret', nation: 'USA', org: 'CMCC', clearance: 'SECRET', cmcc: true };
const GBR_RESTRICTED: Reader = { sub: 'gbr-restricted', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', cmcc: true };
const NO_CLAIM_NGO: Reader = { sub: 'iom-no-claim', org: 'XM-DAC-47066' };
const AREA = 'PS0265';
const US_ONLY = { classification: 'SECRET', releasable_to: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
  const db = stack.subgraphs.engineering.db;
  const columns = Object.keys(US_ONLY);
  await db.query(
    `INSERT INTO utility_service (id, area_pcode, as_of, feeder_lines, water_litres_per_person_per_day, source, ${columns.join(', ')})
     VALUES ('UTIL-T-US-ONLY', '${AREA}', '2025-12-20', '[]', 5, 'SYNTHETIC', ${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(US_ONLY),
  );
  await db.query(
    `INSERT INTO fuel_allocation (id, area_pcode, allocated_on, consumer, litres, source, ${columns.join(', ')})
     VALUES ('FUEL-T-US-ONLY', '${AREA}', '2025-12-20', 'HOSPITALS', 2000, 'SYNTHETIC', ${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(US_ONLY),
  );
}, 300_000);
afterAll(() => stack?.close());

const QUERY = `{ area(pcode: "${AREA}") {
  name
  utilityServices(first: 500) { id source feederLines { origin status } }
  fuelAllocations(consumer: HOSPITALS, first: 500) { id consumer litres source }
  facilities(type: POWER_PLANT) { name status statusAsOf }
} }`;

async function expectedIds(table: string, reader: Reader, where: string): Promise<string[]> {
  const rows = await stack.subgraphs.engineering.db.query<MarkedRow & { id: string }>(`SELECT * FROM ${table} WHERE ${where}`);
  return rows
    .filter((row) => released(reader, row))
    .map((row) => row.id)
    .sort();
}

describe('Area.utilityServices and Area.fuelAllocations through the gateway', () => {
  it.each([US_SECRET, GBR_RESTRICTED, NO_CLAIM_NGO])('give $sub exactly the released records of Deir Al-Balah, all SYNTHETIC', async (reader) => {
    const response = await stack.query(QUERY, undefined, reader as unknown as Record<string, unknown>);
    expect(response.errors).toBeUndefined();
    const area = response.data.area;
    expect(area.name).toBe('Deir Al-Balah');
    const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();
    expect(ids(area.utilityServices)).toEqual(await expectedIds('utility_service', reader, `area_pcode LIKE '${AREA}%'`));
    expect(ids(area.fuelAllocations)).toEqual(await expectedIds('fuel_allocation', reader, `area_pcode LIKE '${AREA}%' AND consumer = 'HOSPITALS'`));
    for (const record of [...area.utilityServices, ...area.fuelAllocations]) expect(record.source).toBe('SYNTHETIC');
    const seesUsOnly = reader === US_SECRET;
    expect(ids(area.utilityServices).includes('UTIL-T-US-ONLY')).toBe(seesUsOnly);
    expect(ids(area.fuelAllocations).includes('FUEL-T-US-ONLY')).toBe(seesUsOnly);
  });

  it('shows the Gaza Power Plant in Deir Al-Balah, shut down since 11 Oct 2023, as its only power plant', async () => {
    const response = await stack.query(QUERY, undefined, GBR_RESTRICTED as unknown as Record<string, unknown>);
    expect(response.data.area.facilities).toEqual([{ name: 'Gaza Power Plant', status: 'SHUT_DOWN', statusAsOf: '2023-10-11' }]);
  });

  it('keeps ISF troops deployed at 0 for the Strip and lists governing bodies beside the area, through one gateway', async () => {
    const response = await stack.query(
      '{ area(pcode: "PS02") { forceCommitments { status troopsDeployed } } governingBodies { id } }',
      undefined,
      US_SECRET as unknown as Record<string, unknown>,
    );
    expect(response.errors).toBeUndefined();
    for (const commitment of response.data.area.forceCommitments) {
      expect(commitment.status).not.toBe('DEPLOYED');
      expect(commitment.troopsDeployed).toBe(0);
    }
    expect(response.data.area.forceCommitments).toContainEqual({ status: 'OBJECTED_TO', troopsDeployed: 0 });
    expect(response.data.governingBodies.map((b: { id: string }) => b.id).sort()).toEqual(['GB-BOARD-OF-PEACE', 'GB-ISF', 'GB-TECHNOCRATIC-COMMITTEE']);
  });
});
