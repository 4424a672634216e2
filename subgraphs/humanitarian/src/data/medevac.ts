import {
  countInArea,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  SqlParams,
  visibleSql,
  type AccessMarking,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';
import type { Provenance } from './repository.ts';

export interface MedicalEvacuation {
  id: string;
  caseReference: string;
  priority: string;
  conditionCategory: string;
  areaPcode: string;
  requestedOn: string;
  decidedOn: string | null;
  evacuatedOn: string | null;
  status: string;
  routeCrossingIds: string[];
  onwardRoute: string | null;
  destinationCountry: string | null;
  escorts: number;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface MedicalEvacuationWaitingFigure {
  id: string;
  patients: number;
  asOf: string;
  source: string;
  areaPcode: string;
  statement: string | null;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface MedevacFilter {
  status: string | null;
  priority: string | null;
  conditionCategory: string | null;
  areaPcode: string | null;
  crossingId: string | null;
  destinationCountry: string | null;
  requestedSince: string | null;
  requestedUntil: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

const day = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
const dayOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : day(value));

const toMedevac = (r: Row): MedicalEvacuation => ({
  id: r.id,
  caseReference: r.case_reference,
  priority: r.priority,
  conditionCategory: r.condition_category,
  areaPcode: r.area_pcode,
  requestedOn: day(r.requested_on),
  decidedOn: dayOrNull(r.decided_on),
  evacuatedOn: dayOrNull(r.evacuated_on),
  status: r.status,
  routeCrossingIds: r.route_crossing_ids ?? [],
  onwardRoute: r.onward_route,
  destinationCountry: r.destination_country,
  escorts: r.escorts,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toWaitingFigure = (r: Row): MedicalEvacuationWaitingFigure => ({
  id: r.id,
  patients: r.patients,
  asOf: day(r.as_of),
  source: r.source,
  areaPcode: r.area_pcode,
  statement: r.statement,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

/** The filter's conditions on `t` (the area is the parent key of the page and count statements). */
const medevacConditions =
  (filter: MedevacFilter) =>
  (params: SqlParams): string[] => [
    ...(filter.status ? [`t.status = ${params.add(filter.status)}`] : []),
    ...(filter.priority ? [`t.priority = ${params.add(filter.priority)}`] : []),
    ...(filter.conditionCategory ? [`t.condition_category = ${params.add(filter.conditionCategory)}`] : []),
    ...(filter.crossingId ? [`${params.add(filter.crossingId)} = ANY(t.route_crossing_ids)`] : []),
    ...(filter.destinationCountry ? [`t.destination_country = ${params.add(filter.destinationCountry)}`] : []),
    ...(filter.requestedSince ? [`t.requested_on >= ${params.add(filter.requestedSince)}::date`] : []),
    ...(filter.requestedUntil ? [`t.requested_on < ${params.add(filter.requestedUntil)}::date`] : []),
  ];

/**
 * The statements on medical evacuations and the waiting-list figures. Every one applies the releasability rule for
 * `viewer` in SQL: a case carries the caveat MEDICAL, so a principal not cleared for MEDICAL reads, pages and counts
 * none (rule v2, point 4), and a count by status counts only the cases the viewer may see.
 */
export function createMedevacRepository(db: Queryable, viewer: Viewer) {
  return {
    /** Cases by id: null for an unknown id, a FORBIDDEN error (naming nothing of the case) for one withheld. */
    async medevacsById(ids: readonly string[]): Promise<(MedicalEvacuation | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, 'medical_evacuation', 'MedicalEvacuation', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toMedevac(row)));
    },

    /** One page of cases per area of origin (prefix match; `''` means everywhere), latest request first. */
    async medevacsByArea(pcodes: readonly string[], filter: MedevacFilter, page: Page): Promise<MedicalEvacuation[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'medical_evacuation',
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'requested_on',
        page,
        visibleTo: viewer,
        where: medevacConditions(filter),
      });
      return pages.map((rows) => rows.map(toMedevac));
    },

    /** One page of cases per crossing of their route, latest request first. */
    async medevacsByCrossing(crossingIds: readonly string[], page: Page): Promise<MedicalEvacuation[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: 'medical_evacuation',
        parentColumn: 'route_crossing_ids',
        match: 'contains',
        keys: crossingIds,
        orderColumn: 'requested_on',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toMedevac));
    },

    async countMedevacs(filter: MedevacFilter): Promise<number> {
      return countInArea(db, { table: 'medical_evacuation', areaPcode: filter.areaPcode, where: medevacConditions(filter), visibleTo: viewer });
    },

    /** How many cases the viewer may see are in each status, under the filter; every status listed, zeros included. */
    async countMedevacsByStatus(filter: MedevacFilter, statuses: readonly string[]): Promise<{ status: string; count: number }[]> {
      const params = new SqlParams();
      const conditions = [
        `starts_with(t.area_pcode, ${params.add(filter.areaPcode ?? '')})`,
        ...medevacConditions(filter)(params),
        visibleSql(viewer, params, 't'),
      ];
      const rows = await db.query<{ status: string; n: number }>(
        `SELECT t.status, count(*)::int AS n FROM medical_evacuation t WHERE ${conditions.join(' AND ')} GROUP BY t.status`,
        params.values,
      );
      const counts = new Map(rows.map((row) => [row.status, row.n]));
      return statuses.map((status) => ({ status, count: counts.get(status) ?? 0 }));
    },

    /** The waiting-list figures the viewer may see, newest first; only one source's when `source` is given. */
    async waitingFigures(source: string | null): Promise<MedicalEvacuationWaitingFigure[]> {
      const params = new SqlParams();
      const conditions = [...(source ? [`t.source = ${params.add(source)}`] : []), visibleSql(viewer, params, 't')];
      const rows = await db.query<Row>(`SELECT t.* FROM medical_evacuation_waiting_figure t WHERE ${conditions.join(' AND ')} ORDER BY t.as_of DESC, t.id DESC`, params.values);
      return rows.map(toWaitingFigure);
    },
  };
}

export type MedevacRepository = ReturnType<typeof createMedevacRepository>;
