import {
  manyByKey,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  SqlParams,
  visibleSql,
  type AccessMarking,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';
import type { HxlFieldTag, Provenance } from './repository.ts';

/** One period of a crossing's recorded status (public reference data). */
export interface CrossingStatusPeriod {
  crossingId: string;
  validFrom: string | null;
  validFromPrecision: string;
  validTo: string | null;
  status: string;
  allowedTraffic: string[];
  medicalEvacuationRoute: boolean;
  note: string;
  source: string;
}

export interface CrossingStreamReport {
  id: string;
  crossingId: string;
  date: string;
  source: string;
  stream: string;
  trucksOffloaded: number;
  trucksCollected: number;
  rejected: number;
  rejectionReason: string | null;
  deniedItems: string[];
  denialReason: string | null;
  note: string | null;
  marking: AccessMarking;
  hxlTags: HxlFieldTag[];
  provenance: Provenance;
}

export interface StagingArea {
  id: string;
  name: string;
  country: string;
  kind: string;
  inspectionPoint: string | null;
  feedsCrossingId: string;
  note: string;
}

export interface StagingAreaObservation {
  id: string;
  stagingAreaId: string;
  date: string;
  source: string;
  trucksWaiting: number;
  palletsWaiting: number;
  dwellDays: number;
  note: string | null;
  marking: AccessMarking;
}

export interface StreamFigures {
  stream: string;
  trucksOffloaded: number;
  trucksCollected: number;
  rejected: number;
  deniedItems: number;
}

/** One source's throughput at a crossing over a period: never added to another source's. */
export interface SourceThroughput {
  source: string;
  daysReported: number;
  asOf: string;
  trucksOffloaded: number;
  trucksCollected: number;
  rejected: number;
  deniedItems: number;
  byStream: StreamFigures[];
  /** Trucks offloaded by day (all streams), for comparing two sources day by day. */
  offloadedByDay: Map<string, number>;
}

export interface CrossingThroughput {
  crossingId: string;
  since: string;
  until: string | null;
  bySource: SourceThroughput[];
}

export interface ThroughputGap {
  sourceA: string;
  sourceB: string;
  daysCompared: number;
  trucksOffloadedA: number;
  trucksOffloadedB: number;
  difference: number;
  statement: string;
}

export const STREAMS = ['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

const day = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
const dayOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : day(value));
const hxlTagsOf = (value: unknown): HxlFieldTag[] =>
  value && typeof value === 'object'
    ? Object.entries(value as Record<string, string>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([field, tag]) => ({ field, tag }))
    : [];

/** The key of a daily report's stream reports: crossing, day and source. */
export const reportKey = (crossingId: string, date: string, source: string) => `${crossingId}|${date}|${source}`;

const toPeriod = (r: Row): CrossingStatusPeriod => ({
  crossingId: r.crossing_id,
  validFrom: dayOrNull(r.valid_from),
  validFromPrecision: r.valid_from_precision,
  validTo: dayOrNull(r.valid_to),
  status: r.status,
  allowedTraffic: r.allowed_traffic,
  medicalEvacuationRoute: r.medical_evacuation_route,
  note: r.note,
  source: r.source,
});

const toStream = (r: Row): CrossingStreamReport => ({
  id: r.id,
  crossingId: r.crossing_id,
  date: day(r.date),
  source: r.source,
  stream: r.stream,
  trucksOffloaded: r.trucks_offloaded,
  trucksCollected: r.trucks_collected,
  rejected: r.rejected,
  rejectionReason: r.rejection_reason,
  deniedItems: r.denied_items,
  denialReason: r.denial_reason,
  note: r.note,
  marking: markingFromRow(r as MarkingRow),
  hxlTags: hxlTagsOf(r.hxl_tags),
  provenance: provenanceFromRow(r),
});

const toStagingArea = (r: Row): StagingArea => ({
  id: r.id,
  name: r.name,
  country: r.country,
  kind: r.kind,
  inspectionPoint: r.inspection_point,
  feedsCrossingId: r.feeds_crossing_id,
  note: r.note,
});

const toObservation = (r: Row): StagingAreaObservation => ({
  id: r.id,
  stagingAreaId: r.staging_area_id,
  date: day(r.date),
  source: r.source,
  trucksWaiting: r.trucks_waiting,
  palletsWaiting: r.pallets_waiting,
  dwellDays: Number(r.dwell_days),
  note: r.note,
  marking: markingFromRow(r as MarkingRow),
});

/** Sums stream reports per source (never across sources), streams in their fixed order. */
export function throughputOf(crossingId: string, since: string, until: string | null, rows: CrossingStreamReport[]): CrossingThroughput {
  const bySource = new Map<string, SourceThroughput>();
  for (const row of rows) {
    let figures = bySource.get(row.source);
    if (!figures) {
      figures = { source: row.source, daysReported: 0, asOf: row.date, trucksOffloaded: 0, trucksCollected: 0, rejected: 0, deniedItems: 0, byStream: [], offloadedByDay: new Map() };
      bySource.set(row.source, figures);
    }
    figures.trucksOffloaded += row.trucksOffloaded;
    figures.trucksCollected += row.trucksCollected;
    figures.rejected += row.rejected;
    figures.deniedItems += row.deniedItems.length;
    if (row.date > figures.asOf) figures.asOf = row.date;
    figures.offloadedByDay.set(row.date, (figures.offloadedByDay.get(row.date) ?? 0) + row.trucksOffloaded);
    let stream = figures.byStream.find((s) => s.stream === row.stream);
    if (!stream) {
      stream = { stream: row.stream, trucksOffloaded: 0, trucksCollected: 0, rejected: 0, deniedItems: 0 };
      figures.byStream.push(stream);
    }
    stream.trucksOffloaded += row.trucksOffloaded;
    stream.trucksCollected += row.trucksCollected;
    stream.rejected += row.rejected;
    stream.deniedItems += row.deniedItems.length;
  }
  for (const figures of bySource.values()) {
    figures.daysReported = figures.offloadedByDay.size;
    figures.byStream.sort((a, b) => STREAMS.indexOf(a.stream as (typeof STREAMS)[number]) - STREAMS.indexOf(b.stream as (typeof STREAMS)[number]));
  }
  const ordered = [...bySource.values()].sort((a, b) => b.trucksOffloaded - a.trucksOffloaded || a.source.localeCompare(b.source));
  return { crossingId, since, until, bySource: ordered };
}

/** The gap between two sources' counts of trucks offloaded over the days both reported; null when there are no such days. */
export function gapOf(throughput: CrossingThroughput, sourceA: string, sourceB: string): ThroughputGap | null {
  const a = throughput.bySource.find((s) => s.source === sourceA);
  const b = throughput.bySource.find((s) => s.source === sourceB);
  if (!a || !b || sourceA === sourceB) return null;
  const days = [...a.offloadedByDay.keys()].filter((date) => b.offloadedByDay.has(date));
  if (days.length === 0) return null;
  const countA = days.reduce((sum, date) => sum + a.offloadedByDay.get(date)!, 0);
  const countB = days.reduce((sum, date) => sum + b.offloadedByDay.get(date)!, 0);
  const difference = countA - countB;
  const span = `over ${days.length} day${days.length === 1 ? '' : 's'} both reported`;
  const statement =
    difference === 0
      ? `${sourceA} and ${sourceB} counted the same number of trucks offloaded (${countA}) ${span}`
      : `${sourceA} counted ${Math.abs(difference)} ${difference > 0 ? 'more' : 'fewer'} trucks offloaded than ${sourceB} (${countA} against ${countB}) ${span}`;
  return { sourceA, sourceB, daysCompared: days.length, trucksOffloadedA: countA, trucksOffloadedB: countB, difference, statement };
}

/**
 * The statements of crossings' status history, throughput by stream and the staging areas. Stream reports and
 * staging-area observations are marked: they are read only as far as they are released to `viewer`, in the SQL, so
 * every figure built from them counts only what the caller may see. Status periods and staging areas are public
 * reference data.
 */
export function createFlowRepository(db: Queryable, viewer: Viewer) {
  return {
    async statusPeriodsByCrossing(crossingIds: readonly string[]): Promise<CrossingStatusPeriod[][]> {
      const rows = await db.query<Row>(
        `SELECT * FROM crossing_status_period WHERE crossing_id = ANY($1::text[]) ORDER BY crossing_id, valid_from NULLS FIRST`,
        [crossingIds],
      );
      return manyByKey(crossingIds, rows, (row) => row.crossing_id as string).map((group) => group.map(toPeriod));
    },

    /** The stream reports of daily reports (by `reportKey`), released to the viewer, in stream order. */
    async streamsByReport(keys: readonly string[]): Promise<CrossingStreamReport[][]> {
      const params = new SqlParams();
      const list = params.add(keys);
      const rows = await db.query<Row>(
        `SELECT t.* FROM crossing_stream_report t
         WHERE (t.crossing_id || '|' || to_char(t.date, 'YYYY-MM-DD') || '|' || t.source) = ANY(${list}::text[])
           AND ${visibleSql(viewer, params, 't')}
         ORDER BY array_position(ARRAY['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'], t.stream)`,
        params.values,
      );
      return manyByKey(keys, rows, (row) => reportKey(row.crossing_id, day(row.date), row.source)).map((group) => group.map(toStream));
    },

    /** Every stream report of each crossing over [since, until] (days, inclusive) released to the viewer. */
    async streamsInPeriod(crossingIds: readonly string[], since: string, until: string | null): Promise<CrossingStreamReport[][]> {
      const params = new SqlParams();
      const ids = params.add(crossingIds);
      const from = params.add(since);
      const to = params.add(until);
      const rows = await db.query<Row>(
        `SELECT t.* FROM crossing_stream_report t
         WHERE t.crossing_id = ANY(${ids}::text[]) AND t.date >= ${from}::date AND (${to}::date IS NULL OR t.date <= ${to}::date)
           AND ${visibleSql(viewer, params, 't')}
         ORDER BY t.date, t.id`,
        params.values,
      );
      return manyByKey(crossingIds, rows, (row) => row.crossing_id as string).map((group) => group.map(toStream));
    },

    /** One page of stream reports per crossing, newest day first, released to the viewer. */
    async streamPagesByCrossing(crossingIds: readonly string[], filter: { since: string | null; until: string | null }, page: Page): Promise<CrossingStreamReport[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'crossing_stream_report',
        parentColumn: 'crossing_id',
        match: 'equal',
        keys: crossingIds,
        orderColumn: 'date',
        page,
        visibleTo: viewer,
        where: (params) => [
          ...(filter.since ? [`t.date >= ${params.add(filter.since)}::date`] : []),
          ...(filter.until ? [`t.date <= ${params.add(filter.until)}::date`] : []),
        ],
      });
      return pages.map((rows) => rows.map(toStream));
    },

    async allStagingAreas(): Promise<StagingArea[]> {
      return (await db.query<Row>('SELECT * FROM staging_area ORDER BY position')).map(toStagingArea);
    },

    async stagingAreasById(ids: readonly string[]): Promise<(StagingArea | null)[]> {
      const rows = await db.query<Row>('SELECT * FROM staging_area WHERE id = ANY($1::text[])', [ids]);
      const byId = new Map(rows.map((row) => [row.id as string, toStagingArea(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },

    async stagingAreasByCrossing(crossingIds: readonly string[]): Promise<StagingArea[][]> {
      const rows = await db.query<Row>('SELECT * FROM staging_area WHERE feeds_crossing_id = ANY($1::text[]) ORDER BY position', [crossingIds]);
      return manyByKey(crossingIds, rows, (row) => row.feeds_crossing_id as string).map((group) => group.map(toStagingArea));
    },

    /** One page of observations per staging area, newest first, released to the viewer. */
    async observationsByArea(areaIds: readonly string[], filter: { since: string | null; until: string | null }, page: Page): Promise<StagingAreaObservation[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'staging_area_observation',
        parentColumn: 'staging_area_id',
        match: 'equal',
        keys: areaIds,
        orderColumn: 'date',
        page,
        visibleTo: viewer,
        where: (params) => [
          ...(filter.since ? [`t.date >= ${params.add(filter.since)}::date`] : []),
          ...(filter.until ? [`t.date <= ${params.add(filter.until)}::date`] : []),
        ],
      });
      return pages.map((rows) => rows.map(toObservation));
    },
  };
}

export type FlowRepository = ReturnType<typeof createFlowRepository>;
