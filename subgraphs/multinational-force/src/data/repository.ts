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
  unit: string | null;
  role: string | null;
  personnel: number | null;
  readiness: string | null;
  readinessAsOf: Date;
  status: string;
  troopsPledged: number | null;
  troopsDeployed: number;
  announcedAt: string | null;
  description: string | null;
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
  troopsPledged: number;
  troopsDeployed: number;
}

/** Contributions and their troops, pledged and deployed apart, at one status from one source, among released contributions. */
export interface ForceCommitment {
  status: string;
  source: string;
  contributions: number;
  troopsPledged: number;
  troopsDeployed: number;
}

/** Filters every list of contributions takes (`null`: no condition). */
export interface ContributionFilter {
  nation: string | null;
  role: string | null;
  readiness: string | null;
  status: string | null;
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
  status: r.status,
  troopsPledged: r.troops_pledged,
  troopsDeployed: r.troops_deployed,
  announcedAt: r.announced_at,
  description: r.description,
  areaPcode: r.area_pcode,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

export const TABLE = 'force_contribution';

const filterConditions =
  (filter: ContributionFilter): Conditions =>
  (params) =>
    (['nation', 'role', 'readiness', 'status'] as const).flatMap((column) => (filter[column] === null ? [] : [`t.${column} = ${params.add(filter[column])}`]));

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
        `SELECT k.key, coalesce(t.readiness, 'NOT_READY') AS readiness, t.source, count(*)::int AS contributions, coalesce(sum(t.personnel), 0)::int AS personnel,
                coalesce(sum(t.troops_pledged), 0)::int AS "troopsPledged", coalesce(sum(t.troops_deployed), 0)::int AS "troopsDeployed"
           FROM unnest(${keys}::text[]) AS k(key) JOIN ${TABLE} t ON starts_with(t.area_pcode, k.key)
          WHERE ${visibleSql(viewer, params, 't')}
          GROUP BY k.key, coalesce(t.readiness, 'NOT_READY'), t.source
          ORDER BY k.key, array_position(ARRAY['NOT_READY','PREPARING','READY','DEPLOYED']::text[], coalesce(t.readiness, 'NOT_READY')), t.source`,
        params.values,
      );
      return manyByKey(pcodes, rows, (row) => row.key).map((list) => list.map(({ key: _key, ...strength }) => strength));
    },

    /**
     * Contributions by status and source under each area P-code (`''`: everywhere), released ones only, with troops
     * pledged and troops deployed summed apart: a pledge never counts as a deployment.
     */
    async forceCommitmentsByArea(pcodes: readonly string[]): Promise<ForceCommitment[][]> {
      const params = new SqlParams();
      const keys = params.add(pcodes);
      const rows = await db.query<ForceCommitment & { key: string }>(
        `SELECT k.key, t.status, t.source, count(*)::int AS contributions,
                coalesce(sum(t.troops_pledged), 0)::int AS "troopsPledged", coalesce(sum(t.troops_deployed), 0)::int AS "troopsDeployed"
           FROM unnest(${keys}::text[]) AS k(key) JOIN ${TABLE} t ON starts_with(t.area_pcode, k.key)
          WHERE ${visibleSql(viewer, params, 't')}
          GROUP BY k.key, t.status, t.source
          ORDER BY k.key, array_position(ARRAY['CONSIDERING','PLEDGED','DECLINED','OBJECTED_TO','DEPLOYED']::text[], t.status), t.source`,
        params.values,
      );
      return manyByKey(pcodes, rows, (row) => row.key).map((list) => list.map(({ key: _key, ...commitment }) => commitment));
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
