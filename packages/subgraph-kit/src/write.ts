import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Database, Queryable } from './db.ts';
import { ErrorCode, CLASSIFICATIONS, MARKING_COLUMNS, markingFromRow, TLPS, type AccessMarking, type MarkingRow, canSee, viewerOf, type Principal } from '@cmcc/contracts';
import { markingSnapshot } from './history.ts';
import { checkCreateMarking, checkRemarking } from './write-rule.ts';
import { announceCommit, lockChangeOrder } from './change-feed.ts';

/** Why one input field was refused; returned in a mutation payload's `userErrors`. */
export interface UserError {
  /** Path of the input field, e.g. `["input", "marking", "recipients"]`. */
  field: string[];
  code: UserErrorCode;
  message: string;
}

export type UserErrorCode = 'INVALID' | 'REQUIRED' | 'NOT_FOUND' | 'UNKNOWN_REFERENCE' | 'CONFLICT' | 'DUPLICATE' | 'IDEMPOTENCY_KEY_REUSED';

/** Thrown inside a write to abandon it: the transaction rolls back and the payload carries these errors. */
export class UserErrors extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((error) => error.message).join('; '));
    this.name = 'UserErrors';
  }
}

/**
 * The one place that decides whether a principal may write a working group's records: editors of the group hold
 * the scope `write:<group>`. Every mutation and import calls it before anything else.
 */
export function authorizeWrite(principal: Principal, group: string): void {
  if (principal.scopes.includes(`write:${group}`)) return;
  throw new GraphQLError(`Writing ${group} records needs the scope write:${group}, which ${principal.subject} does not hold`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

const GROUP_CODES = new Set(['FVEY', 'NATO', 'UN', 'CMCC']);
const NATION = /^[A-Z]{3}$/;

/** Checks a marking as given on input; the originator's levels are stored as given, never mapped. */
export function validateMarking(marking: AccessMarking, field: string[]): UserError[] {
  const errors: UserError[] = [];
  const at = (name: string) => [...field, name];
  if (!CLASSIFICATIONS.includes(marking.classification)) errors.push({ field: at('classification'), code: 'INVALID', message: `Unknown classification ${marking.classification}` });
  if (!TLPS.includes(marking.tlp)) errors.push({ field: at('tlp'), code: 'INVALID', message: `Unknown TLP ${marking.tlp}` });
  if (!marking.originator?.trim()) errors.push({ field: at('originator'), code: 'REQUIRED', message: 'The originator (nation or organisation) is required' });
  for (const code of marking.releasableTo ?? []) {
    if (!NATION.test(code) && !GROUP_CODES.has(code)) {
      errors.push({
        field: at('releasableTo'),
        code: 'INVALID',
        message: `"${code}" is neither an ISO 3166 alpha-3 nation code (e.g. GBR) nor a group code (${[...GROUP_CODES].join(', ')})`,
      });
    }
  }
  const recipients = marking.recipients ?? [];
  if (marking.tlp === 'RED' && recipients.length === 0) {
    errors.push({ field: at('recipients'), code: 'REQUIRED', message: 'TLP:RED needs the recipients it is shared with' });
  }
  if (marking.tlp !== 'RED' && marking.tlp !== 'AMBER_STRICT' && recipients.length > 0) {
    errors.push({ field: at('recipients'), code: 'INVALID', message: 'Recipients are named only for TLP:AMBER_STRICT or TLP:RED; leave them empty or use one of those' });
  }
  if (marking.classification !== 'UNCLASSIFIED' && marking.tlp === 'CLEAR') {
    errors.push({ field: at('tlp'), code: 'INVALID', message: `A ${marking.classification} record cannot be TLP:CLEAR (public)` });
  }
  return errors;
}

/** The marking columns of a row, from a validated marking input. */
export function markingColumns(marking: AccessMarking): Record<string, unknown> {
  return {
    classification: marking.classification,
    national_marking: marking.nationalMarking ?? null,
    releasable_to: marking.releasableTo ?? [],
    tlp: marking.tlp,
    originator: marking.originator,
    recipients: marking.recipients ?? [],
    caveats: marking.caveats ?? [],
  };
}

/** Who writes, for provenance and history: the principal, the request, and the path (mutation or import). */
export interface WriteActor {
  subject: string;
  requestId: string | null;
  /** e.g. `MUTATION:reportIncident` or `IMPORT:incidents:export.csv`. */
  via: string;
  /**
   * The writer as a principal (mutations). With it, every marked record written is held to the writing rule
   * (write-rule.ts), and a record the principal may not see is treated as missing.
   */
  principal?: Principal;
}

type Row = Record<string, unknown>;

const columnTypeCache = new Map<string, Map<string, string>>();

/** The SQL types of a table's columns (for `jsonb_to_recordset`), read once per table. */
async function columnTypes(tx: Queryable, schema: string, table: string): Promise<Map<string, string>> {
  const cacheKey = `${schema}.${table}`;
  let types = columnTypeCache.get(cacheKey);
  if (!types) {
    const rows = await tx.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [`${schema}.${table}`],
    );
    if (rows.length === 0) throw new Error(`No table ${schema}.${table}`);
    types = new Map(rows.map((row) => [row.name, row.type]));
    columnTypeCache.set(cacheKey, types);
  }
  return types;
}

function recordset(types: Map<string, string>, columns: string[], table: string): string {
  return columns
    .map((column) => {
      const type = types.get(column);
      if (!type) throw new Error(`${table} has no column ${column}`);
      return `"${column}" ${type}`;
    })
    .join(', ');
}

/** JSON-comparable form of a column value: dates as ISO strings, object keys sorted (jsonb reorders them). */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, plain((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  const left = plain(a);
  const right = plain(b);
  if (typeof left === 'string' && typeof right === 'string' && !Number.isNaN(Date.parse(left)) && /T/.test(left + right)) {
    return Date.parse(left) === Date.parse(right);
  }
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Whether a row carries its own marking (a consignment's marking is its convoy's): the writing rule applies to it. */
const isMarked = (row: Row) => 'originator' in row && 'classification' in row;

const PROVENANCE = ['version', 'recorded_by', 'recorded_at', 'recorded_via', 'updated_by', 'updated_at'];

/**
 * Writes records with provenance, optimistic concurrency and a change history. Every method is a fixed number of
 * statements however many rows it writes, so imports stay fast.
 */
export class RecordWriter {
  constructor(
    private readonly tx: Queryable,
    private readonly schema: string,
    private readonly actor: WriteActor,
  ) {}

  /** The last record this writer created or updated: what a mutation reads back. */
  written: Row | null = null;

  /**
   * Inserts one new record (its values include `id`); a taken id is a DUPLICATE user error. A marked record is held
   * to the writing rule: the writer as originator, at most at its clearance (FORBIDDEN otherwise, nothing written).
   */
  async create(table: string, entityType: string, values: Row): Promise<Row> {
    if (this.actor.principal && isMarked(values)) checkCreateMarking(this.actor.principal, markingFromRow(values as unknown as MarkingRow));
    const [row] = await this.insertMany(table, entityType, [values]);
    this.written = row;
    return row;
  }

  /**
   * Reads a record by id (or by a natural key) and locks it for the rest of the transaction. A marked record the
   * writer may not see is `withheld`: callers answer it exactly as `missing`, so a refusal tells nothing about it.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the row's columns are the table's, typed by the caller
  async find(table: string, where: string | Row): Promise<Record<string, any> | 'missing' | 'withheld'> {
    const conditions = Object.entries(typeof where === 'string' ? { id: where } : where);
    const [row] = await this.tx.query<Row>(
      `SELECT * FROM ${table} WHERE ${conditions.map(([column], index) => `"${column}" = $${index + 1}`).join(' AND ')} FOR UPDATE`,
      conditions.map(([, value]) => value),
    );
    if (!row) return 'missing';
    if (this.actor.principal && isMarked(row) && !canSee(viewerOf(this.actor.principal), markingFromRow(row as unknown as MarkingRow))) return 'withheld';
    return row;
  }

  /** `find` by id, where a missing or withheld record is the same NOT_FOUND user error at `field`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for find
  async lock(table: string, entityType: string, id: string, field = ['input', 'id']): Promise<Record<string, any>> {
    const row = await this.find(table, id);
    if (typeof row === 'string') throw new UserErrors([{ field, code: 'NOT_FOUND', message: `No ${entityType} has the id "${id}"` }]);
    return row;
  }

  /**
   * Changes one record if it is still at `expectedVersion`; otherwise nothing is written and the caller gets a
   * CONFLICT user error saying who changed it. Only fields that differ are written and recorded.
   */
  async update(table: string, entityType: string, id: string, expectedVersion: number | null, values: Row, field = ['input', 'version']): Promise<Row> {
    const current = await this.lock(table, entityType, id);
    if (expectedVersion !== null && current.version !== expectedVersion) {
      throw new UserErrors([
        {
          field,
          code: 'CONFLICT',
          message: `${entityType} ${id} is at version ${current.version}, not ${expectedVersion}: ${current.updated_by ?? current.recorded_by} changed it since you read it. Reload it and apply your change again.`,
        },
      ]);
    }
    if (this.actor.principal && isMarked(current) && MARKING_COLUMNS.some((column) => column in values)) {
      checkRemarking(this.actor.principal, markingFromRow(current as unknown as MarkingRow), markingFromRow({ ...current, ...values } as unknown as MarkingRow));
    }
    const changed = Object.fromEntries(Object.entries(values).filter(([column, value]) => !sameValue(current[column], value)));
    if (Object.keys(changed).length === 0) return (this.written = current);
    await this.updateMany(table, entityType, [{ current, changed }]);
    const [row] = await this.tx.query<Row>(`SELECT * FROM ${table} WHERE id = $1`, [id]);
    return (this.written = row);
  }

  /**
   * Creates or updates records by a natural key (imports): new keys are inserted, rows that differ are updated
   * (version + 1, history), identical rows are left alone. Three or four statements for the whole batch.
   */
  async upsertMany(
    table: string,
    entityType: string,
    keyColumns: string[],
    rows: Row[],
    /** Columns an update must leave as they are (e.g. absent from the imported file); new rows still get them. */
    preserve: readonly string[] = [],
  ): Promise<{ created: number; updated: number; unchanged: number; ids: string[] }> {
    if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0, ids: [] };
    const types = await columnTypes(this.tx, this.schema, table);
    const keyOf = (row: Row) => JSON.stringify(keyColumns.map((column) => plain(row[column])));
    const existing = await this.tx.query<Row>(
      `SELECT t.* FROM ${table} t JOIN jsonb_to_recordset($1::jsonb) AS k(${recordset(types, keyColumns, table)})
         ON ${keyColumns.map((column) => `t."${column}" = k."${column}"`).join(' AND ')} FOR UPDATE OF t`,
      [JSON.stringify(rows.map((row) => Object.fromEntries(keyColumns.map((column) => [column, plain(row[column])]))))],
    );
    const byKey = new Map(existing.map((row) => [keyOf(row), row]));
    const fresh: Row[] = [];
    const updates: { current: Row; changed: Row }[] = [];
    const ids: string[] = [];
    let unchanged = 0;
    for (const row of rows) {
      const current = byKey.get(keyOf(row));
      if (!current) {
        fresh.push(row);
        ids.push(String(row.id));
        continue;
      }
      ids.push(String(current.id));
      const changed = Object.fromEntries(Object.entries(row).filter(([column, value]) => column !== 'id' && !preserve.includes(column) && !sameValue(current[column], value)));
      if (Object.keys(changed).length === 0) unchanged++;
      else updates.push({ current, changed });
    }
    await this.insertMany(table, entityType, fresh);
    await this.updateMany(table, entityType, updates);
    return { created: fresh.length, updated: updates.length, unchanged, ids };
  }

  private async insertMany(table: string, entityType: string, rows: Row[]): Promise<Row[]> {
    if (rows.length === 0) return [];
    const types = await columnTypes(this.tx, this.schema, table);
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    let inserted: Row[];
    try {
      inserted = await this.tx.query<Row>(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}, version, recorded_by, recorded_at, recorded_via)
         SELECT ${columns.map((c) => `v."${c}"`).join(', ')}, 1, $2, now(), $3
           FROM jsonb_to_recordset($1::jsonb) AS v(${recordset(types, columns, table)})
         RETURNING *`,
        [JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c) => [c, plain(row[c])])))), this.actor.subject, this.actor.via],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new UserErrors([{ field: ['input'], code: 'DUPLICATE', message: `A ${entityType} with the same identity already exists; update it instead` }]);
      }
      throw error;
    }
    await this.recordHistory(
      inserted.map((row) => ({ entityType, id: String(row.id), version: 1, operation: 'CREATE', previous: null, changes: pick(row, columns), marking: markingSnapshot(row) })),
    );
    return inserted;
  }

  private async updateMany(table: string, entityType: string, updates: { current: Row; changed: Row }[]): Promise<void> {
    if (updates.length === 0) return;
    const types = await columnTypes(this.tx, this.schema, table);
    // Rows changing different columns are written in one statement: a column a row does not change keeps its value.
    const columns = [...new Set(updates.flatMap((update) => Object.keys(update.changed)))];
    const payload = updates.map(({ current, changed }) => ({
      id: current.id,
      ...Object.fromEntries(columns.map((c) => [c, plain(c in changed ? changed[c] : current[c])])),
    }));
    await this.tx.query(
      `UPDATE ${table} t SET ${columns.map((c) => `"${c}" = v."${c}"`).join(', ')},
              version = t.version + 1, updated_by = $2, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id text, ${recordset(types, columns, table)})
        WHERE t.id = v.id`,
      [JSON.stringify(payload), this.actor.subject],
    );
    await this.recordHistory(
      updates.map(({ current, changed }) => ({
        entityType,
        id: String(current.id),
        version: Number(current.version) + 1,
        operation: 'UPDATE',
        previous: pick(current, Object.keys(changed)),
        changes: Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, plain(v)])),
        marking: markingSnapshot({ ...current, ...changed }),
      })),
    );
  }

  /** `marking`: the record's marking at the version written (null for unmarked records), which decides who sees the entry. */
  private async recordHistory(
    changes: { entityType: string; id: string; version: number; operation: string; previous: Row | null; changes: Row; marking: MarkingRow | null }[],
  ): Promise<void> {
    if (changes.length === 0) return;
    await lockChangeOrder(this.tx, this.schema);
    await this.tx.query(
      `INSERT INTO record_change (entity_type, entity_id, version, operation, changed_by, request_id, via, previous, changes, marking)
       SELECT c.entity_type, c.entity_id, c.version, c.operation, $2, $3, $4, c.previous, c.changes, c.marking
         FROM jsonb_to_recordset($1::jsonb) AS c(entity_type text, entity_id text, version integer, operation text, previous jsonb, changes jsonb, marking jsonb)`,
      [
        JSON.stringify(
          changes.map((c) => ({
            entity_type: c.entityType,
            entity_id: c.id,
            version: c.version,
            operation: c.operation,
            previous: c.previous,
            changes: c.changes,
            marking: c.marking && plain(c.marking),
          })),
        ),
        this.actor.subject,
        this.actor.requestId,
        this.actor.via,
      ],
    );
  }
}

function pick(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.filter((c) => !PROVENANCE.includes(c)).map((c) => [c, plain(row[c])]));
}

export interface MutationRequest<TRef> {
  /** The working group that owns the records written. */
  group: string;
  /** The mutation's field name, for provenance and the idempotency record. */
  mutation: string;
  input: unknown;
  idempotencyKey?: string | null;
  /** The marking given on input (at `input.marking`), checked here before `validate`; the writing rule checks it as it is written. */
  marking?: AccessMarking | null;
  /** Input checks that need no database; any error stops the mutation before it writes. */
  validate?: () => UserError[];
  /** The write itself, in one transaction; returns a JSON reference to what it wrote (e.g. `{ id }`). */
  write: (writer: RecordWriter, tx: Queryable) => Promise<TRef>;
}

export interface MutationOutcome<TRef> {
  ref: TRef | null;
  userErrors: UserError[];
  /** True when an earlier call with the same idempotency key had already written this. */
  replayed: boolean;
  /** The record row the write created or updated last (none on a replay): read back under the caller's visibility. */
  written?: Record<string, unknown> | null;
}

/**
 * Runs a mutation: authorization, validation, then the write, the history and the idempotency record in one
 * transaction, so a failure anywhere leaves nothing behind and a retry with the same key writes nothing twice.
 */
export async function performMutation<TRef>(db: Database, context: { principal: Principal; requestId: string }, request: MutationRequest<TRef>): Promise<MutationOutcome<TRef>> {
  authorizeWrite(context.principal, request.group);
  const invalid = [...(request.marking ? validateMarking(request.marking, ['input', 'marking']) : []), ...(request.validate?.() ?? [])];
  if (invalid.length > 0) return { ref: null, userErrors: invalid, replayed: false };
  const key = request.idempotencyKey ?? null;
  if (key !== null && (key.length === 0 || key.length > 200)) {
    return { ref: null, userErrors: [{ field: ['idempotencyKey'], code: 'INVALID', message: 'An idempotency key is 1 to 200 characters' }], replayed: false };
  }
  const requestHash = createHash('sha256')
    .update(JSON.stringify([request.mutation, request.input]))
    .digest('hex');
  try {
    const outcome = await db.transaction(async (tx): Promise<MutationOutcome<TRef>> => {
      if (key !== null) {
        const claimed = await tx.query(`INSERT INTO idempotency_key (principal, key, mutation, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`, [
          context.principal.subject,
          key,
          request.mutation,
          requestHash,
        ]);
        if (claimed.length === 0) {
          const [earlier] = await tx.query<{ mutation: string; request_hash: string; result: TRef }>(
            'SELECT mutation, request_hash, result FROM idempotency_key WHERE principal = $1 AND key = $2',
            [context.principal.subject, key],
          );
          if (earlier.mutation !== request.mutation || earlier.request_hash !== requestHash) {
            throw new UserErrors([
              {
                field: ['idempotencyKey'],
                code: 'IDEMPOTENCY_KEY_REUSED',
                message: `This idempotency key was already used for a different ${earlier.mutation} request; use a new key for a new request`,
              },
            ]);
          }
          return { ref: earlier.result, userErrors: [], replayed: true };
        }
      }
      const writer = new RecordWriter(tx, db.schema, {
        subject: context.principal.subject,
        requestId: context.requestId,
        via: `MUTATION:${request.mutation}`,
        principal: context.principal,
      });
      const ref = await request.write(writer, tx);
      if (key !== null) {
        await tx.query('UPDATE idempotency_key SET result = $3 WHERE principal = $1 AND key = $2', [context.principal.subject, key, JSON.stringify(ref)]);
      }
      return { ref, userErrors: [], replayed: false, written: writer.written };
    });
    if (!outcome.replayed) announceCommit(db);
    return outcome;
  } catch (error) {
    if (error instanceof UserErrors) return { ref: null, userErrors: error.errors, replayed: false };
    throw error;
  }
}

/** A mutation of one record: what `performMutation` takes, plus how to read the record back. */
export interface RecordMutation<TRecord> extends MutationRequest<{ id: string }> {
  /**
   * Loads the record written, by id, through the request's loaders (so under the caller's own releasability); clear
   * the loader's cached entry first.
   */
  readBack: (id: string) => Promise<TRecord | null | undefined>;
}

/** A mutation payload's two parts: the record as the caller may see it, and what was wrong with the input. */
export interface RecordMutationResult<TRecord> {
  /** Null when nothing was written, or when the record written is not released to the caller. */
  record: TRecord | null;
  userErrors: UserError[];
}

/**
 * The one write path of every subgraph: `performMutation` (scope, validation, the writing rule, the write, history,
 * provenance, idempotency in one transaction), then the record read back under the caller's own visibility. A
 * write that committed always answers with its payload: a record the caller may not see (they tightened it past
 * themselves) is `null` there, never a FORBIDDEN error after the fact.
 */
export async function mutateRecord<TRecord>(
  db: Database,
  context: { principal: Principal; requestId: string },
  request: RecordMutation<TRecord>,
): Promise<RecordMutationResult<TRecord>> {
  const outcome = await performMutation(db, context, request);
  if (!outcome.ref) return { record: null, userErrors: outcome.userErrors };
  const written = outcome.written;
  if (written && String(written.id) === outcome.ref.id && isMarked(written) && !canSee(viewerOf(context.principal), markingFromRow(written as unknown as MarkingRow))) {
    return { record: null, userErrors: [] };
  }
  try {
    return { record: (await request.readBack(outcome.ref.id)) ?? null, userErrors: [] };
  } catch (error) {
    const code = error instanceof GraphQLError ? error.extensions.code : null;
    if (code === ErrorCode.FORBIDDEN || code === ErrorCode.NOT_FOUND) return { record: null, userErrors: [] };
    throw error;
  }
}

/** How a record entered the graph and who last changed it, from its provenance columns. */
export function provenanceFromRow(row: Row) {
  return {
    version: row.version,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    recordedVia: row.recorded_via,
    updatedBy: row.updated_by ?? null,
    updatedAt: row.updated_at ?? null,
  };
}
