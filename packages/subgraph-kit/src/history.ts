import fs from 'node:fs';
import { Kind, parse, type DocumentNode } from 'graphql';
import DataLoader from 'dataloader';
import type { Queryable } from './db.ts';
import { loaderFamily } from './loaders.ts';
import {
  CLASSIFICATIONS,
  MARKING_COLUMNS,
  markingFromRow,
  type Classification,
  type MarkingRow,
  canSee,
  viewerOf,
  type Viewer,
  requirementOf,
  type FieldRequirement,
  type Principal,
} from '@cmcc/contracts';

/**
 * Reading a record's change history as protected as the record itself. A history entry holds the values fields had,
 * so a field the schema protects (`@requiresScopes`, `@policy`, `@authenticated`) is protected in every entry too,
 * and an entry of a version whose marking the reader may not see is left out. The protected fields are read from the
 * subgraph's own SDL: protecting a field in the schema protects it in history, with nothing else to change.
 */

/** Per GraphQL type: the requirement every field has (a type-level directive) and each protected field's, by column. */
export interface TypeProtection {
  type: string;
  /** The type carries an access marking (a `marking` field): each version's marking decides who sees its entry. */
  marked: boolean;
  /** A requirement on the type itself, which every field inherits. */
  all: FieldRequirement | null;
  /** Protected fields by their stored column (the field name in snake_case, as history records it); `@inaccessible` ones too. */
  columns: ReadonlyMap<string, FieldRequirement>;
}

export type SchemaProtection = ReadonlyMap<string, TypeProtection>;

/**
 * An `@inaccessible` field: a reference the gateway never exposes (e.g. the id of another group's record, which that
 * group resolves for callers it is released to). No principal meets it (no scope group can be satisfied), so its
 * values are always redacted in history: they would name records the reader may not see.
 */
const HIDDEN: FieldRequirement = Object.freeze({ authenticated: true, scopes: [], policies: null });

/** `driverNames` → `driver_names`: the column a field is stored in, the name history entries use. */
export function columnOf(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Every type of a subgraph's SDL with what it protects (object types and their extensions). */
export function schemaProtection(sdl: string | DocumentNode): SchemaProtection {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const types = new Map<string, TypeProtection>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const name = definition.name.value;
    const known = types.get(name);
    const columns = new Map(known?.columns ?? []);
    let marked = known?.marked ?? false;
    for (const field of definition.fields ?? []) {
      if (field.name.value === 'marking') marked = true;
      const hidden = field.directives?.some((directive) => directive.name.value === 'inaccessible');
      const requirement = hidden ? HIDDEN : requirementOf(field.directives);
      if (requirement) columns.set(columnOf(field.name.value), requirement);
    }
    types.set(name, { type: name, marked, all: requirementOf(definition.directives) ?? known?.all ?? null, columns });
  }
  return types;
}

const bySchemaFile = new Map<string, SchemaProtection>();

/** The protection of a subgraph's `schema.graphql`, read once per process. */
export function schemaProtectionOf(schemaFile: string | URL): SchemaProtection {
  const key = String(schemaFile);
  let protection = bySchemaFile.get(key);
  if (!protection) {
    protection = schemaProtection(fs.readFileSync(schemaFile, 'utf8'));
    bySchemaFile.set(key, protection);
  }
  return protection;
}

/** What a `@policy` asks of a principal: every condition given must hold. */
interface PolicyRule {
  minClearance?: Classification;
  requireNation?: boolean;
  anyRole?: string[];
}

/**
 * The platform's policies as a subgraph applies them to history. The gateway decides `@policy` on fields (its
 * defaults are these); a subgraph reading history applies the same definitions, and a policy it does not know is
 * never met: the values stay redacted (fail closed).
 */
export const HISTORY_POLICIES: Readonly<Record<string, PolicyRule>> = Object.freeze({
  'sensitive-location': { minClearance: 'RESTRICTED', requireNation: true },
});

function meetsPolicy(principal: Principal, name: string): boolean {
  const rule = Object.hasOwn(HISTORY_POLICIES, name) ? HISTORY_POLICIES[name] : undefined;
  if (!rule) return false;
  if (rule.minClearance && CLASSIFICATIONS.indexOf(principal.clearance) < CLASSIFICATIONS.indexOf(rule.minClearance)) return false;
  if (rule.requireNation && !principal.nation) return false;
  if (rule.anyRole && !rule.anyRole.some((role) => principal.roles.includes(role))) return false;
  return true;
}

/** Whether the principal meets a field's requirement, as the gateway would decide it for the field itself. */
export function meetsRequirement(principal: Principal | null, requirement: FieldRequirement): boolean {
  if (!principal) return false;
  if (requirement.scopes && !requirement.scopes.some((group) => group.every((scope) => principal.scopes.includes(scope)))) return false;
  if (requirement.policies && !requirement.policies.some((group) => group.every((policy) => meetsPolicy(principal, policy)))) return false;
  return true;
}

/** The marking columns release is decided on; `national_marking` is display only (and older rows never held it). */
const DECIDING_COLUMNS = MARKING_COLUMNS.filter((column) => column !== 'national_marking');

/** The marking a record had at some version, as stored beside each history entry. */
export function markingSnapshot(row: Record<string, unknown>): MarkingRow | null {
  if (!DECIDING_COLUMNS.every((column) => column in row)) return null;
  return Object.fromEntries(MARKING_COLUMNS.map((column) => [column, row[column] ?? null])) as unknown as MarkingRow;
}

/** A marking with the marking columns a change names applied over it (`null` when nothing is known yet). */
function applyMarkingColumns(base: MarkingRow | null, values: Record<string, unknown> | null): MarkingRow | null {
  const given = MARKING_COLUMNS.filter((column) => values && column in values);
  if (given.length === 0) return base;
  if (!base) return DECIDING_COLUMNS.every((column) => given.includes(column)) ? markingSnapshot(values!) : null;
  return { ...base, ...Object.fromEntries(given.map((column) => [column, values![column]])) } as MarkingRow;
}

type Row = Record<string, unknown>;

/** One field of a history entry: its values, or none when the reader may not read that field (`redacted`). */
export interface FieldChangeView {
  field: string;
  previousValue: string | null;
  newValue: string | null;
  redacted: boolean;
}

export interface RecordChangeView {
  version: number;
  operation: string;
  changedBy: string;
  changedAt: unknown;
  via: string;
  requestId: string | null;
  fields: FieldChangeView[];
}

/** What one reader may see of one type's history. */
export interface HistoryView {
  principal: Principal;
  viewer: Viewer;
  protection: TypeProtection | undefined;
}

/**
 * One record's history (its rows, oldest first) as the reader may see it: entries of versions whose marking is not
 * released to the reader are left out; in the others, a protected field's values are redacted, and so are the
 * previous values of every field when the version before was not released to the reader.
 */
export function visibleHistory(rows: readonly Row[], view: HistoryView): RecordChangeView[] {
  const { principal, viewer, protection } = view;
  const readable = (column: string) => {
    if (protection?.all && !meetsRequirement(principal, protection.all)) return false;
    const requirement = protection?.columns.get(column);
    return !requirement || meetsRequirement(principal, requirement);
  };
  const released = (marking: MarkingRow | null) => !protection?.marked || (marking !== null && canSee(viewer, markingFromRow(marking)));
  const entries: RecordChangeView[] = [];
  // Entries written before markings were stored beside them: the marking is followed through the changes, from
  // the full marking a CREATE records; an entry whose marking cannot be known is withheld.
  let known: MarkingRow | null = null;
  for (const row of rows) {
    const changes = row.changes as Row;
    const previous = (row.previous ?? null) as Row | null;
    const after: MarkingRow | null = (row.marking as MarkingRow | null) ?? applyMarkingColumns(row.operation === 'CREATE' ? null : known, changes);
    known = after;
    if (!released(after)) continue;
    const before = row.operation === 'CREATE' ? null : applyMarkingColumns(after, previous);
    const previousReleased = row.operation === 'CREATE' || released(before);
    entries.push({
      version: Number(row.version),
      operation: String(row.operation),
      changedBy: String(row.changed_by),
      changedAt: row.changed_at,
      via: String(row.via),
      requestId: (row.request_id as string | null) ?? null,
      fields: Object.keys(changes).map((field) => {
        if (!readable(field)) return { field, previousValue: null, newValue: null, redacted: true };
        const previousValue = row.operation === 'CREATE' ? null : JSON.stringify(previous?.[field] ?? null);
        return previousReleased
          ? { field, previousValue, newValue: JSON.stringify(changes[field] ?? null), redacted: false }
          : { field, previousValue: null, newValue: JSON.stringify(changes[field] ?? null), redacted: true };
      }),
    });
  }
  return entries;
}

/** Batch function for `history` fields: the changes of many records of one type in one statement, oldest first. */
export async function historyByEntity(db: Queryable, entityType: string, ids: readonly string[], view: HistoryView): Promise<RecordChangeView[][]> {
  const rows = await db.query<Row>('SELECT * FROM record_change WHERE entity_type = $1 AND entity_id = ANY($2::text[]) ORDER BY entity_id, version, id', [entityType, ids]);
  const byId = new Map<string, Row[]>(ids.map((id) => [id, []]));
  for (const row of rows) byId.get(String(row.entity_id))?.push(row);
  return ids.map((id) => visibleHistory(byId.get(id) ?? [], view));
}

/**
 * The per-request `history` loaders of a subgraph, one per GraphQL type: `historyOf('Convoy').load(id)`. Only reach
 * them through a record released to the principal; they take care of the fields and versions inside.
 */
export function historyLoaders(db: Queryable, principal: Principal, schemaFile: string | URL) {
  const protection = schemaProtectionOf(schemaFile);
  const viewer = viewerOf(principal);
  return loaderFamily(
    (entityType: string) => new DataLoader((ids: readonly string[]) => historyByEntity(db, entityType, ids, { principal, viewer, protection: protection.get(entityType) })),
  );
}
