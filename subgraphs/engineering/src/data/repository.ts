import {
  countByParent,
  manyByKey,
  markingFromRow,
  selectByIds,
  selectPagesByParent,
  type AccessMarking,
  type Conditions,
  type MarkingRow,
  type Page,
  type Queryable,
  provenanceFromRow,
} from '../../../kit/src/index.ts';

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
  description: string;
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
  description: r.description,
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

const map = <R, T>(rows: (R | null)[], to: (row: R) => T): (T | null)[] => rows.map((row) => (row === null ? null : to(row)));

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

const debrisConditions =
  (filter: DebrisFilter): Conditions =>
  (params) => (filter.source ? [`t.source = ${params.add(filter.source)}`] : []);

/** Every statement the engineering subgraph runs; each method is one statement for a whole batch. */
export function createRepository(db: Queryable) {
  return {
    async facilitiesById(ids: readonly string[]): Promise<(Facility | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'facility', ids), toFacility);
    },

    /** One page of facilities under each area (prefix match); the key `''` means every facility. */
    async facilitiesByArea(pcodes: readonly string[], filter: FacilityFilter, page: Page): Promise<Facility[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'facility',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'status_as_of',
        page,
        where: facilityConditions(filter),
      });
      return pages.map((rows) => rows.map(toFacility));
    },

    async countFacilities(areaPcode: string | null, filter: FacilityFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: 'facility',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: facilityConditions(filter),
      });
      return total;
    },

    async assessmentsByFacility(ids: readonly string[], page: Page): Promise<DamageAssessment[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'damage_assessment',
        parentColumn: 'facility_id',
        match: 'equal',
        keys: ids,
        orderColumn: 'imagery_date',
        page,
      });
      return pages.map((rows) => rows.map(toAssessment));
    },

    async assessmentsById(ids: readonly string[]): Promise<(DamageAssessment | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'damage_assessment', ids), toAssessment);
    },

    async tasksById(ids: readonly string[]): Promise<(ExplosiveHazardTask | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'explosive_hazard_task', ids), toTask);
    },

    /** One page of tasks under each area (prefix match); the key `''` means every task. */
    async tasksByArea(pcodes: readonly string[], filter: TaskFilter, page: Page): Promise<ExplosiveHazardTask[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'explosive_hazard_task',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'requested_at',
        page,
        where: taskConditions(filter),
      });
      return pages.map((rows) => rows.map(toTask));
    },

    async countTasks(areaPcode: string | null, filter: TaskFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: 'explosive_hazard_task',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: taskConditions(filter),
      });
      return total;
    },

    /**
     * The estimate for exactly each area: a published figure before an illustrative one, then the newest. Areas below
     * are not added up, because their estimates may come from other sources.
     */
    async debrisEstimateByArea(pcodes: readonly string[]): Promise<(DebrisEstimate | null)[]> {
      const rows = await db.query<Row>(
        `SELECT DISTINCT ON (area_pcode) * FROM debris_estimate WHERE area_pcode = ANY($1::text[])
         ORDER BY area_pcode, (source = 'SYNTHETIC'), as_of DESC, id`,
        [pcodes],
      );
      const byArea = new Map(rows.map((row) => [row.area_pcode as string, toDebris(row)]));
      return pcodes.map((pcode) => byArea.get(pcode) ?? null);
    },

    async debrisByArea(pcodes: readonly string[], filter: DebrisFilter, page: Page): Promise<DebrisEstimate[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'debris_estimate',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'as_of',
        page,
        where: debrisConditions(filter),
      });
      return pages.map((rows) => rows.map(toDebris));
    },

    async countDebris(areaPcode: string | null, filter: DebrisFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: 'debris_estimate',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: debrisConditions(filter),
      });
      return total;
    },

    async structureDamageByArea(pcodes: readonly string[]): Promise<StructureDamageSummary[][]> {
      const rows = await db.query<Row>(
        `SELECT * FROM structure_damage_summary WHERE area_pcode = ANY($1::text[])
         ORDER BY as_of DESC, source, array_position(ARRAY['DESTROYED', 'SEVERE', 'MODERATE', 'POSSIBLE', 'NONE'], damage_class)`,
        [pcodes],
      );
      return manyByKey(pcodes, rows.map(toStructureDamage), (summary) => summary.areaPcode);
    },

    async accessRoadsByCrossing(ids: readonly string[]): Promise<(AccessRoadStatus | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'crossing_access_road', ids, 'crossing_id'), toAccessRoad);
    },

    async routeHazardsByConvoy(ids: readonly string[]): Promise<(RouteHazardStatus | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'convoy_route_hazard', ids, 'convoy_id'), toRouteHazard);
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
