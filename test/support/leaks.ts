/**
 * A marked collection of one subgraph, for the leak matrix in test/leaks.test.ts: the table holding the records (with
 * the six marking columns and an `id`), a query through the gateway that lists all of them, and optionally a query
 * asking for one by `$id`.
 */
export interface LeakCollection {
  subgraph: string;
  table: string;
  /** A query listing the whole collection (every record the caller may see). */
  list: string;
  ids: (data: any) => string[];
  /** The total the query reports, when it reports one. */
  total?: (data: any) => number;
  /** A query for one record by `$id`; `pick` finds it in the data, `path` is the error path expected for a withheld one. */
  byKey?: { query: string; pick: (data: any) => unknown; path: (string | number)[] };
}
