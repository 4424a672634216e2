import { seedCrossingFlow } from './seed-flow.ts';
import { CROSSINGS, periodOn, type CrossingFact, type CrossingId } from './crossings.ts';
import {
  CONVOY_COUNT,
  GOVERNORATES,
  LOCALITIES,
  ORGANIZATIONS,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  SeededRandom,
  addDays,
  convoyId,
  hospitalId,
  insertRows,
  MARKING_COLUMNS,
  isoDay,
  markingValues,
  publicMarking,
  seedOnce,
  syntheticMarking,
  type Database,
} from '@cmcc/subgraph-kit';

const WFP = 'XM-DAC-41140';
const UNICEF = 'XM-DAC-41122';
const UNRWA = 'XM-DAC-41130';
const WHO = 'XM-DAC-928';
const IOM = 'XM-DAC-47066';
const UNDP = 'XM-DAC-41114';
const UNHCR = 'XM-DAC-41121';
const ICRC = 'XI-CMCC-ICRC';
const PRCS = 'XI-CMCC-PRCS';

/** Synthetic daily traffic of the crossings that carry cargo: trucks offloaded per day and fuel litres per day while open. */
const TRAFFIC: Partial<Record<CrossingId, { trucks: [number, number]; fuelLitres: [number, number] }>> = {
  KEREM_SHALOM: { trucks: [180, 420], fuelLitres: [60_000, 400_000] },
  KISSUFIM: { trucks: [40, 130], fuelLitres: [0, 0] },
  ZIKIM: { trucks: [30, 110], fuelLitres: [0, 0] },
};

/** Whether a crossing's recorded status let aid trucks through on a day (YYYY-MM-DD). */
export function openForCargo(crossingId: CrossingId, date: string): boolean {
  const fact = CROSSINGS.find((c) => c.id === crossingId)!;
  return periodOn(fact.history, date)?.allowedTraffic.includes('CARGO') ?? false;
}

/** The crossing medical evacuations left through on a day: Rafah only on days it served them, else Kerem Shalom. */
export function evacuationCrossing(date: string): CrossingId {
  const rafah = CROSSINGS.find((c) => c.id === 'RAFAH')!;
  return periodOn(rafah.history, date)?.medicalEvacuationRoute ? 'RAFAH' : 'KEREM_SHALOM';
}

/** Figures [R] exactly as their sources published them; kept apart from every synthetic record. */
const REPORTED_FIGURES = [
  {
    id: 'RAF-CENTCOM-2025-10-31',
    metric: 'TRUCKS_ENTERED_PER_DAY',
    qualifier: 'MORE_THAN',
    value: 600,
    valueMax: null,
    periodStart: '2025-10-25',
    periodEnd: '2025-10-31',
    source: 'CENTCOM',
    asOf: '2025-10-31',
    statement: 'CENTCOM: more than 600 trucks a day entered the Gaza Strip in the week to 31 October 2025.',
    originator: 'USA',
  },
  {
    id: 'RAF-COGAT-2025-10',
    metric: 'TRUCKS_ENTERED_PER_DAY',
    qualifier: 'RANGE',
    value: 600,
    valueMax: 800,
    periodStart: null,
    periodEnd: null,
    source: 'COGAT',
    asOf: '2025-10-31',
    statement:
      'COGAT: 600 to 800 trucks a day enter the Gaza Strip. Recorded beside CENTCOM\'s figure for late October 2025; the exact date and period of the statement are not recorded here. The UN verifies only what it collects.',
    originator: 'ISR',
  },
  {
    id: 'RAF-UN2720-COLLECTED-2025-08-05',
    metric: 'TRUCKS_COLLECTED',
    qualifier: 'EXACT',
    value: 2604,
    valueMax: null,
    periodStart: '2025-05-19',
    periodEnd: '2025-08-05',
    source: 'UN2720',
    asOf: '2025-08-05',
    statement: 'UN 2720 mechanism dashboard, 19 May to 5 August 2025: 2,604 trucks collected at the crossings.',
    originator: 'UN2720',
  },
  {
    id: 'RAF-UN2720-REACHED-2025-08-05',
    metric: 'TRUCKS_REACHED_DESTINATION',
    qualifier: 'EXACT',
    value: 295,
    valueMax: null,
    periodStart: '2025-05-19',
    periodEnd: '2025-08-05',
    source: 'UN2720',
    asOf: '2025-08-05',
    statement: 'UN 2720 mechanism dashboard, 19 May to 5 August 2025: 295 of the trucks collected reached their intended destination.',
    originator: 'UN2720',
  },
];

const CARGO = [
  ['FOOD', 40],
  ['HEALTH', 10],
  ['NUTRITION', 8],
  ['WASH', 10],
  ['SHELTER_NFI', 12],
  ['FUEL', 6],
  ['COOKING_GAS', 4],
  ['EDUCATION', 2],
  ['LOGISTICS', 3],
  ['COMMERCIAL', 5],
] as const;
/** Typical load of one truck by cargo: tonnes range, and whether it travels on pallets. */
const LOADS: Record<string, { tonnes: [number, number]; palletised: boolean }> = {
  FOOD: { tonnes: [16, 24], palletised: true },
  HEALTH: { tonnes: [4, 12], palletised: true },
  NUTRITION: { tonnes: [10, 18], palletised: true },
  WASH: { tonnes: [8, 18], palletised: true },
  SHELTER_NFI: { tonnes: [6, 14], palletised: true },
  FUEL: { tonnes: [25, 35], palletised: false },
  COOKING_GAS: { tonnes: [18, 24], palletised: false },
  EDUCATION: { tonnes: [5, 10], palletised: true },
  LOGISTICS: { tonnes: [5, 15], palletised: true },
  COMMERCIAL: { tonnes: [12, 24], palletised: true },
};

const ROADS = ['Salah al-Din Road', 'Al-Rashid Road (coastal)', 'Kissufim Road', 'Morag corridor'];

/** Sectors with activities typical of them and the organisations that usually report them. */
const SECTOR_ACTIVITIES: [sector: string, activities: string[], organizations: string[]][] = [
  ['FOOD_SECURITY', ['General food distribution', 'Hot meal kitchens', 'Bakery support (flour and fuel)'], [WFP, UNRWA]],
  ['NUTRITION', ['Malnutrition screening of children under five', 'RUTF distribution'], [UNICEF, WFP]],
  ['WASH', ['Water trucking', 'Desalination unit support', 'Hygiene kit distribution'], [UNICEF, UNRWA]],
  ['SHELTER_NFI', ['Tent distribution', 'Winterisation kits', 'Sealing-off kits for damaged homes'], [UNHCR, IOM, UNRWA]],
  ['PROTECTION', ['Child-friendly spaces', 'Psychosocial support'], [UNHCR, UNICEF]],
  ['EDUCATION', ['Temporary learning spaces'], [UNICEF, UNRWA]],
  ['LOGISTICS', ['Common warehouse management'], [WFP]],
  ['CCCM', ['Site management by mobile teams'], [IOM, UNRWA]],
  ['EMERGENCY_TELECOMMUNICATIONS', ['Connectivity for humanitarian hubs'], [WFP]],
  ['EARLY_RECOVERY', ['Debris removal (cash for work)', 'Solar power restoration'], [UNDP]],
];
const HEALTH_ACTIVITIES = ['Trauma care support', 'Medical supplies replenishment', 'Fuel for hospital generators', 'Emergency surgical team', 'Neonatal care support'];
const HEALTH_ORGANIZATIONS = [WHO, ICRC, PRCS, UNICEF];
const IMPLEMENTERS = [PRCS, UNRWA, ICRC];

const AREAS = [...GOVERNORATES.map((g) => ({ pcode: g.pcode, name: g.name })), ...LOCALITIES.map((l) => ({ pcode: l.pcode, name: l.name }))];
const HOURS = 3_600_000;
const ACTIVITY_COUNT = 64;
const HOSPITAL_ACTIVITY_COUNT = 16;

/**
 * Seeds organisations, crossings, real published figures and a deterministic synthetic picture; runs once per database.
 * The crossings' dated history, throughput by stream and the staging areas are seeded by a second step (seed-flow.ts).
 */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'humanitarian-v1', async (tx) => {
    const random = new SeededRandom(2025_10_17);

    await insertRows(tx, 'organization', ['id', 'name', 'acronym', 'type'], ORGANIZATIONS.map((o) => [o.id, o.name, o.acronym, o.type]));

    await insertRows(
      tx,
      'crossing',
      ['id', 'name', 'position', 'area_pcode', 'status', 'allowed_traffic', 'status_since', 'status_note', 'status_source'],
      CROSSINGS.map((c, index) => {
        // The status columns hold the status in force when seeded; the schema reads the dated history (seedCrossingFlow).
        const now = periodOn(c.history, isoDay(new Date()))!;
        return [c.id, c.name, index + 1, c.areaPcode, now.status, now.allowedTraffic, now.validFrom, now.note, now.source];
      }),
    );

    // Synthetic daily reports for every day of the picture; a day the crossing's recorded status let no aid trucks
    // through is reported closed, with no trucks.
    const reports: unknown[][] = [];
    for (const crossing of CROSSINGS) {
      const traffic = TRAFFIC[crossing.id];
      if (!traffic) continue;
      const { trucks, fuelLitres } = traffic;
      for (let day = 0; day < SYNTHETIC_DAYS; day++) {
        const date = isoDay(addDays(SYNTHETIC_EPOCH, day));
        const open = openForCargo(crossing.id, date);
        const offloaded = open ? random.int(trucks[0], trucks[1]) : 0;
        const collected = Math.round(offloaded * (0.55 + random.next() * 0.4));
        const tonnes = Math.round(offloaded * (12 + random.next() * 6) * 100) / 100;
        const fuel = open && fuelLitres[1] > 0 ? random.int(fuelLitres[0], fuelLitres[1]) : 0;
        reports.push([
          `CDR-${crossing.id}-${date}-SYNTHETIC`,
          crossing.id,
          date,
          'SYNTHETIC',
          open,
          offloaded,
          collected,
          tonnes,
          fuel,
          open ? null : `Closed: ${periodOn(crossing.history, date)?.note ?? 'no status recorded for the day'}`,
          ...markingValues(syntheticMarking(random, 'CMCC')),
        ]);
      }
    }
    await insertRows(
      tx,
      'crossing_daily_report',
      ['id', 'crossing_id', 'date', 'source', 'open', 'trucks_offloaded', 'trucks_collected', 'tonnes', 'fuel_litres', 'note', ...MARKING_COLUMNS],
      reports,
    );

    await insertRows(
      tx,
      'reported_aid_figure',
      ['id', 'metric', 'qualifier', 'value', 'value_max', 'period_start', 'period_end', 'area_pcode', 'source', 'as_of', 'statement', ...MARKING_COLUMNS],
      REPORTED_FIGURES.map((f) => [
        f.id,
        f.metric,
        f.qualifier,
        f.value,
        f.valueMax,
        f.periodStart,
        f.periodEnd,
        'PS02',
        f.source,
        f.asOf,
        f.statement,
        ...markingValues(publicMarking(f.originator)),
      ]),
    );

    const convoys: unknown[][] = [];
    const requesters: unknown[][] = [];
    const consignments: unknown[][] = [];
    for (let n = 1; n <= CONVOY_COUNT; n++) {
      const id = convoyId(n);
      const day = random.int(0, SYNTHETIC_DAYS - 3);
      const plannedStart = new Date(addDays(SYNTHETIC_EPOCH, day).getTime() + random.int(5, 14) * HOURS);
      const type = random.weighted([['COLLECTION', 45], ['DELIVERY', 35], ['ASSESSMENT', 10], ['EVACUATION', 10]] as const);
      const carriesCargo = type === 'COLLECTION' || type === 'DELIVERY';
      const destination = random.pick(AREAS);
      const crossing = carriesCargo
        ? cargoCrossing(random, day, destination.pcode)
        : type === 'EVACUATION'
          ? CROSSINGS.find((c) => c.id === evacuationCrossing(isoDay(plannedStart)))!
          : null;
      const status =
        day >= SYNTHETIC_DAYS - 6
          ? 'REQUESTED'
          : random.weighted([['FACILITATED', 55], ['IMPEDED', 15], ['DENIED', 12], ['CANCELLED_BY_ORGANIZER', 10], ['REQUESTED', 8]] as const);
      const lead = type === 'EVACUATION' ? random.pick([WHO, ICRC, PRCS]) : random.pick(ORGANIZATIONS).id;
      const partner = random.chance(0.3) ? random.pick(ORGANIZATIONS.filter((o) => o.id !== lead)).id : null;
      const moved = status === 'FACILITATED' || status === 'IMPEDED';
      const departedAt = moved ? new Date(plannedStart.getTime() + random.int(0, 180) * 60_000) : null;
      const arrivedAt =
        departedAt && (status === 'FACILITATED' || random.chance(0.5))
          ? new Date(departedAt.getTime() + (status === 'FACILITATED' ? random.int(2, 8) : random.int(10, 30)) * HOURS)
          : null;
      const trucks = carriesCargo ? random.int(3, 9) : 0;
      const road = random.pick(ROADS);
      convoys.push([
        id,
        type,
        crossing?.id ?? null,
        destination.pcode,
        plannedStart,
        status,
        carriesCargo && random.chance(0.65),
        `Illustrative route: ${crossing ? `${crossing.name} crossing, ` : ''}${road}, ${destination.name}`,
        departedAt,
        arrivedAt,
        carriesCargo ? Array.from({ length: trucks }, (_, i) => `Synthetic driver ${n}-${i + 1}`) : null,
        'SYNTHETIC',
        ...markingValues(syntheticMarking(random, lead)),
      ]);
      requesters.push([id, lead, 1]);
      if (partner) requesters.push([id, partner, 2]);

      for (let truck = 1; truck <= trucks; truck++) {
        const category = random.weighted(CARGO);
        const load = LOADS[category];
        const tonnes = Math.round((load.tonnes[0] + random.next() * (load.tonnes[1] - load.tonnes[0])) * 100) / 100;
        const [stage, stageAt] = consignmentStage(random, status, plannedStart, departedAt, arrivedAt);
        consignments.push([
          `${id}-T${String(truck).padStart(2, '0')}`,
          id,
          category,
          load.palletised ? random.int(18, 33) : 0,
          tonnes,
          stage,
          stageAt,
          'SYNTHETIC',
        ]);
      }
    }
    await insertRows(
      tx,
      'convoy',
      ['id', 'type', 'crossing_id', 'destination_pcode', 'planned_start', 'status', 'un2720_monitored', 'route', 'departed_at', 'arrived_at', 'driver_names', 'source', ...MARKING_COLUMNS],
      convoys,
    );
    await insertRows(tx, 'convoy_requesting_organization', ['convoy_id', 'organization_id', 'position'], requesters);
    await insertRows(tx, 'truck_consignment', ['id', 'convoy_id', 'cargo_category', 'pallets', 'tonnes', 'stage', 'stage_at', 'source'], consignments);

    const activities: unknown[][] = [];
    const hospitals = Array.from({ length: HOSPITAL_ACTIVITY_COUNT }, (_, i) => hospitalId(1 + ((i * 7) % 36)));
    for (let n = 1; n <= ACTIVITY_COUNT; n++) {
      const atHospital = n <= HOSPITAL_ACTIVITY_COUNT;
      const [sector, names, reporters]: [string, string[], string[]] = atHospital
        ? ['HEALTH', HEALTH_ACTIVITIES, HEALTH_ORGANIZATIONS]
        : random.pick(SECTOR_ACTIVITIES);
      const organization = random.pick(reporters);
      const implementer = random.chance(0.4) ? random.pick(IMPLEMENTERS.filter((o) => o !== organization)) : null;
      const area = atHospital ? random.pick(LOCALITIES) : random.pick(AREAS);
      const startDay = random.int(0, SYNTHETIC_DAYS - 3);
      const status = startDay > 70 ? 'PLANNED' : random.weighted([['ONGOING', 60], ['COMPLETED', 25], ['SUSPENDED', 15]] as const);
      const endDay =
        status === 'COMPLETED'
          ? Math.min(startDay + random.int(7, 40), SYNTHETIC_DAYS - 1)
          : status === 'PLANNED' || random.chance(0.5)
            ? startDay + random.int(30, 120)
            : null;
      const targeted = random.int(5, 600) * 100;
      const share = status === 'PLANNED' ? null : status === 'COMPLETED' ? 0.7 + random.next() * 0.3 : 0.1 + random.next() * 0.7;
      activities.push([
        `ACT-${String(n).padStart(4, '0')}`,
        organization,
        implementer,
        sector,
        area.pcode,
        atHospital ? hospitals[n - 1] : null,
        random.pick(names),
        status,
        isoDay(addDays(SYNTHETIC_EPOCH, startDay)),
        endDay === null ? null : isoDay(addDays(SYNTHETIC_EPOCH, endDay)),
        targeted,
        share === null ? null : Math.round(targeted * share),
        'SYNTHETIC',
        ...markingValues(syntheticMarking(random, organization)),
      ]);
    }
    await insertRows(
      tx,
      'activity',
      ['id', 'organization_id', 'implementing_organization_id', 'sector', 'area_pcode', 'facility_id', 'activity', 'status', 'start_date', 'end_date', 'targeted', 'reached', 'source', ...MARKING_COLUMNS],
      activities,
    );
  });
  await seedOnce(db, 'humanitarian-v2-crossing-flow', seedCrossingFlow);
}

/** A crossing open for cargo on that day, preferring the nearest one to the destination (Zikim for the north once reopened). */
function cargoCrossing(random: SeededRandom, day: number, destinationPcode: string): CrossingFact {
  const date = isoDay(addDays(SYNTHETIC_EPOCH, day));
  const open = CROSSINGS.filter((c) => TRAFFIC[c.id] && openForCargo(c.id, date));
  const north = destinationPcode.startsWith('PS0255') || destinationPcode.startsWith('PS0260');
  const zikim = open.find((c) => c.id === 'ZIKIM');
  if (north && zikim && random.chance(0.7)) return zikim;
  return random.pick(open);
}

/** Where a truck load stands, consistent with what became of its convoy. */
function consignmentStage(
  random: SeededRandom,
  status: string,
  plannedStart: Date,
  departedAt: Date | null,
  arrivedAt: Date | null,
): [stage: string, at: Date] {
  const offloadedAt = new Date(plannedStart.getTime() - random.int(2, 30) * HOURS);
  if (!departedAt) return ['OFFLOADED', offloadedAt];
  const onTheWay = new Date(departedAt.getTime() + random.int(20, 180) * 60_000);
  const stage =
    status === 'FACILITATED'
      ? random.weighted([['DELIVERED', 85], ['INTERCEPTED_PEACEFUL', 8], ['INTERCEPTED_FORCIBLE', 4], ['COLLECTED', 3]] as const)
      : random.weighted([['COLLECTED', 45], ['INTERCEPTED_PEACEFUL', 25], ['INTERCEPTED_FORCIBLE', 15], ['DELIVERED', 15]] as const);
  if (stage === 'DELIVERED') return arrivedAt ? ['DELIVERED', arrivedAt] : ['COLLECTED', departedAt];
  if (stage === 'COLLECTED') return ['COLLECTED', departedAt];
  return [stage, onTheWay];
}
