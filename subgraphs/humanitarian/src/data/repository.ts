import {
  countByParent,
  countInArea,
  forbidden,
  manyByKey,
  markingFromRow,
  selectByIds,
  selectPagesByParent,
  selectVisibleByIds,
  SqlParams,
  visibleSql,
  type AccessMarking,
  type MarkingRow,
  provenanceFromRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';

/** How a record entered the graph and who last changed it (the GraphQL `Provenance` type). */
export type Provenance = ReturnType<typeof provenanceFromRow>;

/** One HXL hashtag a record was imported under: the stored field and the hashtag of its column in the file. */
export interface HxlFieldTag {
  field: string;
  tag: string;
}

export interface Organization {
  id: string;
  name: string;
  acronym: string;
  type: string;
}

export interface Crossing {
  id: string;
  name: string;
  aliases: string[];
  areaPcode: string;
  status: string;
  allowedTraffic: string[];
  statusSince: string | null;
  statusNote: string;
  statusSource: string;
}

export interface CrossingDailyReport {
  id: string;
  crossingId: string;
  date: string;
  source: string;
  open: boolean;
  trucksOffloaded: number;
  trucksCollected: number;
  tonnes: number;
  fuelLitres: number;
  note: string | null;
  marking: AccessMarking;
  hxlTags: HxlFieldTag[];
  provenance: Provenance;
}

export interface Convoy {
  id: string;
  type: string;
  crossingId: string | null;
  destinationPcode: string;
  plannedStart: Date;
  status: string;
  statusReason: string | null;
  un2720Monitored: boolean;
  stream: string | null;
  route: string | null;
  departedAt: Date | null;
  arrivedAt: Date | null;
  driverNames: string[] | null;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface TruckConsignment {
  id: string;
  convoyId: string;
  cargoCategory: string;
  pallets: number;
  tonnes: number;
  stage: string;
  stageAt: Date;
  source: string;
  provenance: Provenance;
}

export interface Activity {
  id: string;
  organizationId: string;
  implementingOrganizationId: string | null;
  sector: string;
  areaPcode: string;
  facilityId: string | null;
  activity: string;
  status: string;
  start: string;
  end: string | null;
  targeted: number | null;
  reached: number | null;
  source: string;
  marking: AccessMarking;
  hxlTags: HxlFieldTag[];
  provenance: Provenance;
}

export interface ReportedAidFigure {
  id: string;
  metric: string;
  qualifier: string;
  value: number;
  valueMax: number | null;
  periodStart: string | null;
  periodEnd: string | null;
  areaPcode: string;
  source: string;
  asOf: string;
  statement: string;
  citedIn: string | null;
  marking: AccessMarking;
}

export interface CargoCategoryFigures {
  category: string;
  trucks: number;
  tonnes: number;
  pallets: number;
}

/** The aid streams in the order figures list them (as `AidStream` declares them; the crossing figures use the same order). */
const AID_STREAMS = ['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'] as const;

/** Deliveries of one aid stream within one source's figures. */
export interface AidStreamFigures {
  stream: string;
  trucks: number;
  tonnes: number;
  pallets: number;
}

/** Deliveries from one source; never combined with another source's. */
export interface AidDeliveryFigures {
  source: string;
  asOf: Date;
  trucks: number;
  tonnes: number;
  pallets: number;
  byCategory: CargoCategoryFigures[];
  byStream: AidStreamFigures[];
  /** Deliveries by convoys with no stream (recorded without one): in the totals, in no `byStream` entry. */
  withoutStream: AidDeliveryCounts;
}

/** Truck loads, tonnes and pallets delivered. */
export interface AidDeliveryCounts {
  trucks: number;
  tonnes: number;
  pallets: number;
}

export interface AidDeliverySummary {
  areaPcode: string;
  since: Date;
  until: Date | null;
  bySource: AidDeliveryFigures[];
}

export interface DeliveryPeriod {
  since: Date;
  until: Date | null;
}

export interface ReportFilter {
  since: Date | null;
  until: Date | null;
}

export interface ConvoyFilter {
  status: string | null;
  type: string | null;
  crossingId: string | null;
  destinationPcode: string | null;
  un2720Monitored: boolean | null;
}

export interface ActivityFilter {
  organizationId: string | null;
  sector: string | null;
  status: string | null;
  areaPcode: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

/** The id of the daily report of a crossing, day and source, the same whether seeded, recorded by an editor or imported. */
export const crossingReportId = (crossingId: string, date: string, source: string) => `CDR-${crossingId}-${date}-${source}`;

const toOrganization = (r: Row): Organization => ({ id: r.id, name: r.name, acronym: r.acronym, type: r.type });

const toCrossing = (r: Row): Crossing => ({
  id: r.id,
  name: r.name,
  aliases: r.aliases ?? [],
  areaPcode: r.area_pcode,
  status: r.status,
  allowedTraffic: r.allowed_traffic,
  statusSince: dayOrNull(r.status_since),
  statusNote: r.status_note,
  statusSource: r.status_source,
});

const toReport = (r: Row): CrossingDailyReport => ({
  id: r.id,
  crossingId: r.crossing_id,
  date: day(r.date),
  source: r.source,
  open: r.open,
  trucksOffloaded: r.trucks_offloaded,
  trucksCollected: r.trucks_collected,
  tonnes: num(r.tonnes),
  fuelLitres: r.fuel_litres,
  note: r.note,
  marking: markingFromRow(r as MarkingRow),
  hxlTags: hxlTagsOf(r.hxl_tags),
  provenance: provenanceFromRow(r),
});

const toConvoy = (r: Row): Convoy => ({
  id: r.id,
  type: r.type,
  crossingId: r.crossing_id,
  destinationPcode: r.destination_pcode,
  plannedStart: r.planned_start,
  status: r.status,
  statusReason: r.status_reason ?? null,
  un2720Monitored: r.un2720_monitored,
  stream: r.stream ?? null,
  route: r.route,
  departedAt: r.departed_at,
  arrivedAt: r.arrived_at,
  driverNames: r.driver_names,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toConsignment = (r: Row): TruckConsignment => ({
  id: r.id,
  convoyId: r.convoy_id,
  cargoCategory: r.cargo_category,
  pallets: r.pallets,
  tonnes: num(r.tonnes),
  stage: r.stage,
  stageAt: r.stage_at,
  source: r.source,
  provenance: provenanceFromRow(r),
});

const toActivity = (r: Row): Activity => ({
  id: r.id,
  organizationId: r.organization_id,
  implementingOrganizationId: r.implementing_organization_id,
  sector: r.sector,
  areaPcode: r.area_pcode,
  facilityId: r.facility_id,
  activity: r.activity,
  status: r.status,
  start: day(r.start_date),
  end: dayOrNull(r.end_date),
  targeted: r.targeted,
  reached: r.reached,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  hxlTags: hxlTagsOf(r.hxl_tags),
  provenance: provenanceFromRow(r),
});

const toFigure = (r: Row): ReportedAidFigure => ({
  id: r.id,
  metric: r.metric,
  qualifier: r.qualifier,
  value: num(r.value),
  valueMax: numOrNull(r.value_max),
  periodStart: dayOrNull(r.period_start),
  periodEnd: dayOrNull(r.period_end),
  areaPcode: r.area_pcode,
  source: r.source,
  asOf: day(r.as_of),
  statement: r.statement,
  citedIn: r.cited_in ?? null,
  marking: markingFromRow(r as MarkingRow),
});

// The kit's PGlite parsers are lost for in-memory databases (PGlite drops its options when dataDir is undefined),
// so numerics may arrive as strings and dates as Date objects; normalise both here rather than trust the driver.
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const day = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
const dayOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : day(value));

/** The `hxl_tags` column (stored field → hashtag) as a list sorted by field (jsonb keeps no column order). */
const hxlTagsOf = (value: unknown): HxlFieldTag[] =>
  value && typeof value === 'object'
    ? Object.entries(value as Record<string, string>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([field, tag]) => ({ field, tag }))
    : [];

function map<R, T>(rows: (R | null)[], to: (row: R) => T): (T | null)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[] {
  return rows.map((row) => (row === null || row instanceof Error ? row : to(row as R))) as (T | null | Error)[];
}
const round2 = (value: number): number => Math.round(value * 100) / 100;

const convoyConditions = (filter: ConvoyFilter) => (params: SqlParams): string[] => [
  ...(filter.status ? [`t.status = ${params.add(filter.status)}`] : []),
  ...(filter.type ? [`t.type = ${params.add(filter.type)}`] : []),
  ...(filter.crossingId ? [`t.crossing_id = ${params.add(filter.crossingId)}`] : []),
  ...(filter.un2720Monitored !== null ? [`t.un2720_monitored = ${params.add(filter.un2720Monitored)}`] : []),
];

const activityConditions = (filter: ActivityFilter) => (params: SqlParams): string[] => [
  ...(filter.organizationId ? [`t.organization_id = ${params.add(filter.organizationId)}`] : []),
  ...(filter.sector ? [`t.sector = ${params.add(filter.sector)}`] : []),
  ...(filter.status ? [`t.status = ${params.add(filter.status)}`] : []),
];

/**
 * Every statement the humanitarian subgraph runs; each method is one statement for a whole batch. Marked records
 * (crossing daily reports, convoys, activities, reported aid figures) are read only as far as they are released to
 * `viewer`, and truck consignments only as far as their convoy is: the rule is part of the SQL, so pages, totals and
 * the sums of `Area.aidDeliveries` count only what the caller may see. Organisations and crossings are unmarked
 * reference data, visible to every authenticated principal.
 */
export function createRepository(db: Queryable, viewer: Viewer) {
  const activityPages = async (column: string, match: 'equal' | 'prefix', keys: readonly string[], filter: ActivityFilter | null, page: Page) => {
    const pages = await selectPagesByParent<Row>(db, {
      table: 'activity',
      parentColumn: column,
      match,
      keys,
      orderColumn: 'start_date',
      page,
      visibleTo: viewer,
      where: filter ? activityConditions(filter) : undefined,
    });
    return pages.map((rows) => rows.map(toActivity));
  };

  return {
    async organizationsById(ids: readonly string[]): Promise<(Organization | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'organization', ids), toOrganization);
    },

    async organizationsByType(type: string | null): Promise<Organization[]> {
      const rows = await db.query<Row>('SELECT * FROM organization WHERE ($1::text IS NULL OR type = $1) ORDER BY acronym', [type]);
      return rows.map(toOrganization);
    },

    /** The requesting organisations of each convoy, lead organisation first. */
    async organizationsByConvoy(convoyIds: readonly string[]): Promise<Organization[][]> {
      const rows = await db.query<Row>(
        `SELECT r.convoy_id, o.* FROM convoy_requesting_organization r JOIN organization o ON o.id = r.organization_id
         WHERE r.convoy_id = ANY($1::text[]) ORDER BY r.convoy_id, r.position`,
        [convoyIds],
      );
      return manyByKey(convoyIds, rows, (row) => row.convoy_id as string).map((group) => group.map(toOrganization));
    },

    async crossingsById(ids: readonly string[]): Promise<(Crossing | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'crossing', ids), toCrossing);
    },

    async allCrossings(): Promise<Crossing[]> {
      return (await db.query<Row>('SELECT * FROM crossing ORDER BY position')).map(toCrossing);
    },

    async reportsByCrossing(crossingIds: readonly string[], filter: ReportFilter, page: Page): Promise<CrossingDailyReport[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'crossing_daily_report',
        parentColumn: 'crossing_id',
        match: 'equal',
        keys: crossingIds,
        orderColumn: 'date',
        page,
        visibleTo: viewer,
        where: (params) => [
          ...(filter.since ? [`t.date >= (${params.add(filter.since)}::timestamptz AT TIME ZONE 'UTC')::date`] : []),
          ...(filter.until ? [`t.date < (${params.add(filter.until)}::timestamptz AT TIME ZONE 'UTC')::date`] : []),
        ],
      });
      return pages.map((rows) => rows.map(toReport));
    },

    /** Reports by id: null for an unknown id, a FORBIDDEN error for one not released to the viewer. */
    async reportsById(ids: readonly string[]): Promise<(CrossingDailyReport | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'crossing_daily_report', 'CrossingDailyReport', ids, viewer), toReport);
    },

    /** Activities by id (`__resolveReference`): null for an unknown id, a FORBIDDEN error for one withheld. */
    async activitiesById(ids: readonly string[]): Promise<(Activity | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'activity', 'Activity', ids, viewer), toActivity);
    },

    /** Convoys by id (`convoy`, `__resolveReference`): null for an unknown id, a FORBIDDEN error for one withheld. */
    async convoysById(ids: readonly string[]): Promise<(Convoy | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'convoy', 'Convoy', ids, viewer), toConvoy);
    },

    /** One page of convoys per destination (prefix match; `''` means every destination). */
    async convoysByDestination(pcodes: readonly string[], filter: ConvoyFilter, page: Page): Promise<Convoy[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'convoy',
        parentColumn: 'destination_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'planned_start',
        page,
        visibleTo: viewer,
        where: convoyConditions(filter),
      });
      return pages.map((rows) => rows.map(toConvoy));
    },

    async countConvoys(filter: ConvoyFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: 'convoy',
        parentColumn: 'destination_pcode',
        match: 'prefix',
        keys: [filter.destinationPcode ?? ''],
        visibleTo: viewer,
        where: convoyConditions(filter),
      });
      return total;
    },

    /**
     * Consignments by id: null for an unknown id, a FORBIDDEN error for one whose convoy is not released to the
     * viewer (a consignment is covered by its convoy's marking).
     */
    async consignmentsById(ids: readonly string[]): Promise<(TruckConsignment | null | Error)[]> {
      const params = new SqlParams();
      const idList = params.add(ids);
      const rows = await db.query<Row>(
        `SELECT c.*, ${visibleSql(viewer, params, 'v')} AS released__
         FROM truck_consignment c JOIN convoy v ON v.id = c.convoy_id WHERE c.id = ANY(${idList}::text[])`,
        params.values,
      );
      const byId = new Map(rows.map((row) => [row.id as string, row]));
      return ids.map((id) => {
        const row = byId.get(id);
        if (!row) return null;
        if (!row.released__) return forbidden("This TruckConsignment is not released to you");
        return toConsignment(row);
      });
    },

    /** The consignments of convoys the caller can already see (the convoy was read through the rule). */
    async consignmentsByConvoy(convoyIds: readonly string[], page: Page): Promise<TruckConsignment[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'truck_consignment',
        parentColumn: 'convoy_id',
        match: 'equal',
        keys: convoyIds,
        orderColumn: 'stage_at',
        page,
      });
      return pages.map((rows) => rows.map(toConsignment));
    },

    /**
     * Consignments DELIVERED within [since, until) to each area or an area below it, as one statement grouped by
     * area, source, cargo category and convoy stream. Totals are added up within a source only, never across sources.
     * Loads of a convoy without a stream are counted in `withoutStream`, never under a stream. Only consignments of
     * convoys released to the viewer are summed (the convoy's marking covers its consignments).
     */
    async deliveriesByArea(pcodes: readonly string[], period: DeliveryPeriod): Promise<AidDeliverySummary[]> {
      const params = new SqlParams();
      params.add(pcodes);
      params.add(period.since);
      params.add(period.until);
      const rows = await db.query<Row>(
        `SELECT k.key AS area_key, c.source, c.cargo_category, v.stream, count(*)::int AS trucks, sum(c.tonnes) AS tonnes,
                sum(c.pallets)::int AS pallets, max(c.stage_at) AS as_of
         FROM unnest($1::text[]) AS k(key)
         JOIN convoy v ON starts_with(v.destination_pcode, k.key)
         JOIN truck_consignment c ON c.convoy_id = v.id
         WHERE c.stage = 'DELIVERED' AND c.stage_at >= $2::timestamptz AND ($3::timestamptz IS NULL OR c.stage_at < $3::timestamptz)
           AND ${visibleSql(viewer, params, 'v')}
         GROUP BY k.key, c.source, c.cargo_category, v.stream
         ORDER BY k.key, c.source, c.cargo_category, v.stream`,
        params.values,
      );
      return manyByKey(pcodes, rows, (row) => row.area_key as string).map((areaRows, index) => {
        // Rows are per source, category and stream: figures add up within one source only, never across sources.
        const bySource = new Map<string, { figures: AidDeliveryFigures; categories: Map<string, CargoCategoryFigures>; streams: Map<string, AidStreamFigures> }>();
        for (const row of areaRows) {
          let entry = bySource.get(row.source);
          if (!entry) {
            entry = {
              figures: { source: row.source, asOf: row.as_of, trucks: 0, tonnes: 0, pallets: 0, byCategory: [], byStream: [], withoutStream: { trucks: 0, tonnes: 0, pallets: 0 } },
              categories: new Map(),
              streams: new Map(),
            };
            bySource.set(row.source, entry);
          }
          const { figures } = entry;
          const tonnes = num(row.tonnes);
          figures.trucks += row.trucks;
          figures.tonnes += tonnes;
          figures.pallets += row.pallets;
          if (row.as_of > figures.asOf) figures.asOf = row.as_of;
          const category = entry.categories.get(row.cargo_category) ?? { category: row.cargo_category, trucks: 0, tonnes: 0, pallets: 0 };
          category.trucks += row.trucks;
          category.tonnes += tonnes;
          category.pallets += row.pallets;
          entry.categories.set(row.cargo_category, category);
          // A convoy recorded without a stream has none: its loads are counted apart (withoutStream), never given a stream.
          let counts: AidDeliveryCounts = figures.withoutStream;
          if (row.stream) {
            const stream = entry.streams.get(row.stream) ?? { stream: row.stream, trucks: 0, tonnes: 0, pallets: 0 };
            entry.streams.set(row.stream, stream);
            counts = stream;
          }
          counts.trucks += row.trucks;
          counts.tonnes += tonnes;
          counts.pallets += row.pallets;
        }
        const figures = [...bySource.values()].map(({ figures, categories, streams }) => ({
          ...figures,
          tonnes: round2(figures.tonnes),
          withoutStream: { ...figures.withoutStream, tonnes: round2(figures.withoutStream.tonnes) },
          byCategory: [...categories.values()]
            .map((category) => ({ ...category, tonnes: round2(category.tonnes) }))
            .sort((a, b) => b.tonnes - a.tonnes || a.category.localeCompare(b.category)),
          byStream: AID_STREAMS.flatMap((name) => {
            const stream = streams.get(name);
            return stream ? [{ ...stream, tonnes: round2(stream.tonnes) }] : [];
          }),
        }));
        return { areaPcode: pcodes[index], since: period.since, until: period.until, bySource: figures };
      });
    },

    activitiesByArea: (pcodes: readonly string[], page: Page) => activityPages('area_pcode', 'prefix', pcodes, null, page),
    activitiesByFacility: (facilityIds: readonly string[], page: Page) => activityPages('facility_id', 'equal', facilityIds, null, page),
    activitiesByOrganization: (organizationIds: readonly string[], page: Page) => activityPages('organization_id', 'equal', organizationIds, null, page),
    /** One page of activities per area (prefix match; `''` means everywhere), with the filter's other conditions. */
    activitiesFiltered: (pcodes: readonly string[], filter: ActivityFilter, page: Page) => activityPages('area_pcode', 'prefix', pcodes, filter, page),

    async countActivities(filter: ActivityFilter): Promise<number> {
      return countInArea(db, { table: 'activity', areaPcode: filter.areaPcode, where: activityConditions(filter), visibleTo: viewer });
    },

    async reportedFigures(source: string | null, page: Page): Promise<ReportedAidFigure[]> {
      const [rows] = await selectPagesByParent<Row>(db, {
        table: 'reported_aid_figure',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [''],
        orderColumn: 'as_of',
        page,
        visibleTo: viewer,
        where: (params) => (source ? [`t.source = ${params.add(source)}`] : []),
      });
      return rows.map(toFigure);
    },

    async countReportedFigures(source: string | null): Promise<number> {
      const [total] = await countByParent(db, {
        table: 'reported_aid_figure',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [''],
        visibleTo: viewer,
        where: (params) => (source ? [`t.source = ${params.add(source)}`] : []),
      });
      return total;
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;

/**
 * Reads one record a write is about to change, through the releasability rule, and locks it until the transaction
 * ends: `missing` when no row matches, `withheld` when the viewer may not see it (for `truck_consignment`: may not see
 * its convoy, whose marking covers it), else the row. Writes refuse a withheld record with FORBIDDEN before looking at
 * its state, so a write never tells what a read would not (its status, version or who last changed it).
 */
export async function lockVisible(
  tx: Queryable,
  viewer: Viewer,
  table: 'convoy' | 'truck_consignment' | 'crossing_daily_report',
  where: Record<string, unknown>,
): Promise<Row | 'missing' | 'withheld'> {
  const params = new SqlParams();
  const conditions = Object.entries(where).map(([column, value]) => `t.${column} = ${params.add(value)}`);
  const consignment = table === 'truck_consignment';
  const [row] = await tx.query<Row>(
    `SELECT t.*, ${visibleSql(viewer, params, consignment ? 'v' : 't')} AS released__
     FROM ${table} t ${consignment ? 'JOIN convoy v ON v.id = t.convoy_id' : ''}
     WHERE ${conditions.join(' AND ')} FOR UPDATE OF t`,
    params.values,
  );
  if (!row) return 'missing';
  if (!row.released__) return 'withheld';
  const { released__: _released, ...record } = row;
  return record;
}


/**
 * An activity as one row of an HXL-tagged 3W table (the format partners send it in), so it can be exported again
 * without a mapping table. Governorates are COD level 2 (#adm2); localities are below the COD and tagged #loc.
 */
export function activityHxl(activity: Activity): { tag: string; value: string | null }[] {
  const text = (value: string | number | null) => (value === null ? null : String(value));
  return [
    { tag: '#org+code', value: activity.organizationId },
    { tag: '#org+impl+code', value: activity.implementingOrganizationId },
    { tag: '#sector+code', value: activity.sector },
    { tag: activity.areaPcode.length <= 6 ? '#adm2+code' : '#loc+code', value: activity.areaPcode },
    // The facility is engineering's to name (`Activity.facility`): its id is not repeated here, where a withheld one would show.
    { tag: '#loc+facility+code', value: null },
    { tag: '#activity+name', value: activity.activity },
    { tag: '#status', value: activity.status },
    { tag: '#date+start', value: activity.start },
    { tag: '#date+end', value: activity.end },
    { tag: '#targeted', value: text(activity.targeted) },
    { tag: '#reached', value: text(activity.reached) },
  ];
}
