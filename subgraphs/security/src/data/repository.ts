import {
  countInArea,
  markingFromRow,
  oneByKey,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  SqlParams,
  visibleSql,
  type AccessMarking,
  type Conditions,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';

export interface SecurityIncident {
  id: string;
  eventDate: string;
  occurredAt: Date | null;
  eventType: string;
  subEventType: string | null;
  actor1: string;
  actor2: string | null;
  areaPcode: string;
  locationName: string;
  latitude: number | null;
  longitude: number | null;
  fatalities: number | null;
  injured: number | null;
  affectsAid: boolean;
  convoyId: string | null;
  source: string;
  verification: string;
  verificationNote: string | null;
  sourceEventId: string | null;
  citedSources: string | null;
  notes: string | null;
  hxlTags: Record<string, string> | null;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface CeasefireViolationReport {
  id: string;
  reportedBy: string;
  allegedParty: string;
  violationType: string;
  occurredAt: Date;
  areaPcode: string;
  yellowLineSide: string;
  distanceToLineM: number | null;
  verification: string;
  incidentId: string | null;
  notes: string | null;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface IsrObservation {
  id: string;
  platform: string;
  observedOn: string;
  observedAt: Date | null;
  areaPcode: string;
  summary: string;
  incidentId: string | null;
  source: string;
  marking: AccessMarking;
}

export interface ThreatAssessment {
  id: string;
  level: string;
  asOf: string;
  areaPcode: string | null;
  crossingId: string | null;
  basis: string;
  source: string;
  marking: AccessMarking;
}

export interface CrossingClosure {
  id: string;
  crossingId: string;
  from: Date;
  until: Date | null;
  category: string;
  reason: string;
  source: string;
  marking: AccessMarking;
}

/** A phase of the ceasefire: from when to when, on which conditions, as its source gave it. */
export interface CeasefirePhase {
  id: string;
  name: string;
  from: string;
  to: string | null;
  conditions: string[];
  source: string;
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

/** A return of hostages (living, or the remains of deceased ones): one event, or one figure for a period. */
export interface HostageReturn {
  id: string;
  living: boolean;
  count: number;
  periodStart: string | null;
  date: string;
  via: string | null;
  countedInId: string | null;
  source: string;
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

/** A release of Palestinian prisoners and detainees, or a return of remains, as one figure. */
export interface DetaineeRelease {
  id: string;
  count: number;
  approximate: boolean;
  countBasis: string;
  category: string;
  periodStart: string | null;
  date: string;
  source: string;
  asOf: string;
  citedSources: string | null;
  statement: string;
  marking: AccessMarking;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

/** Who recorded a written record, when and how, and its version (see the kit's `provenanceFromRow`). */
export type Provenance = ReturnType<typeof provenanceFromRow>;

const toIncident = (r: Row): SecurityIncident => ({
  id: r.id,
  eventDate: r.event_date,
  occurredAt: r.occurred_at,
  eventType: r.event_type,
  subEventType: r.sub_event_type,
  actor1: r.actor1,
  actor2: r.actor2,
  areaPcode: r.area_pcode,
  locationName: r.location_name,
  latitude: r.latitude,
  longitude: r.longitude,
  fatalities: r.fatalities,
  injured: r.injured,
  affectsAid: r.affects_aid,
  convoyId: r.convoy_id,
  source: r.source,
  verification: r.verification,
  verificationNote: r.verification_note,
  sourceEventId: r.source_event_id,
  citedSources: r.cited_sources,
  notes: r.notes,
  hxlTags: r.hxl_tags,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toViolationReport = (r: Row): CeasefireViolationReport => ({
  id: r.id,
  reportedBy: r.reported_by,
  allegedParty: r.alleged_party,
  violationType: r.violation_type,
  occurredAt: r.occurred_at,
  areaPcode: r.area_pcode,
  yellowLineSide: r.yellow_line_side,
  distanceToLineM: r.distance_to_line_m,
  verification: r.verification,
  incidentId: r.incident_id,
  notes: r.notes,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toObservation = (r: Row): IsrObservation => ({
  id: r.id,
  platform: r.platform,
  observedOn: r.observed_on,
  observedAt: r.observed_at,
  areaPcode: r.area_pcode,
  summary: r.summary,
  incidentId: r.incident_id,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toAssessment = (r: Row): ThreatAssessment => ({
  id: r.id,
  level: r.level,
  asOf: r.as_of,
  areaPcode: r.area_pcode,
  crossingId: r.crossing_id,
  basis: r.basis,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toClosure = (r: Row): CrossingClosure => ({
  id: r.id,
  crossingId: r.crossing_id,
  from: r.starts_at,
  until: r.ends_at,
  category: r.category,
  reason: r.reason,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toPhase = (r: Row): CeasefirePhase => ({
  id: r.id,
  name: r.name,
  from: r.starts_on,
  to: r.ends_on,
  conditions: r.conditions ?? [],
  source: r.source,
  asOf: r.as_of,
  citedSources: r.cited_sources,
  statement: r.statement,
  marking: markingFromRow(r as MarkingRow),
});

const toHostageReturn = (r: Row): HostageReturn => ({
  id: r.id,
  living: r.living,
  count: r.count,
  periodStart: r.period_start,
  date: r.event_date,
  via: r.via,
  countedInId: r.counted_in,
  source: r.source,
  asOf: r.as_of,
  citedSources: r.cited_sources,
  statement: r.statement,
  marking: markingFromRow(r as MarkingRow),
});

const toDetaineeRelease = (r: Row): DetaineeRelease => ({
  id: r.id,
  count: r.count,
  approximate: r.approximate,
  countBasis: r.count_basis,
  category: r.category,
  periodStart: r.period_start,
  date: r.event_date,
  source: r.source,
  asOf: r.as_of,
  citedSources: r.cited_sources,
  statement: r.statement,
  marking: markingFromRow(r as MarkingRow),
});

function map<R, T>(rows: (R | null)[], to: (row: R) => T): (T | null)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[] {
  return rows.map((row) => (row === null || row instanceof Error ? row : to(row as R))) as (T | null | Error)[];
}

/** A time window; either end may be open. */
export interface Window {
  since: Date | null;
  until: Date | null;
}

export interface IncidentFilter extends Window {
  areaPcode: string | null;
  eventType: string | null;
  verification: string | null;
  affectsAid: boolean | null;
}

export interface ViolationReportFilter extends Window {
  areaPcode: string | null;
  verification: string | null;
  violationType: string | null;
  yellowLineSide: string | null;
}

export interface ObservationFilter extends Window {
  areaPcode: string | null;
  platform: string | null;
}

/** Timestamps go to SQL as ISO strings, so both drivers read them the same way. */
const instant = (params: SqlParams, value: Date) => `${params.add(value.toISOString())}::timestamptz`;

/**
 * Records kept by calendar day (incidents, ISR observations) belong to a window when their day overlaps it: the UTC day
 * of `since` counts in full, and so does a day that has begun before `until`.
 */
function dayWindow(column: string, window: Window): Conditions {
  return (params) => [
    ...(window.since ? [`t.${column} >= (${instant(params, window.since)} AT TIME ZONE 'UTC')::date`] : []),
    ...(window.until ? [`t.${column} < ((${instant(params, window.until)} - interval '1 microsecond') AT TIME ZONE 'UTC')::date + 1`] : []),
  ];
}

function equal(column: string, value: unknown): Conditions {
  return (params) => (value === null || value === undefined ? [] : [`t.${column} = ${params.add(value)}`]);
}

function all(...parts: Conditions[]): Conditions {
  return (params) => parts.flatMap((part) => part(params));
}

const incidentConditions = (filter: Omit<IncidentFilter, 'areaPcode'>): Conditions =>
  all(dayWindow('event_date', filter), equal('event_type', filter.eventType), equal('verification', filter.verification), equal('affects_aid', filter.affectsAid));

const reportConditions = (filter: ViolationReportFilter): Conditions =>
  all(
    (params) => [
      ...(filter.since ? [`t.occurred_at >= ${instant(params, filter.since)}`] : []),
      ...(filter.until ? [`t.occurred_at < ${instant(params, filter.until)}`] : []),
    ],
    equal('verification', filter.verification),
    equal('violation_type', filter.violationType),
    equal('yellow_line_side', filter.yellowLineSide),
  );

const observationConditions = (filter: ObservationFilter): Conditions => all(dayWindow('observed_on', filter), equal('platform', filter.platform));

/**
 * Every statement the security subgraph runs; each method is one statement for a whole batch. Every table here holds
 * marked records (incidents, ceasefire violation reports, ISR observations, threat assessments, closures), and each is
 * read only as far as it is released to `viewer`: the rule is part of the SQL, so pages, totals and the choice of the
 * latest assessment only ever see what the caller may see.
 */
export function createRepository(db: Queryable, viewer: Viewer) {
  /**
   * Keyset pages continue after the record named by `after`; one not released to the viewer must not serve as a
   * position (that would tell that it exists and roughly when it happened), so it is treated like an unknown id.
   */
  const afterReleased = (table: string, page: Page): Conditions => (params) =>
    page.afterId === null ? [] : [`EXISTS (SELECT 1 FROM ${table} a WHERE a.id = ${params.add(page.afterId)} AND ${visibleSql(viewer, params, 'a')})`];

  /** The rows of `table` released to the viewer that meet `where`, in `order`. */
  async function visibleRows(table: string, order: string, where: Conditions = () => []): Promise<Row[]> {
    const params = new SqlParams();
    const conditions = [...where(params), visibleSql(viewer, params)];
    return db.query<Row>(`SELECT t.* FROM ${table} t WHERE ${conditions.join(' AND ')} ORDER BY ${order}`, params.values);
  }

  return {
    /** By key: `null` for an unknown id, a FORBIDDEN error for an incident not released to the viewer. */
    async incidentsById(ids: readonly string[]): Promise<(SecurityIncident | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'security_incident', 'SecurityIncident', ids, viewer), toIncident);
    },

    /** Whether an incident with this id exists and is released to the viewer (a withheld one is as good as unknown). */
    async incidentReleased(tx: Queryable, id: string): Promise<boolean> {
      const params = new SqlParams();
      const rows = await tx.query(`SELECT 1 FROM security_incident t WHERE t.id = ${params.add(id)} AND ${visibleSql(viewer, params)}`, params.values);
      return rows.length > 0;
    },

    /** The incident already recording a source's event id, and whether it is released to the viewer. */
    async incidentBySourceEventId(tx: Queryable, sourceEventId: string): Promise<{ id: string; released: boolean } | null> {
      const params = new SqlParams();
      const [row] = await tx.query<{ id: string; released: boolean }>(
        `SELECT t.id, ${visibleSql(viewer, params)} AS released FROM security_incident t WHERE t.source_event_id = ${params.add(sourceEventId)}`,
        params.values,
      );
      return row ?? null;
    },

    /** Pages of incidents under each area P-code (prefix match); the key `''` matches every incident. */
    async incidentsByArea(pcodes: readonly string[], filter: Omit<IncidentFilter, 'areaPcode'>, page: Page): Promise<SecurityIncident[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'security_incident',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'event_date',
        page,
        visibleTo: viewer,
        where: all(incidentConditions(filter), afterReleased('security_incident', page)),
      });
      return pages.map((rows) => rows.map(toIncident));
    },

    async countIncidents(filter: IncidentFilter): Promise<number> {
      return countInArea(db, { table: 'security_incident', areaPcode: filter.areaPcode, where: incidentConditions(filter), visibleTo: viewer });
    },

    async incidentsByConvoy(convoyIds: readonly string[], page: Page): Promise<SecurityIncident[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'security_incident',
        parentColumn: 'convoy_id',
        match: 'equal',
        keys: convoyIds,
        orderColumn: 'event_date',
        page,
        visibleTo: viewer,
        where: afterReleased('security_incident', page),
      });
      return pages.map((rows) => rows.map(toIncident));
    },

    /** By key: `null` for an unknown id, a FORBIDDEN error for a report not released to the viewer. */
    async violationReportsById(ids: readonly string[]): Promise<(CeasefireViolationReport | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'ceasefire_violation_report', 'CeasefireViolationReport', ids, viewer), toViolationReport);
    },

    async violationReportsByArea(pcodes: readonly string[], filter: ViolationReportFilter, page: Page): Promise<CeasefireViolationReport[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'ceasefire_violation_report',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'occurred_at',
        page,
        visibleTo: viewer,
        where: all(reportConditions(filter), afterReleased('ceasefire_violation_report', page)),
      });
      return pages.map((rows) => rows.map(toViolationReport));
    },

    async countViolationReports(filter: ViolationReportFilter): Promise<number> {
      return countInArea(db, { table: 'ceasefire_violation_report', areaPcode: filter.areaPcode, where: reportConditions(filter), visibleTo: viewer });
    },

    /** By key: `null` for an unknown id, a FORBIDDEN error for an observation not released to the viewer (SECRET, so never for one cleared lower). */
    async observationsById(ids: readonly string[]): Promise<(IsrObservation | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'isr_observation', 'IsrObservation', ids, viewer), toObservation);
    },

    async observationsByArea(pcodes: readonly string[], filter: ObservationFilter, page: Page): Promise<IsrObservation[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'isr_observation',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'observed_on',
        page,
        visibleTo: viewer,
        where: all(observationConditions(filter), afterReleased('isr_observation', page)),
      });
      return pages.map((rows) => rows.map(toObservation));
    },

    async countObservations(filter: ObservationFilter): Promise<number> {
      return countInArea(db, { table: 'isr_observation', areaPcode: filter.areaPcode, where: observationConditions(filter), visibleTo: viewer });
    },

    /**
     * The most recent assessment released to the viewer covering each area: its own or one of an area above it
     * (whose P-code is a prefix of the area's); on the same date the most specific area wins. Assessments the viewer
     * may not see are skipped in SQL, so a withheld newer assessment neither shows nor shifts the choice.
     */
    async latestAssessmentByArea(pcodes: readonly string[]): Promise<(ThreatAssessment | null)[]> {
      const params = new SqlParams();
      const keys = params.add(pcodes);
      const rows = await db.query<Row>(
        `SELECT DISTINCT ON (k.key) k.key, t.*
           FROM unnest(${keys}::text[]) AS k(key)
           JOIN threat_assessment t ON t.area_pcode IS NOT NULL AND starts_with(k.key, t.area_pcode)
          WHERE ${visibleSql(viewer, params)}
          ORDER BY k.key, t.as_of DESC, length(t.area_pcode) DESC, t.id DESC`,
        params.values,
      );
      return map(oneByKey(pcodes, rows, (row) => row.key as string), toAssessment);
    },

    /** The most recent assessment of each crossing released to the viewer. */
    async latestAssessmentByCrossing(crossingIds: readonly string[]): Promise<(ThreatAssessment | null)[]> {
      const params = new SqlParams();
      const keys = params.add(crossingIds);
      const rows = await db.query<Row>(
        `SELECT DISTINCT ON (t.crossing_id) t.* FROM threat_assessment t
          WHERE t.crossing_id = ANY(${keys}::text[]) AND ${visibleSql(viewer, params)}
          ORDER BY t.crossing_id, t.as_of DESC, t.id DESC`,
        params.values,
      );
      return map(oneByKey(crossingIds, rows, (row) => row.crossing_id as string), toAssessment);
    },

    /**
     * Every ceasefire-implementation record of one table released to the viewer, oldest first (by its day, then id);
     * the tables are small reference sets, so they are not paged. Withheld rows are filtered in SQL.
     */
    async ceasefirePhases(): Promise<CeasefirePhase[]> {
      return (await visibleRows('ceasefire_phase', 't.starts_on, t.id')).map(toPhase);
    },

    async hostageReturns(living: boolean | null): Promise<HostageReturn[]> {
      return (await visibleRows('hostage_return', 't.event_date, t.id', equal('living', living))).map(toHostageReturn);
    },

    /** By key, for an event's aggregate: `null` for an unknown id, a FORBIDDEN error for one not released to the viewer. */
    async hostageReturnsById(ids: readonly string[]): Promise<(HostageReturn | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'hostage_return', 'HostageReturn', ids, viewer), toHostageReturn);
    },

    async detaineeReleases(): Promise<DetaineeRelease[]> {
      return (await visibleRows('detainee_release', 't.event_date, t.id')).map(toDetaineeRelease);
    },

    /** Closures overlapping the window: still in force at `since`, begun before `until`. */
    async closuresByCrossing(crossingIds: readonly string[], window: Window, page: Page): Promise<CrossingClosure[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'crossing_closure',
        parentColumn: 'crossing_id',
        match: 'equal',
        keys: crossingIds,
        orderColumn: 'starts_at',
        page,
        visibleTo: viewer,
        where: all(
          (params) => [
            ...(window.since ? [`(t.ends_at IS NULL OR t.ends_at > ${instant(params, window.since)})`] : []),
            ...(window.until ? [`t.starts_at < ${instant(params, window.until)}`] : []),
          ],
          afterReleased('crossing_closure', page),
        ),
      });
      return pages.map((rows) => rows.map(toClosure));
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
