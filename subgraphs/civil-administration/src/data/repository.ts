import {
  countInArea,
  manyByKey,
  oneByKey,
  markingFromRow,
  selectByIds,
  selectPagesByParent,
  selectVisibleByIds,
  SqlParams,
  visibleSql,
  type Viewer,
  type AccessMarking,
  type MarkingRow,
  provenanceFromRow,
  type Page,
  type Queryable,
} from '@cmcc/subgraph-kit';

export interface Area {
  pcode: string;
  name: string;
  nameAr: string | null;
  adminLevel: number;
  operationalLevel: string;
  iso3166_2: string | null;
  parentPcode: string | null;
  source: string;
}

export interface PopulationEstimate {
  areaPcode: string;
  value: number;
  source: string;
  asOf: string;
  description: string;
}

export interface Municipality {
  id: string;
  name: string;
  nameAr: string | null;
  areaPcode: string;
  source: string;
}

export interface DisplacementSite {
  id: string;
  name: string;
  type: string;
  areaPcode: string;
  households: number;
  individuals: number;
  siteManagerOrgId: string | null;
  risks: string[];
  latitude: number | null;
  longitude: number | null;
  source: string;
  asOf: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

export interface PopulationMovement {
  id: string;
  monitoringPoint: string;
  areaPcode: string;
  date: string;
  direction: string;
  count: number;
  countIsMinimum: boolean;
  description: string | null;
  source: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

export interface GoverningBody {
  id: string;
  name: string;
  kind: string;
  mandate: string;
  legalBasis: string;
  establishedOn: string | null;
  source: string;
  asOf: string;
  description: string | null;
  marking: AccessMarking;
}

export interface GovernanceStep {
  id: string;
  bodyId: string;
  step: string;
  status: string;
  decidedOn: string | null;
  asOf: string;
  decidedBy: string | null;
  source: string;
}

export interface GoverningBodyMember {
  id: string;
  bodyId: string;
  nation: string | null;
  organization: string | null;
  role: string;
  status: string;
  since: string | null;
  source: string;
  marking: AccessMarking;
}

export interface ServiceStatus {
  facilityId: string;
  functionality: string;
  buildingCondition: string;
  accessibility: string;
  disruptionCauses: string[];
  asOf: string;
  source: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

const toArea = (r: Row): Area => ({
  pcode: r.pcode,
  name: r.name,
  nameAr: r.name_ar,
  adminLevel: r.admin_level,
  operationalLevel: r.operational_level,
  iso3166_2: r.iso3166_2,
  parentPcode: r.parent_pcode,
  source: r.source,
});

const toSite = (r: Row): DisplacementSite => ({
  id: r.id,
  name: r.name,
  type: r.type,
  areaPcode: r.area_pcode,
  households: r.households,
  individuals: r.individuals,
  siteManagerOrgId: r.site_manager_org_id,
  risks: r.risks,
  latitude: r.latitude,
  longitude: r.longitude,
  source: r.source,
  asOf: r.as_of,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toMovement = (r: Row): PopulationMovement => ({
  id: r.id,
  monitoringPoint: r.monitoring_point,
  areaPcode: r.area_pcode,
  date: r.date,
  direction: r.direction,
  count: r.count,
  countIsMinimum: r.count_is_minimum,
  description: r.description,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toBody = (r: Row): GoverningBody => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  mandate: r.mandate,
  legalBasis: r.legal_basis,
  establishedOn: r.established_on,
  source: r.source,
  asOf: r.as_of,
  description: r.description,
  marking: markingFromRow(r as MarkingRow),
});

const toStep = (r: Row): GovernanceStep => ({
  id: r.id,
  bodyId: r.body_id,
  step: r.step,
  status: r.status,
  decidedOn: r.decided_on,
  asOf: r.as_of,
  decidedBy: r.decided_by,
  source: r.source,
});

const toMember = (r: Row): GoverningBodyMember => ({
  id: r.id,
  bodyId: r.body_id,
  nation: r.nation,
  organization: r.organization,
  role: r.role,
  status: r.status,
  since: r.since,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
});

const toServiceStatus = (r: Row): ServiceStatus => ({
  facilityId: r.id,
  functionality: r.functionality,
  buildingCondition: r.building_condition,
  accessibility: r.accessibility,
  disruptionCauses: r.disruption_causes,
  asOf: r.as_of,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

function map<R, T>(rows: (R | null)[], to: (row: R) => T): (T | null)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[];
function map<R, T>(rows: (R | null | Error)[], to: (row: R) => T): (T | null | Error)[] {
  return rows.map((row) => (row === null || row instanceof Error ? row : to(row as R))) as (T | null | Error)[];
}

export interface MovementFilter {
  since: Date | null;
  until: Date | null;
}

export interface SiteFilter {
  areaPcode: string | null;
  type: string | null;
}

/**
 * Every statement the civil-administration subgraph runs; each method is one statement for a whole batch. Marked
 * records (sites, movements, service statuses) are read only as far as they are released to `viewer`: the rule is
 * part of the SQL, so pages and totals count only what the caller may see.
 */
export function createRepository(db: Queryable, viewer: Viewer) {
  return {
    async areasByPcode(pcodes: readonly string[]): Promise<(Area | null)[]> {
      return map(await selectByIds<Row & { id: string }>(db, 'area', pcodes, 'pcode'), toArea);
    },

    /** Governing bodies released to the viewer, by id. */
    async governingBodies(): Promise<GoverningBody[]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(`SELECT t.* FROM governing_body t WHERE ${visibleSql(viewer, params)} ORDER BY t.id`, params.values);
      return rows.map(toBody);
    },

    /** By key: `null` for an unknown id, a FORBIDDEN error for a body not released to the viewer. */
    async governingBodiesById(ids: readonly string[]): Promise<(GoverningBody | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'governing_body', 'GoverningBody', ids, viewer), toBody);
    },

    /** The steps of each body (published facts, unmarked; reached only through a body released to the viewer), oldest first. */
    async stepsByBody(ids: readonly string[]): Promise<GovernanceStep[][]> {
      const rows = await db.query<Row>('SELECT * FROM governing_body_step WHERE body_id = ANY($1::text[]) ORDER BY as_of, decided_on NULLS LAST, id', [ids]);
      return manyByKey(ids, rows.map(toStep), (step) => step.bodyId);
    },

    /** Every member of any body released to the viewer, by id: a member is listed whether or not its body is. */
    async governingBodyMembers(): Promise<GoverningBodyMember[]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(`SELECT t.* FROM governing_body_member t WHERE ${visibleSql(viewer, params)} ORDER BY t.id`, params.values);
      return rows.map(toMember);
    },

    /** The members of each body released to the viewer (each member carries its own marking). */
    async membersByBody(ids: readonly string[]): Promise<GoverningBodyMember[][]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(
        `SELECT t.* FROM governing_body_member t WHERE t.body_id = ANY(${params.add(ids)}::text[]) AND ${visibleSql(viewer, params)} ORDER BY t.id`,
        params.values,
      );
      return manyByKey(ids, rows.map(toMember), (member) => member.bodyId);
    },

    async areasByLevel(level: string | null): Promise<Area[]> {
      const rows = await db.query<Row>('SELECT * FROM area WHERE ($1::text IS NULL OR operational_level = $1) ORDER BY pcode', [level]);
      return rows.map(toArea);
    },

    async childrenByParent(pcodes: readonly string[]): Promise<Area[][]> {
      const rows = await db.query<Row>('SELECT * FROM area WHERE parent_pcode = ANY($1::text[]) ORDER BY pcode', [pcodes]);
      return manyByKey(pcodes, rows.map(toArea), (area) => area.parentPcode as string);
    },

    async populationByArea(pcodes: readonly string[]): Promise<PopulationEstimate[][]> {
      const rows = await db.query<Row>('SELECT * FROM population_estimate WHERE area_pcode = ANY($1::text[]) ORDER BY as_of, source', [pcodes]);
      const estimates = rows.map((r) => ({ areaPcode: r.area_pcode, value: r.value, source: r.source, asOf: r.as_of, description: r.description }));
      return manyByKey(pcodes, estimates, (estimate) => estimate.areaPcode);
    },

    async municipalitiesByArea(pcodes: readonly string[]): Promise<Municipality[][]> {
      const rows = await db.query<Row>(
        `SELECT k.key, m.* FROM unnest($1::text[]) AS k(key) JOIN municipality m ON starts_with(m.area_pcode, k.key) ORDER BY m.name`,
        [pcodes],
      );
      const grouped = manyByKey(pcodes, rows, (row) => row.key as string);
      return grouped.map((group) => group.map((r) => ({ id: r.id, name: r.name, nameAr: r.name_ar, areaPcode: r.area_pcode, source: r.source })));
    },

    async sitesById(ids: readonly string[]): Promise<(DisplacementSite | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'displacement_site', 'DisplacementSite', ids, viewer), toSite);
    },

    async sitesByArea(pcodes: readonly string[], filter: SiteFilter, page: Page): Promise<DisplacementSite[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'displacement_site',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'individuals',
        page,
        visibleTo: viewer,
        where: (params) => (filter.type ? [`t.type = ${params.add(filter.type)}`] : []),
      });
      return pages.map((rows) => rows.map(toSite));
    },

    async countSites(filter: SiteFilter): Promise<number> {
      return countInArea(db, { table: 'displacement_site', areaPcode: filter.areaPcode, where: (params) => (filter.type ? [`t.type = ${params.add(filter.type)}`] : []), visibleTo: viewer });
    },

    async movementsByArea(pcodes: readonly string[], filter: MovementFilter, page: Page): Promise<PopulationMovement[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'population_movement',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'date',
        page,
        visibleTo: viewer,
        where: (params) => [
          ...(filter.since ? [`t.date >= (${params.add(filter.since)}::timestamptz)::date`] : []),
          ...(filter.until ? [`t.date < (${params.add(filter.until)}::timestamptz)::date`] : []),
        ],
      });
      return pages.map((rows) => rows.map(toMovement));
    },

    async movementsById(ids: readonly string[]): Promise<(PopulationMovement | null | Error)[]> {
      return map(await selectVisibleByIds<Row & { id: string }>(db, 'population_movement', 'PopulationMovement', ids, viewer), toMovement);
    },

    async areaExists(pcode: string): Promise<boolean> {
      return (await db.query('SELECT 1 FROM area WHERE pcode = $1', [pcode])).length > 0;
    },

    /** A status not released to the viewer is absent (null), like a record missing from a list. */
    async serviceStatusByFacility(ids: readonly string[]): Promise<(ServiceStatus | null)[]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(
        `SELECT t.* FROM facility_service_status t WHERE t.id = ANY(${params.add(ids)}::text[]) AND ${visibleSql(viewer, params)}`,
        params.values,
      );
      return oneByKey(ids, rows.map(toServiceStatus), (status) => status.facilityId);
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
