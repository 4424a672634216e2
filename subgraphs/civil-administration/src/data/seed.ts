import {
  COUNTRY,
  GAZA_STRIP,
  GOVERNORATES,
  HOSPITAL_COUNT,
  LOCALITIES,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  SeededRandom,
  addDays,
  hospitalId,
  insertRows,
  MARKING_COLUMNS,
  markingValues,
  publicMarking,
  seedOnce,
  syntheticMarking,
  syntheticPoint,
  type AreaReference,
  type Database,
  type Queryable,
} from '@cmcc/subgraph-kit';

/** Real figures [R], each with its source and date. */
const REAL_POPULATION: [pcode: string, value: number, source: string, asOf: string, description: string][] = [
  ['PS0255', 448_000, 'PCBS', '2023-10-06', 'Pre-war population on the eve of 7 October 2023 (approximate)'],
  ['PS0260', 754_000, 'PCBS', '2023-10-06', 'Pre-war population on the eve of 7 October 2023 (approximate)'],
  ['PS0255', 368_721, 'MOI', '2020-12-31', 'Civil registry, end of 2020'],
  ['PS0260', 847_712, 'MOI', '2020-12-31', 'Civil registry, end of 2020'],
  ['PS0265', 316_144, 'MOI', '2020-12-31', 'Civil registry, end of 2020'],
  ['PS0270', 439_729, 'MOI', '2020-12-31', 'Civil registry, end of 2020'],
  ['PS0275', 281_755, 'MOI', '2020-12-31', 'Civil registry, end of 2020'],
  ['PS02', 2_100_000, 'PCBS', '2025-01-01', 'Estimated population of the Gaza Strip, 2024-25 (approximate)'],
  ['PS02', 1_030_000, 'PCBS', '2023-10-06', 'Pre-war population of the three southern governorates together (Deir Al-Balah, Khan Younis, Rafah) on the eve of 7 October 2023 (approximate): not the population of the whole Strip'],
];

/**
 * Synthetic current populations of the localities: the Strip's ~2.1 M [R] (PCBS, 2024-25) shared among the governorates in
 * the proportions of the MoI civil registry at the end of 2020 [R], and within a governorate by the given weights.
 */
export function syntheticLocalityPopulations(weighted: readonly (readonly [AreaReference, number])[]): [string, string, number, string, string, string][] {
  const strip = REAL_POPULATION.find(([pcode, , source, asOf]) => pcode === GAZA_STRIP.pcode && source === 'PCBS' && asOf === '2025-01-01')![1];
  const registry = REAL_POPULATION.filter(([pcode, , source]) => source === 'MOI' && pcode.length === 6);
  const registryTotal = registry.reduce((sum, [, value]) => sum + value, 0);
  const rows: [string, string, number, string, string, string][] = [];
  for (const [governorate, registered] of registry) {
    const share = Math.round((strip * registered) / registryTotal);
    const localities = weighted.filter(([locality]) => locality.parent === governorate);
    const weights = localities.reduce((sum, [, weight]) => sum + weight, 0);
    let left = share;
    localities.forEach(([locality, weight], index) => {
      const value = index === localities.length - 1 ? left : Math.round((share * weight) / weights);
      left -= value;
      rows.push([`POP-${locality.pcode}-SYNTHETIC`, locality.pcode, value, 'SYNTHETIC', '2025-11-01', 'Illustrative current population']);
    });
  }
  return rows;
}

const REAL_MOVEMENTS_DESCRIPTION =
  'More than 425,000 south-to-north movements counted at flow-monitoring points in the first ~10 days of the ceasefire: ' +
  'movements, not people (one person crossing twice counts twice).';

const SITE_TYPES = [
  ['COLLECTIVE_CENTRE', 30],
  ['MAKESHIFT_SITE', 35],
  ['PLANNED_SITE', 10],
  ['HOST_COMMUNITY', 15],
  ['DAMAGED_HOME', 10],
] as const;
const SITE_RISKS = ['FLOODING', 'UXO', 'OVERCROWDING', 'FIRE', 'WASH_GAPS', 'EVICTION', 'PROTECTION'];
const SITE_MANAGERS = ['XM-DAC-47066', 'XM-DAC-41130', 'XM-DAC-41122', 'XI-CMCC-PRCS', null];
const MONITORING_POINTS = [
  { name: 'Al-Rashid Road (coastal)', area: 'PS026002' },
  { name: 'Salah al-Din Road', area: 'PS026501' },
];

/** Seeds reference areas, real population figures and a deterministic synthetic picture; runs once per database. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'civil-administration-v1', async (tx) => {
    const random = new SeededRandom(2025_10_10);
    // Coordinates come from their own generator so that the rest of the seeded picture stays as it was.
    const places = new SeededRandom(2025_10_11);
    await insertRows(tx, 'area', ['pcode', 'name', 'name_ar', 'admin_level', 'operational_level', 'iso3166_2', 'parent_pcode', 'source'], [
      [COUNTRY.pcode, COUNTRY.name, COUNTRY.nameAr, 0, 'COUNTRY', null, null, 'OCHA'],
      [GAZA_STRIP.pcode, GAZA_STRIP.name, GAZA_STRIP.nameAr, 1, 'TERRITORY', null, COUNTRY.pcode, 'OCHA'],
      ...GOVERNORATES.map((g) => [g.pcode, g.name, g.nameAr, 2, 'GOVERNORATE', g.iso3166_2, g.parent, 'OCHA']),
      // Locality names are real; their P-code suffixes are illustrative.
      ...LOCALITIES.map((l) => [l.pcode, l.name, l.nameAr, 3, 'LOCALITY', null, l.parent, 'SYNTHETIC']),
    ]);

    const estimates = REAL_POPULATION.map(([pcode, value, source, asOf, description]) => [`POP-${pcode}-${source}-${asOf}`, pcode, value, source, asOf, description]);
    estimates.push(...syntheticLocalityPopulations(LOCALITIES.map((locality) => [locality, random.int(20_000, 350_000)] as const)));
    await insertRows(tx, 'population_estimate', ['id', 'area_pcode', 'value', 'source', 'as_of', 'description'], estimates);

    await insertRows(
      tx,
      'municipality',
      ['id', 'name', 'name_ar', 'area_pcode', 'source'],
      LOCALITIES.map((l) => [`MUN-${l.pcode}`, `${l.name} Municipality`, `بلدية ${l.nameAr}`, l.pcode, 'SYNTHETIC']),
    );

    const sites = [];
    for (let n = 1; n <= 60; n++) {
      const locality = random.pick(LOCALITIES);
      const type = random.weighted(SITE_TYPES);
      const households = random.int(20, type === 'COLLECTIVE_CENTRE' ? 900 : 2500);
      const manager = random.pick(SITE_MANAGERS);
      const risks = SITE_RISKS.filter(() => random.chance(0.25));
      // Inside the locality's governorate and west of the Yellow Line. The main generator's two draws that used to place the
      // site are kept, and discarded, so that the fields drawn after them stay as they were.
      random.next();
      random.next();
      const [latitude, longitude] = syntheticPoint(locality.pcode, () => places.next());
      sites.push([
        `SITE-${String(n).padStart(4, '0')}`,
        `${locality.name} ${type === 'COLLECTIVE_CENTRE' ? 'School Shelter' : 'Site'} ${n}`,
        type,
        locality.pcode,
        households,
        households * random.int(5, 7),
        manager,
        risks,
        latitude,
        longitude,
        'SYNTHETIC',
        addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1)).toISOString().slice(0, 10),
        ...markingValues(syntheticMarking(random, manager ?? 'CMCC')),
      ]);
    }
    await insertRows(
      tx,
      'displacement_site',
      ['id', 'name', 'type', 'area_pcode', 'households', 'individuals', 'site_manager_org_id', 'risks', 'latitude', 'longitude', 'source', 'as_of', ...MARKING_COLUMNS],
      sites,
    );

    // [R] More than 425,000 south-to-north *movements* (not people: one person crossing twice counts twice) counted at
    // flow-monitoring points in the first ~10 days of the ceasefire, for the Gaza Strip as a whole.
    await insertRows(
      tx,
      'population_movement',
      ['id', 'monitoring_point', 'area_pcode', 'date', 'direction', 'count', 'count_is_minimum', 'description', 'source', ...MARKING_COLUMNS],
      [['MOVE-R-2025-10-19', 'All monitoring points, first ten days of the ceasefire', 'PS02', '2025-10-19', 'S_TO_N', 425_000, true, REAL_MOVEMENTS_DESCRIPTION, 'OCHA', ...markingValues(publicMarking('XM-DAC-41127'))]],
    );
    const movements: unknown[][] = [];
    for (let day = 0; day < SYNTHETIC_DAYS; day++) {
      const date = addDays(SYNTHETIC_EPOCH, day).toISOString().slice(0, 10);
      for (const [index, point] of MONITORING_POINTS.entries()) {
        const surge = day < 10 ? 8 : 1;
        for (const direction of ['S_TO_N', 'N_TO_S'] as const) {
          const count = direction === 'S_TO_N' ? random.int(800, 4000) * surge : random.int(100, 1500);
          movements.push([`MOVE-${date}-${index + 1}-${direction}`, point.name, point.area, date, direction, count, 'SYNTHETIC', ...markingValues(syntheticMarking(random, 'XM-DAC-47066'))]);
        }
      }
    }
    await insertRows(tx, 'population_movement', ['id', 'monitoring_point', 'area_pcode', 'date', 'direction', 'count', 'source', ...MARKING_COLUMNS], movements);

    // WHO reported 14 of 36 hospitals partially functioning on 8 Oct 2025 [R]; which ones is illustrative.
    const statuses = [];
    for (let n = 1; n <= HOSPITAL_COUNT; n++) {
      const partial = n <= 14;
      statuses.push([
        hospitalId(n),
        partial ? 'PARTIAL' : 'NONE',
        partial ? 'PARTIALLY_DAMAGED' : random.pick(['PARTIALLY_DAMAGED', 'FULLY_DAMAGED']),
        partial ? random.pick(['ACCESSIBLE', 'PARTIALLY_ACCESSIBLE']) : random.pick(['PARTIALLY_ACCESSIBLE', 'INACCESSIBLE']),
        ['INSECURITY', 'LACK_OF_FUEL', 'LACK_OF_STAFF', 'DAMAGE', 'LACK_OF_SUPPLIES'].filter(() => random.chance(0.4)),
        '2025-10-08',
        'SYNTHETIC',
        ...markingValues(syntheticMarking(random, 'XM-DAC-928')),
      ]);
    }
    await insertRows(
      tx,
      'facility_service_status',
      ['id', 'functionality', 'building_condition', 'accessibility', 'disruption_causes', 'as_of', 'source', ...MARKING_COLUMNS],
      statuses,
    );
  });  await seedOnce(db, 'civil-administration-governance-v1', (tx) => seedGovernance(tx));
}

const RESOLUTION_2803 = 'UN Security Council resolution 2803 (17 Nov 2025)';

/** [R] The bodies resolution 2803 endorsed, welcomed or authorised: name, kind, mandate, legal basis; none known established. */
const GOVERNING_BODIES = [
  {
    id: 'GB-BOARD-OF-PEACE',
    name: 'Board of Peace',
    kind: 'TRANSITIONAL_ADMINISTRATION',
    mandate: 'Transitional administration of Gaza, welcomed as such by the Security Council when it endorsed the plan.',
    legalBasis: RESOLUTION_2803,
  },
  {
    id: 'GB-ISF',
    name: 'International Stabilization Force (ISF)',
    kind: 'STABILIZATION_FORCE',
    mandate: 'A temporary international stabilization force in Gaza, authorised by the Security Council.',
    legalBasis: RESOLUTION_2803,
  },
  {
    id: 'GB-TECHNOCRATIC-COMMITTEE',
    name: 'Palestinian technocratic committee',
    kind: 'TECHNOCRATIC_COMMITTEE',
    mandate: 'To run day-to-day services in Gaza.',
    legalBasis: `The plan endorsed by ${RESOLUTION_2803}`,
  },
] as const;

/** [R] What is decided (with the date of the decision) and what is pending (as of a date) about each body. */
const GOVERNANCE_STEPS: [id: string, body: string, step: string, status: 'DECIDED' | 'PENDING', decidedOn: string | null, asOf: string, decidedBy: string | null, source: string][] = [
  ['GBS-BOP-2803', 'GB-BOARD-OF-PEACE', 'Plan endorsed; the Board of Peace welcomed as a transitional administration', 'DECIDED', '2025-11-17', '2025-11-17', 'UN Security Council', 'UNSC'],
  ['GBS-ISF-2803', 'GB-ISF', 'Temporary International Stabilization Force authorised', 'DECIDED', '2025-11-17', '2025-11-17', 'UN Security Council', 'UNSC'],
  // As of Dec 2025 no ISF troops had deployed (the first of December stands for the month).
  ['GBS-ISF-DEPLOYMENT', 'GB-ISF', 'Troops deployed in Gaza', 'PENDING', null, '2025-12-01', null, 'CMCC'],
  ['GBS-TC-2803', 'GB-TECHNOCRATIC-COMMITTEE', 'To run day-to-day services under the plan endorsed by resolution 2803', 'DECIDED', '2025-11-17', '2025-11-17', 'UN Security Council', 'UNSC'],
  ['GBS-TC-SERVICES', 'GB-TECHNOCRATIC-COMMITTEE', 'Committee running day-to-day services', 'PENDING', null, '2025-11-17', null, 'UNSC'],
];

/** Illustrative members (SYNTHETIC): DOMAIN.md names no member of any body. */
const ILLUSTRATIVE_MEMBERS: [body: string, nation: string | null, organization: string | null, role: string][] = [
  ['GB-BOARD-OF-PEACE', 'USA', null, 'Member (illustrative)'],
  ['GB-BOARD-OF-PEACE', 'EGY', null, 'Member (illustrative)'],
  ['GB-BOARD-OF-PEACE', 'QAT', null, 'Member (illustrative)'],
  ['GB-BOARD-OF-PEACE', null, 'XM-DAC-41114', 'Observer (illustrative)'],
  ['GB-TECHNOCRATIC-COMMITTEE', 'PSE', null, 'Water and electricity services (illustrative)'],
  ['GB-TECHNOCRATIC-COMMITTEE', 'PSE', null, 'Health services (illustrative)'],
];

async function seedGovernance(tx: Queryable): Promise<void> {
  const random = new SeededRandom(2025_11_17);
  await insertRows(
    tx,
    'governing_body',
    ['id', 'name', 'kind', 'mandate', 'legal_basis', 'established_on', 'source', 'as_of', 'description', ...MARKING_COLUMNS],
    GOVERNING_BODIES.map((b) => [
      b.id, b.name, b.kind, b.mandate, b.legalBasis, null, 'UNSC', '2025-11-17',
      'Real: the body, its mandate and its legal basis as UN Security Council resolution 2803 (17 Nov 2025) states them. ' +
        'Its members here are illustrative (SYNTHETIC).',
      ...markingValues(publicMarking('CMCC')),
    ]),
  );
  await insertRows(tx, 'governing_body_step', ['id', 'body_id', 'step', 'status', 'decided_on', 'as_of', 'decided_by', 'source'], GOVERNANCE_STEPS);
  await insertRows(
    tx,
    'governing_body_member',
    ['id', 'body_id', 'nation', 'organization', 'role', 'status', 'since', 'source', ...MARKING_COLUMNS],
    ILLUSTRATIVE_MEMBERS.map(([body, nation, organization, role], n) => [
      `GBM-${String(n + 1).padStart(3, '0')}`, body, nation, organization, role, 'PENDING', null, 'SYNTHETIC',
      ...markingValues(syntheticMarking(random, nation && nation !== 'PSE' ? nation : (organization ?? 'CMCC'))),
    ]),
  );
}
