import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { GOVERNORATE_PCODES, insertRows, MARKING_COLUMNS, markingToRow, type AccessMarking, type Principal } from '@cmcc/subgraph-kit';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Utility services (feeder lines, water per person per day) and fuel allocations by consumer: SYNTHETIC, since
 * DOMAIN.md gives no figure for them, and marked like every engineering record: who must NOT see a record does not
 * find it in a list, a total or an area's fields.
 */

let subgraph: TestSubgraph;

const principal = (over: Partial<Principal> & { subject: string }): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  ...over,
});
const US_SECRET = TEST_PRINCIPAL;
const DEU_RESTRICTED = principal({ subject: 'deu-restricted', nation: 'DEU', organization: 'CMCC', clearance: 'RESTRICTED' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const UNICEF_OFFICER = principal({ subject: 'unicef-officer', organization: 'XM-DAC-41122' });
const OUTSIDER = principal({ subject: 'outsider', nation: 'USA', clearance: 'SECRET', participant: false });

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients: [], caveats: [] }));

// Fixtures lie in a governorate P-code the seed does not use, so what each principal sees there is known exactly.
const AREA = 'PS0299';
const FIXTURES = {
  OPEN: mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC'),
  SECRET_FVEY: mark('SECRET', 'AMBER', ['FVEY'], 'USA'),
  STRICT_UNICEF: mark('UNCLASSIFIED', 'AMBER_STRICT', ['XM-DAC-41122'], 'XM-DAC-41140'),
};
/**
 * Which fixtures each principal may see, from the rule's text: clearance, release, TLP. GREEN needs the participant
 * claim (the outsider lacks it); AMBER+STRICT names UNICEF by org id, so no nation or the CMCC org reaches it; SECRET
 * needs a SECRET clearance and a nation in FVEY.
 */
const EXPECTED: [Principal, string[]][] = [
  [US_SECRET, ['OPEN', 'SECRET_FVEY']],
  [DEU_RESTRICTED, ['OPEN']],
  [PARTNER_NGO, ['OPEN']],
  [UNICEF_OFFICER, ['OPEN', 'STRICT_UNICEF']],
  [OUTSIDER, ['SECRET_FVEY']],
];

beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
  await insertRows(
    subgraph.db,
    'utility_service',
    ['id', 'area_pcode', 'as_of', 'feeder_lines', 'water_litres_per_person_per_day', 'source', ...MARKING_COLUMNS],
    Object.entries(FIXTURES).map(([name, marking]) => [
      `UTIL-T-${name}`,
      AREA,
      '2025-11-20',
      JSON.stringify([{ name: 'Test line', origin: 'Israeli grid', status: 'DE_ENERGISED' }]),
      6.5,
      'SYNTHETIC',
      ...marking,
    ]),
  );
  await insertRows(
    subgraph.db,
    'fuel_allocation',
    ['id', 'area_pcode', 'allocated_on', 'consumer', 'litres', 'source', ...MARKING_COLUMNS],
    Object.entries(FIXTURES).map(([name, marking]) => [`FUEL-T-${name}`, `${AREA}01`, '2025-11-20', 'HOSPITALS', 1000, 'SYNTHETIC', ...marking]),
  );
});
afterAll(() => subgraph?.close());

describe('utility services and fuel allocations: what is seeded', () => {
  it('seeds one SYNTHETIC utility record per governorate and date, feeder lines from the Israeli grid and water in litres per person per day', async () => {
    const { data, errors } = await subgraph.execute(
      '{ utilityServices(first: 500) { edges { node { id area { pcode } asOf source description waterLitresPerPersonPerDay feederLines { origin status } } } } }',
    );
    expect(errors).toBeUndefined();
    const seeded = data.utilityServices.edges.map((e: { node: any }) => e.node).filter((n: { id: string }) => !n.id.startsWith('UTIL-T-'));
    expect(seeded.length).toBeGreaterThan(0);
    for (const node of seeded) {
      expect(node.source).toBe('SYNTHETIC');
      expect(GOVERNORATE_PCODES).toContain(node.area.pcode);
      expect(node.description).toMatch(/^Illustrative/);
      for (const line of node.feederLines) expect(line.origin).toBe('Israeli grid');
    }
    const rows = await subgraph.db.query<{ n: number; per: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT (area_pcode, as_of))::int AS per FROM utility_service WHERE id NOT LIKE 'UTIL-T-%'",
    );
    expect(rows[0].n).toBe(rows[0].per);
    expect(rows[0].n).toBe(GOVERNORATE_PCODES.length * 2);
  });

  it('seeds SYNTHETIC fuel allocations, dated, in litres, for hospitals, water and sanitation, bakeries and telecoms', async () => {
    const rows = await subgraph.db.query<{ consumer: string; source: string }>(
      "SELECT DISTINCT consumer, source FROM fuel_allocation WHERE id NOT LIKE 'FUEL-T-%' ORDER BY consumer",
    );
    expect(rows).toEqual(['BAKERIES', 'HOSPITALS', 'TELECOMS', 'WATER_SANITATION'].map((consumer) => ({ consumer, source: 'SYNTHETIC' })));
  });
});

describe('utility services and fuel allocations: rule v2', () => {
  const seen = async (who: Principal) => {
    const { data, errors } = await subgraph.execute(
      `{ utilityServices(filter: { areaPcode: "${AREA}" }) { totalCount edges { node { id } } }
         fuelAllocations(filter: { areaPcode: "${AREA}", consumer: HOSPITALS }) { totalCount edges { node { id } } }
         _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) { ... on Area { utilityServices { id } fuelAllocations { id } } } }`,
      undefined,
      who,
    );
    expect(errors).toBeUndefined();
    const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();
    const [area] = data._entities;
    return {
      utilities: ids(data.utilityServices.edges.map((e: { node: { id: string } }) => e.node)),
      utilityTotal: data.utilityServices.totalCount,
      areaUtilities: ids(area.utilityServices),
      fuel: ids(data.fuelAllocations.edges.map((e: { node: { id: string } }) => e.node)),
      fuelTotal: data.fuelAllocations.totalCount,
      areaFuel: ids(area.fuelAllocations),
    };
  };

  it.each(EXPECTED.map(([who, names]) => [who.subject, who, names] as const))('%s sees exactly the records released to it, and none of the others', async (_name, who, names) => {
    const utilities = names.map((n) => `UTIL-T-${n}`).sort();
    const fuel = names.map((n) => `FUEL-T-${n}`).sort();
    expect(await seen(who)).toEqual({
      utilities,
      utilityTotal: utilities.length,
      areaUtilities: utilities,
      fuel,
      fuelTotal: fuel.length,
      areaFuel: fuel,
    });
  });
});
