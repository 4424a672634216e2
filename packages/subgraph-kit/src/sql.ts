import type { Queryable } from './db.ts';
import { forbidden } from '@cmcc/contracts';
import type { Page } from './pagination.ts';
import { visibleSql, type Viewer } from '@cmcc/contracts';

/** Collects statement parameters and hands out their `$n` placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Extra conditions on the table (alias `t`), written with placeholders from `params`. */
export type Conditions = (params: SqlParams) => string[];

export interface ByParentQuery {
  table: string;
  /** Column of `t` that holds the parent's key. */
  parentColumn: string;
  /**
   * `prefix`: parents are P-codes and include every record in the areas below them; `contains`: the column is an
   * array of parent keys (a record linked to several parents).
   */
  match: 'equal' | 'prefix' | 'contains';
  keys: readonly string[];
  where?: Conditions;
  /** For tables of marked records: only rows released to this viewer are read, counted or paged. */
  visibleTo?: Viewer;
}

function conditionsOf(query: ByParentQuery, params: SqlParams): string[] {
  const conditions = query.where?.(params) ?? [];
  if (query.visibleTo) conditions.push(visibleSql(query.visibleTo, params, 't'));
  return conditions;
}

export interface PagedByParentQuery extends ByParentQuery {
  /** Sort column of `t`, newest or largest first; ties broken by `id`, also descending. Must be NOT NULL. */
  orderColumn: string;
  page: Page;
}

function joinParents(query: ByParentQuery, params: SqlParams): string {
  const keys = params.add(query.keys);
  const match =
    query.match === 'prefix'
      ? `starts_with(t.${query.parentColumn}, k.key)`
      : query.match === 'contains'
        ? `k.key = ANY(t.${query.parentColumn})`
        : `t.${query.parentColumn} = k.key`;
  return `FROM unnest(${keys}::text[]) AS k(key) JOIN ${query.table} t ON ${match}`;
}

function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * One statement for one page of records under each of many parents (keyset pagination per parent): the batch
 * function of a list relation such as `Area.incidents`. Returns up to `limit + 1` rows per key, in key order; the
 * extra row only tells that another page follows.
 */
export async function selectPagesByParent<R>(db: Queryable, query: PagedByParentQuery): Promise<R[][]> {
  const params = new SqlParams();
  const from = joinParents(query, params);
  const conditions = conditionsOf(query, params);
  if (query.page.afterId !== null) {
    const after = params.add(query.page.afterId);
    // The cursor's record must itself be released: its position must not tell anything about a withheld record.
    const released = query.visibleTo ? ` AND ${visibleSql(query.visibleTo, params, 'a')}` : '';
    conditions.push(`(t.${query.orderColumn}, t.id) < (SELECT a.${query.orderColumn}, a.id FROM ${query.table} a WHERE a.id = ${after}${released})`);
  }
  const limit = params.add(query.page.limit + 1);
  const rows = await db.query<R & { parent_key: string }>(
    `SELECT * FROM (
       SELECT k.key AS parent_key, t.*,
              row_number() OVER (PARTITION BY k.key ORDER BY t.${query.orderColumn} DESC, t.id DESC) AS page_row
       ${from} ${whereClause(conditions)}
     ) ranked
     WHERE page_row <= ${limit}
     ORDER BY parent_key, page_row`,
    params.values,
  );
  const byKey = new Map<string, R[]>(query.keys.map((key) => [key, []]));
  for (const row of rows) byKey.get(row.parent_key)?.push(row);
  return query.keys.map((key) => byKey.get(key) ?? []);
}

/** One statement counting the records under each of many parents, in key order. */
export async function countByParent(db: Queryable, query: ByParentQuery): Promise<number[]> {
  const params = new SqlParams();
  const from = joinParents(query, params);
  const rows = await db.query<{ key: string; total: number }>(
    `SELECT k.key, count(*)::int AS total ${from} ${whereClause(conditionsOf(query, params))} GROUP BY k.key`,
    params.values,
  );
  const totals = new Map(rows.map((row) => [row.key, row.total]));
  return query.keys.map((key) => totals.get(key) ?? 0);
}

/**
 * How many records of `table` lie in an area or below it (`area_pcode` prefix match; `null`: every area) and meet `where`,
 * counting only rows released to `visibleTo`: the one count behind every list's `totalCount`, so a withheld record is never
 * counted.
 */
export async function countInArea(db: Queryable, query: { table: string; areaPcode: string | null | undefined; where?: Conditions; visibleTo?: Viewer }): Promise<number> {
  const [total] = await countByParent(db, {
    table: query.table,
    parentColumn: 'area_pcode',
    match: 'prefix',
    keys: [query.areaPcode ?? ''],
    where: query.where,
    visibleTo: query.visibleTo,
  });
  return total;
}

/** One statement for the rows with the given ids, in key order (`null` for ids with no row). */
export async function selectByIds<R extends { id: string }>(db: Queryable, table: string, ids: readonly string[], idColumn = 'id'): Promise<(R | null)[]> {
  const rows = await db.query<R>(`SELECT * FROM ${table} WHERE ${idColumn} = ANY($1::text[])`, [ids]);
  const byId = new Map(rows.map((row) => [(row as Record<string, unknown>)[idColumn] as string, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * Rows of marked records by id, in key order: `null` for an id with no row, and a FORBIDDEN error (which the
 * DataLoader hands to that key's caller) for a row the viewer may not see, so asking by key never leaks it.
 */
export async function selectVisibleByIds<R extends { id: string }>(
  db: Queryable,
  table: string,
  entityType: string,
  ids: readonly string[],
  viewer: Viewer,
): Promise<(R | null | Error)[]> {
  const params = new SqlParams();
  const idList = params.add(ids);
  const rows = await db.query<R & { released__: boolean }>(
    `SELECT t.*, ${visibleSql(viewer, params, 't')} AS released__ FROM ${table} t WHERE t.id = ANY(${idList}::text[])`,
    params.values,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) return null;
    // The message names neither the id nor anything of the record: a caller reaching it through a reference did not know it.
    if (!row.released__) return forbidden(`This ${entityType} is not released to you`);
    const { released__: _released, ...record } = row;
    return record as unknown as R;
  });
}
