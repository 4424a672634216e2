import {
  countByParent,
  manyByKey,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  type AccessMarking,
  type Conditions,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
  SqlParams,
  visibleSql,
} from '@cmcc/subgraph-kit';

export interface ForceContribution {
  id: string;
  nation: string;
  unit: string;
  role: string;
  personnel: number;
  readiness: string;
  readinessAsOf: Date;
  areaPcode: string;
  source: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

/** Units and personnel at one readiness from one source, among released contributions. */
export interface ForceStrength {
  readiness: string;
  source: string;
  contributions: number;
  personnel: number;
}

/** Filters every list of contributions takes (`null`: no condition). */
export interface ContributionFilter {
  nation: string | null;
  role: string | null;
  readiness: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

export const toForceContribution = (r: Row): ForceContribution => ({
  id: r.id,
  nation: r.nation,
  unit: r.unit,
  role: r.role,
  personnel: r.personnel,
  readiness: r.readiness,
  readinessAsOf: r.readiness_as_of,
  areaPcode: r.area_pcode,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

export const TABLE = 'force_contribution';

const filterConditions =
  (filter: ContributionFilter): Conditions =>
  (params) =>
    (['nation', 'role', 'readiness'] as const).flatMap((column) => (filter[column] === null ? [] : [`t.${column} = ${params.add(filter[column])}`]));

/** Every read of the subgraph, for one viewer: marked rows are filtered in SQL, so pages and totals hold only released ones. */
export function createRepository(db: Queryable, viewer: Viewer) {
  return {
    /** Contributions by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async forceContributionsById(ids: readonly string[]): Promise<(ForceContribution | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, TABLE, 'ForceContribution', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toForceContribution(row)));
    },

    /** One page of released contributions under each area P-code (a prefix match; `''` is every area). */
    async forceContributionsByArea(pcodes: readonly string[], filter: ContributionFilter, page: Page): Promise<ForceContribution[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        where: filterConditions(filter),
        orderColumn: 'readiness_as_of',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toForceContribution));
    },

    /** Strength by readiness and source under each area P-code, in key order: one statement, released contributions only. */
    async forceStrengthByArea(pcodes: readonly string[]): Promise<ForceStrength[][]> {
      const params = new SqlParams();
      const keys = params.add(pcodes);
      const rows = await db.query<ForceStrength & { key: string }>(
        `SELECT k.key, t.readiness, t.source, count(*)::int AS contributions, sum(t.personnel)::int AS personnel
           FROM unnest(${keys}::text[]) AS k(key) JOIN ${TABLE} t ON starts_with(t.area_pcode, k.key)
          WHERE ${visibleSql(viewer, params, 't')}
          GROUP BY k.key, t.readiness, t.source
          ORDER BY k.key, array_position(ARRAY['NOT_READY','PREPARING','READY','DEPLOYED']::text[], t.readiness), t.source`,
        params.values,
      );
      return manyByKey(pcodes, rows, (row) => row.key).map((list) => list.map(({ key: _key, ...strength }) => strength));
    },

    /** How many released contributions lie under the area (every area when `null`) and match the filter. */
    async countForceContributions(areaPcode: string | null, filter: ContributionFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: filterConditions(filter),
        visibleTo: viewer,
      });
      return total;
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
