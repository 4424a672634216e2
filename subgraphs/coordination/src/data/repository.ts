import {
  countByParent,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  type AccessMarking,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';

export interface CoordinationRequest {
  id: string;
  title: string;
  areaPcode: string;
  reportedAt: Date;
  source: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

export const toCoordinationRequest = (r: Row): CoordinationRequest => ({
  id: r.id,
  title: r.title,
  areaPcode: r.area_pcode,
  reportedAt: r.reported_at,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

export const TABLE = 'coordination_request';

/** Every read of the subgraph, for one viewer: marked rows are filtered in SQL, so pages and totals hold only released ones. */
export function createRepository(db: Queryable, viewer: Viewer) {
  return {
    /** Records by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async coordinationRequestsById(ids: readonly string[]): Promise<(CoordinationRequest | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, TABLE, 'CoordinationRequest', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toCoordinationRequest(row)));
    },

    /** One page of released records under each area P-code (a prefix match; `''` is every area). */
    async coordinationRequestsByArea(pcodes: readonly string[], page: Page): Promise<CoordinationRequest[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'reported_at',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toCoordinationRequest));
    },

    /** How many released records lie under the area (every area when `null`). */
    async countCoordinationRequests(areaPcode: string | null): Promise<number> {
      const [total] = await countByParent(db, { table: TABLE, parentColumn: 'area_pcode', match: 'prefix', keys: [areaPcode ?? ''], visibleTo: viewer });
      return total;
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
