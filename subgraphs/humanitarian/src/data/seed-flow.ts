import { SYNTHETIC_DAYS, SYNTHETIC_EPOCH, SeededRandom, addDays, insertRows, isoDay, markingValues, MARKING_COLUMNS, publicMarking, syntheticMarking, type Queryable } from '@cmcc/subgraph-kit';
import { CROSSINGS, type CrossingId } from './crossings.ts';

/** The four streams aid and goods come through, with the share of a crossing's trucks each takes in the synthetic picture. */
const STREAM_SHARES: Record<string, [stream: string, share: number][]> = {
  KEREM_SHALOM: [
    ['UN_2720', 0.4],
    ['BILATERAL', 0.25],
    ['PRIVATE_SECTOR', 0.15],
    ['COMMERCIAL', 0.2],
  ],
  KISSUFIM: [
    ['UN_2720', 0.7],
    ['BILATERAL', 0.3],
  ],
  ZIKIM: [
    ['UN_2720', 0.75],
    ['BILATERAL', 0.25],
  ],
};
const REJECTION_REASONS = [
  'Illustrative: load refused at inspection, items on it listed as dual-use',
  'Illustrative: cargo did not match the pre-notified manifest',
  'Illustrative: packaging not to the inspection rules (palletisation)',
];
const DUAL_USE_ITEMS = ['Generators', 'Water pumps', 'Metal tent poles', 'Solar panels', 'Water-purification chemicals', 'X-ray equipment'];

/**
 * The staging areas upstream of the crossings. Where they are and what they are is public; which crossing each feeds
 * is how the CMCC routes aid from it (all three go on to Kerem Shalom, the main cargo gate). Their observations are
 * SYNTHETIC, originated by the body that would report them.
 */
export const STAGING_AREAS = [
  {
    id: 'EL_ARISH',
    name: 'El-Arish (North Sinai)',
    country: 'EGY',
    kind: 'LAND_STAGING',
    inspectionPoint: 'Al-Awja / Nitzana',
    feeds: 'KEREM_SHALOM' as CrossingId,
    note: 'Egyptian staging area for aid into Gaza; trucks are inspected at Al-Awja (Nitzana) and go on to Kerem Shalom while Rafah is closed.',
    originator: 'XM-DAC-41140',
    trucks: [300, 1500],
    dwell: [6, 30],
  },
  {
    id: 'JORDAN_CORRIDOR',
    name: 'Jordan corridor (Allenby / King Hussein Bridge)',
    country: 'JOR',
    kind: 'LAND_CORRIDOR',
    inspectionPoint: 'Allenby Bridge',
    feeds: 'KEREM_SHALOM' as CrossingId,
    note: 'Convoys from Jordan cross at Allenby, are inspected there and drive on through Israel to the crossings.',
    originator: 'JOR',
    trucks: [20, 160],
    dwell: [2, 10],
  },
  {
    id: 'ASHDOD',
    name: 'Ashdod port',
    country: 'ISR',
    kind: 'SEA_PORT',
    inspectionPoint: 'Ashdod port',
    feeds: 'KEREM_SHALOM' as CrossingId,
    note: 'Sea shipments (e.g. flour) are landed and inspected at Ashdod, then trucked to the crossings.',
    originator: 'ISR',
    trucks: [40, 400],
    dwell: [3, 20],
  },
] as const;

/** Observations of each staging area: one a week over the synthetic picture. */
const OBSERVATION_EVERY_DAYS = 7;

/** Figures [R] added with the crossings' throughput: each exactly as published, with the publication that cited it. */
const REPORTED_FIGURES = [
  {
    id: 'RAF-COGAT-AP-2025-12-11',
    metric: 'TRUCKS_ENTERED_PER_DAY',
    qualifier: 'EXACT',
    value: 459,
    periodStart: '2025-10-12',
    periodEnd: '2025-12-07',
    source: 'COGAT',
    asOf: '2025-12-11',
    citedIn: 'AP, 11 December 2025',
    statement: "AP (11 December 2025): COGAT's own data gives 459 trucks a day from 12 October to 7 December 2025.",
    originator: 'ISR',
  },
  {
    id: 'RAF-UN2720-AP-2025-12-11',
    metric: 'TRUCKS_OFFLOADED',
    qualifier: 'EXACT',
    value: 6545,
    periodStart: null,
    periodEnd: '2025-12-07',
    source: 'UN2720',
    asOf: '2025-12-11',
    citedIn: 'AP, 11 December 2025',
    statement: 'AP (11 December 2025): the UN counted 6,545 trucks offloaded up to 7 December 2025 (the start of the count is not stated here).',
    originator: 'UN2720',
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

/**
 * Seeds what the crossings' dated history, throughput by stream and the staging areas need; runs once per database,
 * after the first seed, on a new database and on one seeded before them alike.
 */
export async function seedCrossingFlow(tx: Queryable): Promise<void> {
  const random = new SeededRandom(2026_02_02);

  for (const crossing of CROSSINGS) await tx.query('UPDATE crossing SET aliases = $2 WHERE id = $1', [crossing.id, crossing.aliases]);
  await insertRows(
    tx,
    'crossing_status_period',
    ['id', 'crossing_id', 'valid_from', 'valid_from_precision', 'valid_to', 'status', 'allowed_traffic', 'medical_evacuation_route', 'note', 'source'],
    CROSSINGS.flatMap((c) =>
      c.history.map((p, index) => [
        `CSP-${c.id}-${index + 1}`,
        c.id,
        p.validFrom,
        p.validFromPrecision,
        p.validTo,
        p.status,
        p.allowedTraffic,
        p.medicalEvacuationRoute,
        p.note,
        p.source,
      ]),
    ),
  );

  // A database seeded before Rafah's history was recorded sent its evacuation convoys through Rafah, closed throughout
  // the synthetic picture: they left through Kerem Shalom.
  await tx.query(
    `UPDATE convoy SET crossing_id = 'KEREM_SHALOM', route = replace(route, 'Rafah crossing', 'Kerem Shalom crossing')
     WHERE type = 'EVACUATION' AND crossing_id = 'RAFAH'`,
  );

  // Every synthetic daily report split by stream, under the report's own marking; rejections and denials are illustrative.
  const reports = await tx.query<Row>(`SELECT * FROM crossing_daily_report WHERE source = 'SYNTHETIC' AND open AND trucks_offloaded > 0 ORDER BY id`);
  const streams: unknown[][] = [];
  for (const report of reports) {
    const shares = STREAM_SHARES[report.crossing_id];
    if (!shares) continue;
    let offloadedLeft = report.trucks_offloaded as number;
    let collectedLeft = report.trucks_collected as number;
    shares.forEach(([stream, share], index) => {
      const last = index === shares.length - 1;
      const offloaded = last ? offloadedLeft : Math.min(offloadedLeft, Math.round(report.trucks_offloaded * share * (0.85 + random.next() * 0.3)));
      const collected = last ? collectedLeft : Math.min(collectedLeft, offloaded, Math.round(report.trucks_collected * share));
      offloadedLeft -= offloaded;
      collectedLeft -= collected;
      const rejected = (stream === 'UN_2720' || stream === 'BILATERAL') && random.chance(0.3) ? random.int(1, 6) : 0;
      const denied = (stream === 'UN_2720' || stream === 'BILATERAL') && random.chance(0.1) ? [random.pick(DUAL_USE_ITEMS)] : [];
      const date = isoDay(report.date instanceof Date ? report.date : new Date(`${report.date}T00:00:00Z`));
      streams.push([
        `CSR-${report.crossing_id}-${date}-SYNTHETIC-${stream}`,
        report.crossing_id,
        date,
        'SYNTHETIC',
        stream,
        offloaded,
        collected,
        rejected,
        rejected > 0 ? random.pick(REJECTION_REASONS) : null,
        denied,
        denied.length > 0 ? 'Illustrative: listed as dual-use' : null,
        ...MARKING_COLUMNS.map((column) => report[column]),
      ]);
    });
  }
  await insertRows(
    tx,
    'crossing_stream_report',
    ['id', 'crossing_id', 'date', 'source', 'stream', 'trucks_offloaded', 'trucks_collected', 'rejected', 'rejection_reason', 'denied_items', 'denial_reason', ...MARKING_COLUMNS],
    streams,
  );

  await insertRows(
    tx,
    'staging_area',
    ['id', 'name', 'position', 'country', 'kind', 'inspection_point', 'feeds_crossing_id', 'note'],
    STAGING_AREAS.map((s, index) => [s.id, s.name, index + 1, s.country, s.kind, s.inspectionPoint, s.feeds, s.note]),
  );
  const observations: unknown[][] = [];
  for (const area of STAGING_AREAS) {
    for (let day = 0; day < SYNTHETIC_DAYS; day += OBSERVATION_EVERY_DAYS) {
      const date = isoDay(addDays(SYNTHETIC_EPOCH, day));
      const trucks = random.int(area.trucks[0], area.trucks[1]);
      observations.push([
        `SAO-${area.id}-${date}-SYNTHETIC`,
        area.id,
        date,
        'SYNTHETIC',
        trucks,
        trucks * random.int(18, 33),
        Math.round((area.dwell[0] + random.next() * (area.dwell[1] - area.dwell[0])) * 10) / 10,
        'Illustrative figures',
        ...markingValues(syntheticMarking(random, area.originator)),
      ]);
    }
  }
  await insertRows(
    tx,
    'staging_area_observation',
    ['id', 'staging_area_id', 'date', 'source', 'trucks_waiting', 'pallets_waiting', 'dwell_days', 'note', ...MARKING_COLUMNS],
    observations,
  );

  await insertRows(
    tx,
    'reported_aid_figure',
    ['id', 'metric', 'qualifier', 'value', 'value_max', 'period_start', 'period_end', 'area_pcode', 'source', 'as_of', 'statement', 'cited_in', ...MARKING_COLUMNS],
    REPORTED_FIGURES.map((f) => [
      f.id,
      f.metric,
      f.qualifier,
      f.value,
      null,
      f.periodStart,
      f.periodEnd,
      'PS02',
      f.source,
      f.asOf,
      f.statement,
      f.citedIn,
      ...markingValues(publicMarking(f.originator)),
    ]),
  );
}
