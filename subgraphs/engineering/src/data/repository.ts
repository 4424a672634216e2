import {
  countInArea,
  manyByKey,
  markingFromRow,
  oneByKey,
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
  provenanceFromRow,
} from '@cmcc/subgraph-kit';

/** How a record entered the graph and who last changed it (the GraphQL `Provenance`). */
export type Provenance = ReturnType<typeof provenanceFromRow>;

export interface Facility {
  id: string;
  name: string;
  type: string;
  operatorOrgId: string | null;
  capacity: { value: number; maxValue: number | null; unit: string } | null;
  status: string;
  statusAsOf: string;
  /** Where the current status came from: the status's own source once one is recorded, else the record's. */
  statusSource: string;
  areaPcode: string;
  latitude: number | null;
  longitude: number | null;
  description: string | null;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface DamageAssessment {
  id: string;
  facilityId: string | null;
  areaPcode: string;
  method: string;
  damageClass: string;
  imageryDate: string;
  latitude: number | null;
  longitude: number | null;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface ExplosiveHazardTask {
  id: string;
  areaPcode: string;
  facilityId: string | null;
  requestedByOrgId: string | null;
  requestedAt: Date;
  /** When the status last changed (not provenance: a change of items or marking alone does not move it). */
  updatedAt: Date;
  status: string;
  itemsFound: { type: string; count: number }[];
  latitude: number | null;
  longitude: number | null;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface DebrisEstimate {
  id: string;
  areaPcode: string;
  tonnes: number;
  asbestosTonnes: number | null;
  source: string;
  asOf: string;
  description: string;
  marking: AccessMarking;
}

export interface StructureDamageSummary {
  areaPcode: string;
  damageClass: string;
  structures: number;
  source: string;
  asOf: string;
  publishedOn: string | null;
  description: string;
}

export interface HospitalFunctionalitySummary {
  areaPcode: string;
  hospitals: number;
  partiallyFunctioning: number;
  source: string;
  asOf: string;
  description: string;
}

/** One electricity feeder line serving an area, and its state. */
export interface FeederLine {
  name: string;
  origin: string;
  status: string;
}

export interface UtilityService {
  id: string;
  areaPcode: string;
  asOf: string;
  feederLines: FeederLine[];
  waterLitresPerPersonPerDay: number | null;
  source: string;
  description: string | null;
  marking: AccessMarking;
}

export interface FuelAllocation {
  id: string;
  areaPcode: string;
  allocatedOn: string;
  consumer: string;
  litres: number;
  source: string;
  marking: AccessMarking;
}

export interface AccessRoadStatus {
  crossingId: string;
  roadSegmentFacilityId: string | null;
  passability: string;
  constraints: string[];
  asOf: string;
  source: string;
  marking: AccessMarking;
}

export interface RouteHazardStatus {
  convoyId: string;
  level: string;
  hazardTaskIds: string[];
  assessedAt: Date;
  source: string;
  marking: AccessMarking;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

const toFacility = (r: Row): Facility => ({
  id: r.id,
  name: r.name,
  type: r.type,
  operatorOrgId: r.operator_org_id,
  capacity: r.capacity_value === null ? null : { value: r.capacity_value, maxValue: r.capacity_max_value, unit: r.capacity_unit },
  status: r.status,
  statusAsOf: r.status_as_of,
  statusSource: r.status_source ?? r.source,
  areaPcode: r.area_pcode,
  latitude: r.latitude,
  longitude: r.longitude,
  description: r.description,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toAssessment = (r: Row): DamageAssessment => ({
  id: r.id,
  facilityId: r.facility_id,
  areaPcode: r.area_pcode,
  method: r.method,
  damageClass: r.damage_class,
  imageryDate: r.imagery_date,
  latitude: r.latitude,
  longitude: r.longitude,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toTask = (r: Row): ExplosiveHazardTask => ({
  id: r.id,
  areaPcode: r.area_pcode,
  facilityId: r.facility_id,
  requestedByOrgId: r.requested_by_org_id,
  requestedAt: r.requested_at,
  updatedAt: r.status_changed_at,
  status: r.status,
  itemsFound: (r.item_types as string[]).map((type, index) => ({ type, count: r.item_counts[index] as number })),
  latitude: r.latitude,
  longitude: r.longitude,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toDebris = (r: Row): DebrisEstimate => ({
  id: r.id,
  areaPcode: r.area_pcode,
  tonnes: r.tonnes,
  asbestosTonnes: r.asbestos_tonnes,
  source: r.source,
  asOf: r.as_of,
  description: r.description,
  marking: markingFromRow(r as MarkingRow),
});

const toStructureDamage = (r: Row): StructureDamageSummary => ({
  areaPcode: r.area_pcode,
  damageClass: r.damage_class,
  structures: r.structures,
  source: r.source,
  asOf: r.as_of,
  publishedOn: r.published_on,
  description: r.description,
});

const toHospitalFunctionality = (r: Row): HospitalFunctionalitySummary => ({
  areaPcode: r.area_pcode,
  hospitals: r.hospitals,
  partiallyFunctioning: r.partially_functioning,
  source: r.source,
  asOf: r.as_of,
  description: r.description,
});

const toUtility = (r: Row): UtilityService => ({
  id: r.id,
  areaPcode: r.area_pcode,
  asOf: r.as_of,
  feederLines: r.feeder_lines,
  waterLitresPerPersonPerDay: r.water_litres_per_person_per_day,
  source: r.source,
  description: r.description,
  marking: markingFromRow(r as MarkingRow),
});

const toFuel = (r: Row): FuelAllocation => ({
  id: r.id,
  areaPcode: r.area_pcode,
  allocatedOn: r.allocated_on,
  consumer: r.consumer,
  litres: r.litres,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toAccessRoad = (r: Row): AccessRoadStatus => ({
  crossingId: r.crossing_id,
  roadSegmentFacilityId: r.road_segment_facility_id,
  passability: r.passability,
  constraints: r.constraints,
  asOf: r.as_of,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toRouteHazard = (r: Row): RouteHazardStatus => ({
  convoyId: r.convoy_id,
  level: r.level,
  hazardTaskIds: r.hazard_task_ids,
  assessedAt: r.assessed_at,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

/** Maps found rows, keeping `null` (no such record) and errors (FORBIDDEN: not released to the viewer) in place. */
const map = <R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[] =>
  rows.map((row) => (row === null ? null : row instanceof Error ? row : to(row as R)));

export interface FacilityFilter {
  type: string | null;
  status: string | null;
}

export interface TaskFilter {
  status: string | null;
  since: Date | null;
  until: Date | null;
}

export interface DebrisFilter {
  source: string | null;
}

export interface FuelFilter {
  consumer: string | null;
}

export interface AssessmentFilter {
  method: string | null;
  damageClass: string | null;
}

const facilityConditions =
  (filter: FacilityFilter): Conditions =>
  (params) => [
    ...(filter.type ? [`t.type = ${params.add(filter.type)}`] : []),
    ...(filter.status ? [`t.status = ${params.add(filter.status)}`] : []),
  ];

const taskConditions =
  (filter: TaskFilter): Conditions =>
  (params) => [
    ...(filter.status ? [`t.status = ${params.add(filter.status)}`] : []),
    ...(filter.since ? [`t.requested_at >= ${params.add(filter.since)}::timestamptz`] : []),
    ...(filter.until ? [`t.requested_at < ${params.add(filter.until)}::timestamptz`] : []),
  ];

const assessmentConditions =
  (filter: AssessmentFilter): Conditions =>
  (params) => [
    ...(filter.method ? [`t.method = ${params.add(filter.method)}`] : []),
    ...(filter.damageClass ? [`t.damage_class = ${params.add(filter.damageClass)}`] : []),
  ];

const fuelConditions =
  (filter: FuelFilter): Conditions =>
  (params) => (filter.consumer ? [`t.consumer = ${params.add(filter.consumer)}`] : []);

const debrisConditions =
  (filter: DebrisFilter): Conditions =>
  (params) => (filter.source ? [`t.source = ${params.add(filter.source)}`] : []);

/**
 * Every statement the engineering subgraph runs; each method is one statement for a whole batch. Marked records
 * (facilities, damage assessments, explosive hazard tasks, debris estimates, access roads, route hazards) are read
 * only as far as they are released to `viewer`: the rule is part of the SQL, so pages and totals count only what the
 * caller may see, and a record asked for by key that is withheld comes back as a FORBIDDEN error in its place.
 * Structure damage summaries are published aggregates without a marking: every authenticated principal reads them.
 */
export function createRepository(db: Queryable, viewer: Viewer) {
  /** Marked rows of `table` whose `keyColumn` is one of `keys` and that are released to the viewer (others absent). */
  const releasedByKey = (table: string, keyColumn: string, keys: readonly string[]) => {
    const params = new SqlParams();
    return db.query<Row>(
      `SELECT t.* FROM ${table} t WHERE t.${keyColumn} = ANY(${params.add(keys)}::text[]) AND ${visibleSql(viewer, params)}`,
      params.values,
    );
  };

  return {
    /** By key: `null` for an unknown id, a FORBIDDEN error for a facility not released to the viewer. */
    async facilitiesById(ids: readonly string[]): Promise<(Facility | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'facility', 'Facility', ids, viewer), toFacility);
    },

    /** One page of released facilities under each area (prefix match); the key `''` means every facility. */
    async facilitiesByArea(pcodes: readonly string[], filter: FacilityFilter, page: Page): Promise<Facility[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'facility',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'status_as_of',
        page,
        visibleTo: viewer,
        where: facilityConditions(filter),
      });
      return pages.map((rows) => rows.map(toFacility));
    },

    /** How many released facilities match: withheld ones are not counted. */
    async countFacilities(areaPcode: string | null, filter: FacilityFilter): Promise<number> {
      return countInArea(db, { table: 'facility', areaPcode, where: facilityConditions(filter), visibleTo: viewer });
    },

    /** A page of each facility's released assessments (an assessment carries its own marking). */
    async assessmentsByFacility(ids: readonly string[], page: Page): Promise<DamageAssessment[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'damage_assessment',
        parentColumn: 'facility_id',
        match: 'equal',
        keys: ids,
        orderColumn: 'imagery_date',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toAssessment));
    },

    /** One page of released assessments under each area (prefix match); the key `''` means every assessment. */
    async assessmentsByArea(pcodes: readonly string[], filter: AssessmentFilter, page: Page): Promise<DamageAssessment[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'damage_assessment',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'imagery_date',
        page,
        visibleTo: viewer,
        where: assessmentConditions(filter),
      });
      return pages.map((rows) => rows.map(toAssessment));
    },

    async countAssessments(areaPcode: string | null, filter: AssessmentFilter): Promise<number> {
      return countInArea(db, { table: 'damage_assessment', areaPcode, where: assessmentConditions(filter), visibleTo: viewer });
    },

    async assessmentsById(ids: readonly string[]): Promise<(DamageAssessment | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'damage_assessment', 'DamageAssessment', ids, viewer), toAssessment);
    },

    async tasksById(ids: readonly string[]): Promise<(ExplosiveHazardTask | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'explosive_hazard_task', 'ExplosiveHazardTask', ids, viewer), toTask);
    },

    /** One page of released tasks under each area (prefix match); the key `''` means every task. */
    async tasksByArea(pcodes: readonly string[], filter: TaskFilter, page: Page): Promise<ExplosiveHazardTask[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'explosive_hazard_task',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'requested_at',
        page,
        visibleTo: viewer,
        where: taskConditions(filter),
      });
      return pages.map((rows) => rows.map(toTask));
    },

    async countTasks(areaPcode: string | null, filter: TaskFilter): Promise<number> {
      return countInArea(db, { table: 'explosive_hazard_task', areaPcode, where: taskConditions(filter), visibleTo: viewer });
    },

    /**
     * The estimate for exactly each area among those released to the viewer: a published figure before an
     * illustrative one, then the newest. Areas below are not added up, because their estimates may come from other
     * sources.
     */
    async debrisEstimateByArea(pcodes: readonly string[]): Promise<(DebrisEstimate | null)[]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(
        `SELECT DISTINCT ON (t.area_pcode) t.* FROM debris_estimate t
          WHERE t.area_pcode = ANY(${params.add(pcodes)}::text[]) AND ${visibleSql(viewer, params)}
          ORDER BY t.area_pcode, (t.source = 'SYNTHETIC'), t.as_of DESC, t.id`,
        params.values,
      );
      return oneByKey(pcodes, rows.map(toDebris), (estimate) => estimate.areaPcode);
    },

    async debrisByArea(pcodes: readonly string[], filter: DebrisFilter, page: Page): Promise<DebrisEstimate[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'debris_estimate',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'as_of',
        page,
        visibleTo: viewer,
        where: debrisConditions(filter),
      });
      return pages.map((rows) => rows.map(toDebris));
    },

    async countDebris(areaPcode: string | null, filter: DebrisFilter): Promise<number> {
      return countInArea(db, { table: 'debris_estimate', areaPcode, where: debrisConditions(filter), visibleTo: viewer });
    },

    /** One page of released utility service records under each area (prefix match; `''`: every area), newest first. */
    async utilitiesByArea(pcodes: readonly string[], page: Page): Promise<UtilityService[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'utility_service',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'as_of',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toUtility));
    },

    /** How many released utility service records lie under the area (every area when `null`). */
    async countUtilities(areaPcode: string | null): Promise<number> {
      return countInArea(db, { table: 'utility_service', areaPcode, visibleTo: viewer });
    },

    /** One page of released fuel allocations under each area (prefix match; `''`: every area), newest first. */
    async fuelByArea(pcodes: readonly string[], filter: FuelFilter, page: Page): Promise<FuelAllocation[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'fuel_allocation',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'allocated_on',
        page,
        visibleTo: viewer,
        where: fuelConditions(filter),
      });
      return pages.map((rows) => rows.map(toFuel));
    },

    /** How many released fuel allocations lie under the area (every area when `null`) and match the filter. */
    async countFuel(areaPcode: string | null, filter: FuelFilter): Promise<number> {
      return countInArea(db, { table: 'fuel_allocation', areaPcode, where: fuelConditions(filter), visibleTo: viewer });
    },

    /** Published UNOSAT aggregates, not marked: the same for every authenticated principal. */
    async structureDamageByArea(pcodes: readonly string[]): Promise<StructureDamageSummary[][]> {
      const rows = await db.query<Row>(
        `SELECT * FROM structure_damage_summary WHERE area_pcode = ANY($1::text[])
         ORDER BY as_of DESC, source, array_position(ARRAY['DESTROYED', 'SEVERE', 'MODERATE', 'POSSIBLE', 'NONE'], damage_class)`,
        [pcodes],
      );
      return manyByKey(pcodes, rows.map(toStructureDamage), (summary) => summary.areaPcode);
    },

    /** Published hospital counts (WHO), not marked: the same for every authenticated principal. */
    async hospitalFunctionalityByArea(pcodes: readonly string[]): Promise<HospitalFunctionalitySummary[][]> {
      const rows = await db.query<Row>('SELECT * FROM hospital_functionality_summary WHERE area_pcode = ANY($1::text[]) ORDER BY as_of DESC, source', [pcodes]);
      return manyByKey(pcodes, rows.map(toHospitalFunctionality), (summary) => summary.areaPcode);
    },

    /** A crossing's access road status when it is released to the viewer; absent (null) otherwise. */
    async accessRoadsByCrossing(ids: readonly string[]): Promise<(AccessRoadStatus | null)[]> {
      const rows = await releasedByKey('crossing_access_road', 'crossing_id', ids);
      return oneByKey(ids, rows.map(toAccessRoad), (road) => road.crossingId);
    },

    /** A convoy's route hazard status when it is released to the viewer; absent (null) otherwise. */
    async routeHazardsByConvoy(ids: readonly string[]): Promise<(RouteHazardStatus | null)[]> {
      const rows = await releasedByKey('convoy_route_hazard', 'convoy_id', ids);
      return oneByKey(ids, rows.map(toRouteHazard), (route) => route.convoyId);
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
