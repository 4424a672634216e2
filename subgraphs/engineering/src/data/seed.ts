import {
  CONVOY_COUNT,
  CROSSING_IDS,
  GOVERNORATE_PCODES,
  HOSPITAL_COUNT,
  LOCALITIES,
  MARKING_COLUMNS,
  ORGANIZATION_IDS,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  SeededRandom,
  addDays,
  convoyId,
  hospitalId,
  insertRows,
  isoDay,
  markingValues,
  publicMarking,
  seedOnce,
  syntheticMarking,
  syntheticPoint,
  type Database,
  type Queryable,
} from '@cmcc/subgraph-kit';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const UNICEF = 'XM-DAC-41122';
const UNRWA = 'XM-DAC-41130';
const WFP = 'XM-DAC-41140';
const UNDP = 'XM-DAC-41114';
const ICRC = 'XI-CMCC-ICRC';
const PRCS = 'XI-CMCC-PRCS';

type FacilityType =
  | 'WATER_WELL' | 'DESALINATION_PLANT' | 'WASTEWATER_PLANT' | 'PUMPING_STATION' | 'POWER_FEEDER' | 'POWER_PLANT'
  | 'ROAD_SEGMENT' | 'HOSPITAL' | 'PRIMARY_HEALTH_CENTRE' | 'BAKERY' | 'SCHOOL' | 'WAREHOUSE';

/** How many synthetic facilities of each kind, their capacity range and unit, and who may operate them. */
const FACILITY_PLAN: { type: FacilityType; label: string; count: number; unit: string; capacity: [number, number]; operators: (string | null)[] }[] = [
  { type: 'WATER_WELL', label: 'Water Well', count: 70, unit: 'CUBIC_METRES_PER_DAY', capacity: [400, 2500], operators: [UNICEF, null, null] },
  { type: 'DESALINATION_PLANT', label: 'Short-Term Low-Volume Desalination Unit', count: 8, unit: 'CUBIC_METRES_PER_DAY', capacity: [300, 2400], operators: [UNICEF, null] },
  { type: 'WASTEWATER_PLANT', label: 'Wastewater Treatment Plant', count: 6, unit: 'CUBIC_METRES_PER_DAY', capacity: [5000, 60000], operators: [UNICEF, null] },
  { type: 'PUMPING_STATION', label: 'Pumping Station', count: 30, unit: 'CUBIC_METRES_PER_DAY', capacity: [1000, 20000], operators: [UNICEF, null] },
  { type: 'POWER_FEEDER', label: 'Power Feeder', count: 20, unit: 'MEGAWATTS', capacity: [2, 12], operators: [UNDP, null] },
  // [R] Gaza has one power plant, and only one: seeded below as a real record, never a synthetic one. The count stays 2 so
  // the random draws of the two illustrative plants seeded before are still made, and the rest of the picture stays put.
  { type: 'POWER_PLANT', label: 'Power Plant', count: 2, unit: 'MEGAWATTS', capacity: [20, 140], operators: [null] },
  { type: 'ROAD_SEGMENT', label: 'Road Segment', count: 40, unit: 'TRUCKS_PER_DAY', capacity: [50, 600], operators: [UNDP, null] },
  { type: 'HOSPITAL', label: 'Hospital', count: HOSPITAL_COUNT, unit: 'BEDS', capacity: [40, 700], operators: [null, null, null, PRCS, ICRC] },
  { type: 'PRIMARY_HEALTH_CENTRE', label: 'Health Centre', count: 40, unit: 'CONSULTATIONS_PER_DAY', capacity: [80, 600], operators: [UNRWA, PRCS, null] },
  { type: 'BAKERY', label: 'Bakery', count: 25, unit: 'TONNES_FLOUR_PER_DAY', capacity: [2, 30], operators: [WFP, null] },
  { type: 'SCHOOL', label: 'School', count: 50, unit: 'PUPILS', capacity: [400, 2500], operators: [UNRWA, null] },
  { type: 'WAREHOUSE', label: 'Warehouse', count: 20, unit: 'SQUARE_METRES', capacity: [500, 12000], operators: [WFP, UNRWA, UNICEF, null] },
];

const FACILITY_STATUSES = [
  ['OPERATIONAL', 30],
  ['PARTIAL', 25],
  ['DAMAGED', 25],
  ['DESTROYED', 12],
  ['UNKNOWN', 8],
] as const;

/** Damage classes an assessment may find for a facility in each state, so the picture stays coherent. */
const DAMAGE_BY_STATUS: Record<string, readonly string[]> = {
  OPERATIONAL: ['NONE', 'NONE', 'POSSIBLE'],
  PARTIAL: ['MODERATE', 'POSSIBLE'],
  DAMAGED: ['SEVERE', 'MODERATE'],
  DESTROYED: ['DESTROYED'],
  UNKNOWN: ['POSSIBLE', 'MODERATE', 'SEVERE'],
};

/** The locality each crossing's access road runs through. */
const CROSSING_ROADS: Record<(typeof CROSSING_IDS)[number], { name: string; pcode: string }> = {
  KEREM_SHALOM: { name: 'Kerem Shalom', pcode: 'PS027501' },
  KISSUFIM: { name: 'Kissufim', pcode: 'PS027001' },
  ZIKIM: { name: 'Zikim', pcode: 'PS025502' },
  EREZ: { name: 'Erez', pcode: 'PS025501' },
  RAFAH: { name: 'Rafah', pcode: 'PS027501' },
};
/** The crossing slots of the first seed's access roads, in order; EREZ_WEST is no crossing id any more (it is Zikim). */
const RETIRED_ROAD_SLOT = 'EREZ_WEST';
const RETIRED_ROAD_AREA = 'PS025502';
const ROAD_SLOTS = ['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', RETIRED_ROAD_SLOT, 'RAFAH'] as const;
const ROAD_STATUS_BY_PASSABILITY: Record<string, string> = { OPEN: 'OPERATIONAL', RESTRICTED: 'PARTIAL', BLOCKED: 'DAMAGED' };

const ITEM_TYPES = ['AERIAL_BOMB', 'MORTAR', 'ROCKET', 'PROJECTILE', 'GRENADE', 'IED', 'DEEP_BURIED_BOMB'] as const;

const FACILITY_COLUMNS = [
  'id', 'name', 'type', 'operator_org_id', 'capacity_value', 'capacity_max_value', 'capacity_unit', 'status', 'status_as_of',
  'area_pcode', 'latitude', 'longitude', 'description', 'source', ...MARKING_COLUMNS,
];

/** Real figures [R], each with its source and date. */
const REAL_DEBRIS = [
  'DEBRIS-PS02-UNEP-2025-07-08', 'PS02', 61_500_000, null, 'UNEP', '2025-07-08',
  'About 61.5 million tonnes of debris across the Gaza Strip: the UNOSAT/UNEP estimate of damage up to July 2025 (UNOSAT imagery ' +
    'of 8 July 2025), as cited by UNRWA on 23 October 2025. No asbestos figure is recorded here.',
  ...markingValues(publicMarking('UNEP')),
];
/** UNOSAT comprehensive damage assessment [R]: imagery of 8 Jul 2025 (the `asOf`), published 8 Aug 2025. */
export const UNOSAT_IMAGERY_DATE = '2025-07-08';
export const UNOSAT_PUBLISHED_ON = '2025-08-08';
const UNOSAT_JULY_2025 = [
  ['DESTROYED', 102_067],
  ['SEVERE', 17_421],
  ['MODERATE', 41_895],
  ['POSSIBLE', 31_429],
] as const;

const SOUTHERN_DESALINATION_PLANT_DESCRIPTION =
  'Real: the Southern Gaza Seawater Desalination Plant near Deir al-Balah (built by UNICEF with EU funding, run with the Palestinian ' +
  'Water Authority and the Coastal Municipalities Water Utility) and its capacity of about 16,000-20,000 m³/day as publicly reported ' +
  'by partners; no single publisher is recorded, hence source PARTNER. Illustrative: its status and status date.';
/** [R] Gaza's only power plant, shut since 11 Oct 2023; grid power came over Israeli feeder lines. */
export const GAZA_POWER_PLANT = { id: 'FAC-POWER-PLANT-001', areaPcode: 'PS0265', status: 'SHUT_DOWN', statusAsOf: '2023-10-11' } as const;
const GAZA_POWER_PLANT_DESCRIPTION =
  'Real: Gaza\'s only power plant, in the middle governorate (Deir Al-Balah), shut since 11 October 2023; there is no other plant, ' +
  'and grid power came over Israeli feeder lines. No single publisher is recorded, hence source PARTNER. No capacity, operator or ' +
  'damage assessment is recorded.';
const HOSPITAL_DESCRIPTION =
  'WHO lists 36 hospitals in Gaza and reported 14 of them partially functioning on 8 Oct 2025 (real counts). Which hospital is ' +
  'which, its name, capacity and status here are illustrative.';

interface SeededFacility {
  id: string;
  type: FacilityType;
  status: string;
  areaPcode: string;
}

/** Seeds real figures and a deterministic synthetic picture of Gaza's infrastructure; runs once per database. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'engineering-v1', async (tx) => {
    const random = new SeededRandom(2025_10_17);
    const dateWithinPicture = () => isoDay(addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1)));
    // Illustrative coordinates: inside the area's governorate and west of the Yellow Line, from their own generator (the two
    // draws of the main one are kept, and discarded, so that the rest of the seeded picture stays as it was).
    const places = new SeededRandom(2025_10_18);
    const coordinates = (pcode: string) => {
      random.next();
      random.next();
      return syntheticPoint(pcode, () => places.next());
    };
    // Most facilities lie in a locality; a few are recorded against their governorate only.
    const pickArea = () => (random.chance(0.1) ? random.pick(GOVERNORATE_PCODES) : random.pick(LOCALITIES).pcode);

    // One access road per crossing slot of the first seed, which also had a slot for "Erez West" (Zikim's other name: one
    // crossing, one id). That slot's draws are still made and its road dropped, so the rest of the seeded picture stays put.
    const roads = ROAD_SLOTS.map((crossingId) => ({
      crossingId,
      passability: random.weighted([['OPEN', 40], ['RESTRICTED', 40], ['BLOCKED', 20]] as const),
    }));
    /** Facilities whose draws are made but that are not written (illustrative plants, the retired road): nothing may point at them. */
    const dropped = new Set<string>();

    const facilities: SeededFacility[] = [];
    const facilityRows: unknown[][] = [];
    for (const plan of FACILITY_PLAN) {
      for (let n = 1; n <= plan.count; n++) {
        const id = plan.type === 'HOSPITAL' ? hospitalId(n) : `FAC-${plan.type.replace(/_/g, '-')}-${pad(n, 3)}`;
        if (plan.type === 'DESALINATION_PLANT' && n === 1) {
          const plant = { id, type: plan.type, status: 'PARTIAL', areaPcode: 'PS026504' };
          facilities.push(plant);
          facilityRows.push([
            id, 'Southern Gaza Seawater Desalination Plant', plan.type, null, 16_000, 20_000, plan.unit, plant.status, '2025-11-01',
            plant.areaPcode, null, null, SOUTHERN_DESALINATION_PLANT_DESCRIPTION, 'PARTNER', ...markingValues(publicMarking('CMCC')),
          ]);
          continue;
        }
        const road = plan.type === 'ROAD_SEGMENT' ? roads[n - 1] : undefined;
        const areaPcode = road ? (road.crossingId === RETIRED_ROAD_SLOT ? RETIRED_ROAD_AREA : CROSSING_ROADS[road.crossingId].pcode) : pickArea();
        const area = LOCALITIES.find((l) => l.pcode === areaPcode)?.name ?? areaPcode;
        let status: string = random.weighted(FACILITY_STATUSES);
        let statusAsOf = dateWithinPicture();
        let name = `${area} ${plan.label} ${n}`;
        let description: string | null = null;
        if (plan.type === 'HOSPITAL') {
          // Hospitals 1-14 are the ones civil administration seeds as WHO PARTIAL; the others are not functioning.
          status = n <= 14 ? 'PARTIAL' : random.weighted([['DAMAGED', 60], ['DESTROYED', 40]] as const);
          statusAsOf = '2025-10-08';
          description = HOSPITAL_DESCRIPTION;
        }
        if (road && road.crossingId !== RETIRED_ROAD_SLOT) {
          status = ROAD_STATUS_BY_PASSABILITY[road.passability];
          name = `Access road to ${CROSSING_ROADS[road.crossingId].name} crossing`;
        }
        const operator = random.pick(plan.operators);
        const capacity = plan.unit === 'MEGAWATTS' || plan.unit === 'TONNES_FLOUR_PER_DAY' ? random.int(plan.capacity[0] * 10, plan.capacity[1] * 10) / 10 : random.int(...plan.capacity);
        facilities.push({ id, type: plan.type, status, areaPcode });
        if (road?.crossingId === RETIRED_ROAD_SLOT) {
          coordinates(areaPcode);
          syntheticMarking(random, operator ?? 'CMCC');
          dropped.add(id);
          continue;
        }
        if (plan.type === 'POWER_PLANT') {
          // The draws of an illustrative plant (above, and its coordinates and marking) are made and dropped: the one real
          // plant is written instead, and no other.
          coordinates(areaPcode);
          syntheticMarking(random, operator ?? 'CMCC');
          dropped.add(id);
          if (n === 1) {
            const plant = GAZA_POWER_PLANT;
            facilityRows.push([
              plant.id, 'Gaza Power Plant', plan.type, null, null, null, null, plant.status, plant.statusAsOf, plant.areaPcode, null, null,
              GAZA_POWER_PLANT_DESCRIPTION, 'PARTNER', ...markingValues(publicMarking('CMCC')),
            ]);
          }
          continue;
        }
        facilityRows.push([
          id, name, plan.type, operator, capacity, null, plan.unit, status, statusAsOf, areaPcode, ...coordinates(areaPcode), description,
          'SYNTHETIC', ...markingValues(syntheticMarking(random, operator ?? 'CMCC')),
        ]);
      }
    }
    await insertRows(tx, 'facility', FACILITY_COLUMNS, facilityRows);

    const assessments: unknown[][] = [];
    for (const facility of facilities) {
      const count = facility.status === 'OPERATIONAL' ? random.int(0, 1) : random.int(1, 3);
      // Satellite imagery from the months before the ceasefire, field visits after it; each later than the one before.
      let offset = -random.int(60, 150);
      for (let k = 0; k < count; k++) {
        offset += random.int(10, 40);
        const method = offset < 0 ? 'UNOSAT_SATELLITE' : random.weighted([['FIELD', 70], ['UNOSAT_SATELLITE', 30]] as const);
        assessments.push([
          `DA-${pad(assessments.length + 1, 5)}`, facility.id, facility.areaPcode, method, random.pick(DAMAGE_BY_STATUS[facility.status]),
          isoDay(addDays(SYNTHETIC_EPOCH, Math.min(offset, SYNTHETIC_DAYS - 1))), 'SYNTHETIC',
          ...markingValues(syntheticMarking(random, method === 'FIELD' ? 'CMCC' : 'UNOSAT')),
        ]);
      }
    }
    // No illustrative assessment of a dropped facility is kept (the real power plant has none recorded, and there is no other).
    const isDropped = (facilityId: unknown) => dropped.has(facilityId as string);
    await insertRows(
      tx,
      'damage_assessment',
      ['id', 'facility_id', 'area_pcode', 'method', 'damage_class', 'imagery_date', 'source', ...MARKING_COLUMNS],
      assessments.filter((row) => !isDropped(row[1])),
    );

    const pictureEnd = addDays(SYNTHETIC_EPOCH, SYNTHETIC_DAYS);
    const tasks: { id: string; status: string }[] = [];
    const taskRows: unknown[][] = [];
    for (let n = 1; n <= 150; n++) {
      const id = `EHT-${pad(n, 4)}`;
      const areaPcode = pickArea();
      const nearby = facilities.filter((f) => f.areaPcode === areaPcode);
      const facility = nearby.length > 0 && random.chance(0.3) ? random.pick(nearby).id : null;
      const requestedAt = addDays(SYNTHETIC_EPOCH, random.int(0, (SYNTHETIC_DAYS - 1) * 24) / 24);
      const status = random.weighted([['REQUESTED', 20], ['ASSESSED', 25], ['MARKED', 25], ['CLEARED', 30]] as const);
      const updatedAt = status === 'REQUESTED' ? requestedAt : new Date(Math.min(addDays(requestedAt, random.int(1, 15)).getTime(), pictureEnd.getTime()));
      const found = status === 'REQUESTED' ? [] : ITEM_TYPES.filter(() => random.chance(0.3));
      const counts = found.map((type) => (type === 'DEEP_BURIED_BOMB' || type === 'AERIAL_BOMB' ? random.int(1, 3) : random.int(1, 15)));
      tasks.push({ id, status });
      taskRows.push([
        id, areaPcode, isDropped(facility) ? null : facility, random.pick(ORGANIZATION_IDS), requestedAt, updatedAt, status, found, counts, ...coordinates(areaPcode),
        'SYNTHETIC', ...markingValues(syntheticMarking(random, 'UNMAS')),
      ]);
    }
    await insertRows(
      tx,
      'explosive_hazard_task',
      ['id', 'area_pcode', 'facility_id', 'requested_by_org_id', 'requested_at', 'status_changed_at', 'status', 'item_types', 'item_counts',
        'latitude', 'longitude', 'source', ...MARKING_COLUMNS],
      taskRows,
    );

    const debris: unknown[][] = [REAL_DEBRIS];
    for (const asOf of ['2025-11-15', '2025-12-15']) {
      for (const pcode of GOVERNORATE_PCODES) {
        const tonnes = random.int(5_000, 20_000) * 1000;
        debris.push([
          `DEBRIS-${pcode}-SYNTHETIC-${asOf}`, pcode, tonnes, Math.round(tonnes * random.int(5, 30) / 1000), 'SYNTHETIC', asOf,
          'Illustrative per-governorate estimate; not a published figure and not a share of the UN total.',
          ...markingValues(syntheticMarking(random, 'CMCC')),
        ]);
      }
    }
    await insertRows(
      tx,
      'debris_estimate',
      ['id', 'area_pcode', 'tonnes', 'asbestos_tonnes', 'source', 'as_of', 'description', ...MARKING_COLUMNS],
      debris,
    );

    // UNOSAT comprehensive damage assessment of the Gaza Strip [R]: imagery of 8 July 2025, published 8 August 2025.
    await insertRows(
      tx,
      'structure_damage_summary',
      ['id', 'area_pcode', 'damage_class', 'structures', 'source', 'as_of', 'published_on', 'description'],
      UNOSAT_JULY_2025.map(([damageClass, structures]) => [
        `SDS-PS02-UNOSAT-2025-08-${damageClass}`, 'PS02', damageClass, structures, 'UNOSAT', UNOSAT_IMAGERY_DATE, UNOSAT_PUBLISHED_ON,
        'UNOSAT count of structures in the Gaza Strip by damage class, from imagery of 8 July 2025 (published 8 August 2025).',
      ]),
    );

    await insertRows(
      tx,
      'crossing_access_road',
      ['crossing_id', 'road_segment_facility_id', 'passability', 'constraints', 'as_of', 'source', ...MARKING_COLUMNS],
      roads
        .map(({ crossingId, passability }, index) => [
          crossingId, `FAC-ROAD-SEGMENT-${pad(index + 1, 3)}`, passability,
          passability === 'OPEN' ? [] : ['DEBRIS', 'CRATER', 'UXO', 'ONE_LANE', 'FLOODING'].filter(() => random.chance(0.4)),
          dateWithinPicture(), 'SYNTHETIC', ...markingValues(syntheticMarking(random, 'CMCC')),
        ])
        .filter(([crossingId]) => crossingId !== RETIRED_ROAD_SLOT),
    );

    const routes: unknown[][] = [];
    for (let n = 1; n <= CONVOY_COUNT; n++) {
      // About one convoy in seven has no route assessment from engineering.
      if (random.chance(0.15)) continue;
      const along = [...new Set(Array.from({ length: random.int(0, 3) }, () => random.pick(tasks)))];
      const level = along.some((t) => t.status === 'REQUESTED' || t.status === 'ASSESSED')
        ? 'UNMARKED_HAZARDS'
        : along.some((t) => t.status === 'MARKED')
          ? 'MARKED_HAZARDS'
          : 'NO_KNOWN_HAZARD';
      routes.push([
        convoyId(n), level, along.map((t) => t.id), addDays(SYNTHETIC_EPOCH, random.int(0, (SYNTHETIC_DAYS - 1) * 24) / 24), 'SYNTHETIC',
        ...markingValues(syntheticMarking(random, 'CMCC')),
      ]);
    }
    await insertRows(tx, 'convoy_route_hazard', ['convoy_id', 'level', 'hazard_task_ids', 'assessed_at', 'source', ...MARKING_COLUMNS], routes);
  });  await seedOnce(db, 'engineering-utilities-v1', (tx) => seedUtilities(tx));
}

const FEEDER_STATUSES = [['ENERGISED', 15], ['DE_ENERGISED', 50], ['DAMAGED', 25], ['UNKNOWN', 10]] as const;
const FUEL_CONSUMERS = [
  ['HOSPITALS', [8_000, 40_000]],
  ['WATER_SANITATION', [10_000, 60_000]],
  ['BAKERIES', [3_000, 20_000]],
  ['TELECOMS', [1_000, 8_000]],
] as const;
const UTILITY_DESCRIPTION =
  'Illustrative: the feeder lines, their state and the water supplied are not published figures. Real context: Gaza\'s only power ' +
  'plant has been shut since 11 October 2023, and grid power came over Israeli feeder lines.';

/**
 * Utility services per governorate and fuel allocations by consumer, all SYNTHETIC (DOMAIN.md gives no figure for
 * them), with their own random sequence so the rest of the picture does not move. Seeded once per database.
 */
async function seedUtilities(tx: Queryable): Promise<void> {
  const random = new SeededRandom(2025_12_01);
  const utilityRows: unknown[][] = [];
  for (const asOf of ['2025-11-15', '2025-12-15']) {
    for (const [g, pcode] of GOVERNORATE_PCODES.entries()) {
      const feederLines = Array.from({ length: random.int(1, 3) }, (_, k) => ({
        name: `Feeder line ${g + 1}.${k + 1} (illustrative)`,
        origin: 'Israeli grid',
        status: random.weighted(FEEDER_STATUSES),
      }));
      const originator = random.pick(['CMCC', UNDP, UNICEF]);
      utilityRows.push([
        `UTIL-${pcode}-${asOf}`, pcode, asOf, JSON.stringify(feederLines), random.int(30, 150) / 10, 'SYNTHETIC', UTILITY_DESCRIPTION,
        ...markingValues(syntheticMarking(random, originator)),
      ]);
    }
  }
  await insertRows(
    tx,
    'utility_service',
    ['id', 'area_pcode', 'as_of', 'feeder_lines', 'water_litres_per_person_per_day', 'source', 'description', ...MARKING_COLUMNS],
    utilityRows,
  );

  const fuelRows: unknown[][] = [];
  for (let week = 0; week < 4; week++) {
    const allocatedOn = isoDay(addDays(new Date('2025-11-03T00:00:00Z'), week * 7));
    for (const pcode of GOVERNORATE_PCODES) {
      for (const [consumer, [min, max]] of FUEL_CONSUMERS) {
        fuelRows.push([
          `FUEL-${pcode}-${allocatedOn}-${consumer}`, pcode, allocatedOn, consumer, random.int(min / 100, max / 100) * 100, 'SYNTHETIC',
          ...markingValues(syntheticMarking(random, random.pick(['CMCC', WFP, UNICEF]))),
        ]);
      }
    }
  }
  await insertRows(tx, 'fuel_allocation', ['id', 'area_pcode', 'allocated_on', 'consumer', 'litres', 'source', ...MARKING_COLUMNS], fuelRows);
}
