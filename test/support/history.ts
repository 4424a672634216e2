import { expect } from 'vitest';
import { RecordWriter, type Principal } from '@cmcc/subgraph-kit';
import type { TestSubgraph } from './subgraph.ts';

/**
 * The history cases every subgraph runs (docs/security.md: a field the schema protects is protected in `history` too; a
 * record is never partly leaked through `history`). A record is written in four versions through the kit's writer:
 *   v1 CREATE, marking OPEN; v2 tightened to SECRET for USA only; v3 loosened back to OPEN by its originator (USA);
 *   v4 a change of values only. Every version changes the protected field and a plain one.
 */
export const OPEN = { classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN', originator: 'USA', recipients: [], caveats: [] };
export const USA_SECRET_ONLY = { classification: 'SECRET', releasable_to: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };

const principal = (subject: string, nation: string | null, organization: string | null, clearance: Principal['clearance'], scopes: string[] = []): Principal =>
  Object.freeze({ subject, nation, organization, workingGroups: [], roles: ['member'], scopes, clearance, participant: true });

/** Released every version, and meets every policy (a nation, cleared SECRET). */
export const US_SECRET = principal('us-secret', 'USA', null, 'SECRET');
/** Released the OPEN versions only (v1, v3, v4), and meets `sensitive-location` (a nation, RESTRICTED). */
export const GBR_RESTRICTED = principal('gb-restricted', 'GBR', null, 'RESTRICTED');
/** Released the OPEN versions only, and meets no policy: an organisation without a nation or a clearance. */
export const PARTNER_NGO = principal('prcs-officer', null, 'XI-CMCC-PRCS', 'UNCLASSIFIED');

const PROVENANCE = new Set(['version', 'recorded_by', 'recorded_at', 'recorded_via', 'updated_by', 'updated_at']);

export interface HistoryCase {
  subgraph: TestSubgraph;
  table: string;
  entityType: string;
  /** The new record copies the first seeded row of the table, with this id. */
  id: string;
  /** The marking of v1, v3 and v4 (default OPEN), for tables that allow only some markings; v2 is always USA_SECRET_ONLY. */
  open?: typeof OPEN;
  /** Values of the four versions (protected and plain columns); the markings are added here. */
  versions: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
}

/** Writes the four versions of the case's record, as the kit's mutation path would (one transaction each). */
export async function writeVersions(c: HistoryCase): Promise<void> {
  const [template] = await c.subgraph.db.query<Record<string, unknown>>(`SELECT * FROM ${c.table} ORDER BY id LIMIT 1`);
  expect(template, `a seeded ${c.table}`).toBeTruthy();
  const base = Object.fromEntries(Object.entries(template).filter(([column]) => !PROVENANCE.has(column)));
  const open = c.open ?? OPEN;
  const markings = [open, USA_SECRET_ONLY, open, open];
  for (const [index, values] of c.versions.entries()) {
    await c.subgraph.db.transaction(async (tx) => {
      const writer = new RecordWriter(tx, c.subgraph.db.schema, { subject: 'us-editor', requestId: null, via: 'TEST' });
      if (index === 0) await writer.create(c.table, c.entityType, { ...base, ...values, ...markings[0], id: c.id });
      else await writer.update(c.table, c.entityType, c.id, index, { ...values, ...markings[index] });
    });
  }
}

export interface FieldChange {
  field: string;
  previousValue: string | null;
  newValue: string | null;
  redacted: boolean;
}

/** `history { version fields { field previousValue newValue redacted } }` of the record, read by `who`. */
export async function historyAs(subgraph: TestSubgraph, query: string, who: Principal, pick: (data: any) => any) {
  const { data, errors } = await subgraph.execute(query, undefined, who);
  expect(errors).toBeUndefined();
  return pick(data).history as { version: number; fields: FieldChange[] }[];
}

export const HISTORY_SELECTION = 'history { version fields { field previousValue newValue redacted } }';

/** The field `field` of the entry of `version`. */
export function fieldOf(history: { version: number; fields: FieldChange[] }[], version: number, field: string): FieldChange | undefined {
  return history.find((entry) => entry.version === version)?.fields.find((change) => change.field === field);
}

export interface HistoryExpectations extends HistoryCase {
  /** Reads the record's history: an operation selecting `HISTORY_SELECTION` on it, and where the record is in `data`. */
  query: string;
  pick: (data: any) => any;
  /** A column the schema protects with `@policy(sensitive-location)` or a scope the three principals lack, or none. */
  protectedColumn: string | null;
  /** When the protected field needs a scope: a principal holding it (else US_SECRET reads it through the policy). */
  holder?: Principal;
  /** A column nothing protects beyond the record's marking. */
  plainColumn: string;
  /** Principals released the open versions but not v2 (default GBR_RESTRICTED and PARTNER_NGO). */
  readers?: Principal[];
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * Asserts, for the case's four versions, what the rule's text in docs/security.md says each principal may read, the expected values
 * written out from the case (not from the code under test):
 * - the v2 entry (SECRET, USA only) is absent for GBR and the partner, and none of its values show anywhere;
 * - the v3 entry shows GBR the new values but not the previous ones (they are v2's);
 * - the protected field's values show only to a principal meeting its requirement.
 */
export async function expectHistoryAsProtectedAsTheRecord(c: HistoryExpectations): Promise<void> {
  await writeVersions(c);
  const plain = c.versions.map((v) => json(v[c.plainColumn]));
  const reader = c.holder ?? US_SECRET;

  const full = await historyAs(c.subgraph, c.query, reader, c.pick);
  expect(full.map((entry) => entry.version)).toEqual([1, 2, 3, 4]);
  expect(fieldOf(full, 2, c.plainColumn)).toEqual({ field: c.plainColumn, previousValue: plain[0], newValue: plain[1], redacted: false });
  const openClassification = json((c.open ?? OPEN).classification);
  expect(fieldOf(full, 2, 'classification')).toEqual({ field: 'classification', previousValue: openClassification, newValue: '"SECRET"', redacted: false });
  if (c.protectedColumn) {
    const values = c.versions.map((v) => json(v[c.protectedColumn!]));
    expect(fieldOf(full, 2, c.protectedColumn)).toEqual({ field: c.protectedColumn, previousValue: values[0], newValue: values[1], redacted: false });
  }

  for (const who of c.readers ?? [GBR_RESTRICTED, PARTNER_NGO]) {
    const history = await historyAs(c.subgraph, c.query, who, c.pick);
    expect(
      history.map((entry) => entry.version),
      who.subject,
    ).toEqual([1, 3, 4]);
    expect(fieldOf(history, 3, c.plainColumn), who.subject).toEqual({ field: c.plainColumn, previousValue: null, newValue: plain[2], redacted: true });
    expect(fieldOf(history, 3, 'classification')).toEqual({ field: 'classification', previousValue: null, newValue: openClassification, redacted: true });
    expect(fieldOf(history, 4, c.plainColumn)).toEqual({ field: c.plainColumn, previousValue: plain[2], newValue: plain[3], redacted: false });
    const text = json(history);
    expect(text, who.subject).not.toContain('SECRET');
    expect(text, who.subject).not.toContain(plain[1]);
    if (!c.protectedColumn) continue;
    const values = c.versions.map((v) => json(v[c.protectedColumn!]));
    expect(text, who.subject).not.toContain(values[1]);
    const readsProtected = who === GBR_RESTRICTED && !c.holder;
    expect(fieldOf(history, 4, c.protectedColumn), who.subject).toEqual(
      readsProtected
        ? { field: c.protectedColumn, previousValue: values[2], newValue: values[3], redacted: false }
        : { field: c.protectedColumn, previousValue: null, newValue: null, redacted: true },
    );
    if (!readsProtected) for (const value of values) expect(text, who.subject).not.toContain(value);
  }
}
