import fs from 'node:fs';
import path from 'node:path';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { Database, Queryable } from './db.ts';
import { markingColumns, RecordWriter, UserErrors, validateMarking } from './write.ts';
import { announceCommit } from './change-feed.ts';
import { CLASSIFICATIONS, TLPS, type AccessMarking } from '@cmcc/contracts';

/** One problem with one cell (or one row) of an import file, as a person fixing the file needs it. */
export interface ImportProblem {
  /** 1-based row number in the file (the header and HXL rows count). */
  row: number;
  /** The column's header or HXL tag; null for a problem with the whole row. */
  column: string | null;
  value: string | null;
  problem: string;
}

/** A problem with the file as a whole (encoding, missing columns): nothing can be imported. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** Thrown from `FieldSpec.parse` for a bad cell; the message is shown to the person fixing the file. */
export class CellProblem extends Error {}

/** How to find one field in a file and turn its text into a column value. */
export interface FieldSpec {
  /** Database column the value goes to. */
  column: string;
  /** Header names that hold it in a plain CSV or JSON file, compared case- and space-insensitively. */
  headers: string[];
  /** HXL tag patterns (e.g. `#adm2+code`): a column whose hashtag has the tag and at least these attributes; first match wins. */
  hxl?: string | string[];
  required?: boolean;
  /** Turns the cell's text into the stored value; throws `CellProblem` for a bad value. Empty cells are `null`. */
  parse?: (text: string) => unknown;
  /** Value when the column is absent or the cell empty (for optional fields). */
  default?: unknown;
}

/** One kind of agency file a working group imports, e.g. humanitarian `activities` (3W). */
export interface ImportKind {
  kind: string;
  description: string;
  /** The table written, the GraphQL type (for history) and the natural key that makes re-imports update. */
  table: string;
  entityType: string;
  naturalKey: string[];
  fields: FieldSpec[];
  /** `required` for kinds only ever published with HXL hashtags (3W), `optional` otherwise. */
  hxl: 'required' | 'optional';
  /** Column (jsonb) that keeps, on each record imported from an HXL file, the hashtags of the columns it came from. */
  hxlTagsColumn?: string;
  /**
   * A column whose value is the row's originator when the row has no originator cell (3W: the reporting
   * organisation). The rest of the marking is still stated by the row or the file.
   */
  originatorFrom?: string;
  /** Builds the stored row from the parsed fields (ids, markings, derived columns). */
  toRow(values: Record<string, unknown>): Record<string, unknown>;
  /** Checks a batch against the database (unknown references); returns problems by index in the batch. */
  checkBatch?(tx: Queryable, rows: Record<string, unknown>[]): Promise<{ index: number; column: string; value: string; problem: string }[]>;
}

export interface ImportOptions {
  /** Import the good rows and report the bad ones, instead of importing nothing when any row is bad. */
  skipInvalid?: boolean;
  /** Who imports, for provenance (e.g. `import:ocha-focal-point`). */
  subject: string;
  batchSize?: number;
  /** How many problems the report lists (all are counted). */
  maxProblems?: number;
  /**
   * The marking of every row that states none, for a file published under one marking. Without it, a row without
   * its own marking is a row error: there is no default marking.
   */
  marking?: AccessMarking;
}

/** The parts of a marking a row must state (or take from the file's marking): the rest may be empty. */
const STATED_MARKING = ['classification', 'tlp', 'originator'] as const;

export interface ImportReport {
  file: string;
  kind: string;
  format: 'csv' | 'hxl' | 'json';
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** True when the file was written; false when problems (without --skip-invalid) or an error stopped it. */
  committed: boolean;
  problems: ImportProblem[];
  problemCount: number;
  /** HXL tags of the columns used, by database column (kept with the import's provenance). */
  hxlTags: Record<string, string>;
}

const HASHTAG = /^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$/i;

/** `#adm2 +code +v_pcode` → `{ tag: 'adm2', attributes: ['code', 'v_pcode'] }` */
function parseHashtag(text: string): { tag: string; attributes: string[] } {
  const [tag, ...attributes] = text
    .trim()
    .toLowerCase()
    .split('+')
    .map((part) => part.trim());
  return { tag: tag.replace(/^#/, ''), attributes };
}

/** Whether a column's hashtag satisfies a pattern: same tag, and every attribute the pattern names. */
export function hxlMatches(pattern: string, hashtag: string): boolean {
  const wanted = parseHashtag(pattern);
  const actual = parseHashtag(hashtag);
  return wanted.tag === actual.tag && wanted.attributes.every((attribute) => actual.attributes.includes(attribute));
}

const normalizeHeader = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

/** Decodes UTF-8 strictly while streaming; any invalid byte sequence stops the import with a clear message. */
class StrictUtf8 extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private offset = 0;
  private first = true;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.first) {
      this.first = false;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        return callback(new ImportFileError('The file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8) and import it again'));
      }
    }
    try {
      callback(null, this.decoder.decode(chunk, { stream: true }));
      this.offset += chunk.length;
    } catch {
      callback(new ImportFileError(`The file is not valid UTF-8 (an invalid byte near byte ${this.offset}); save it as UTF-8 and import it again`));
    }
  }
  override _flush(callback: TransformCallback): void {
    try {
      callback(null, this.decoder.decode());
    } catch {
      callback(new ImportFileError('The file is not valid UTF-8 (it ends inside a character); save it as UTF-8 and import it again'));
    }
  }
}

/** Rows of a CSV or JSON file as arrays of cell texts, with 1-based row numbers. */
async function* readRows(file: string): AsyncGenerator<{ row: number; cells: string[] } | { header: string[] }> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json' || extension === '.jsonl' || extension === '.ndjson') {
    // JSON: an array of objects (read whole) or one object per line (streamed); the keys are the headers.
    const text = (await fs.promises.readFile(file)).toString('utf8');
    if (text.includes('\uFFFD')) throw new ImportFileError('The file is not valid UTF-8; save it as UTF-8 and import it again');
    let records: Record<string, unknown>[];
    try {
      records =
        extension === '.json'
          ? JSON.parse(text)
          : text
              .split('\n')
              .filter((line) => line.trim())
              .map((line) => JSON.parse(line));
    } catch (error) {
      throw new ImportFileError(`The file is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(records)) throw new ImportFileError('A JSON import file must be an array of objects, one per record');
    const header = [...new Set(records.flatMap((record) => Object.keys(record ?? {})))];
    yield { header };
    for (const [index, record] of records.entries()) {
      yield {
        row: index + 1,
        cells: header.map((key) =>
          record?.[key] === undefined || record?.[key] === null ? '' : Array.isArray(record[key]) ? (record[key] as unknown[]).join(';') : String(record[key]),
        ),
      };
    }
    return;
  }
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipeline (unlike pipe) carries an encoding error on to the parser, so the loop below ends with it instead of waiting.
  pipeline(fs.createReadStream(file), new StrictUtf8(), parser, (error) => {
    if (error) parser.destroy(error);
  });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: info.lines, cells: record };
  }
}

interface ColumnMap {
  format: 'csv' | 'hxl' | 'json';
  /** field column → index in the row */
  index: Map<string, number>;
  /** field column → header or tag shown in problems */
  label: Map<string, string>;
  hxlTags: Record<string, string>;
}

function mapColumns(kind: ImportKind, header: string[], hashtags: string[] | null, format: ColumnMap['format']): ColumnMap {
  const index = new Map<string, number>();
  const label = new Map<string, string>();
  const hxlTags: Record<string, string> = {};
  const missing: string[] = [];
  for (const field of kind.fields) {
    let at = -1;
    for (const pattern of hashtags && field.hxl ? [field.hxl].flat() : []) {
      if (at < 0) at = hashtags!.findIndex((hashtag) => hashtag && hxlMatches(pattern, hashtag));
    }
    if (at < 0) at = header.findIndex((name) => field.headers.some((h) => normalizeHeader(h) === normalizeHeader(name ?? '')));
    if (at < 0) {
      if (field.required) missing.push(hashtags && field.hxl ? `${[field.hxl].flat().join(' or ')} (HXL)` : `"${field.headers[0]}"`);
      continue;
    }
    index.set(field.column, at);
    label.set(field.column, hashtags?.[at] || header[at] || field.column);
    if (hashtags?.[at]) hxlTags[field.column] = hashtags[at].trim();
  }
  if (missing.length > 0) {
    throw new ImportFileError(`The file has no column for ${missing.join(', ')}, which ${kind.kind} needs; columns found: ${(hashtags ?? header).filter(Boolean).join(', ')}`);
  }
  return { format, index, label, hxlTags };
}

/**
 * Imports one file of one kind in one transaction. By default it is all-or-nothing: any bad row, or any error,
 * leaves the database as it was. With `skipInvalid`, good rows are written and bad ones reported. Rows are streamed
 * and written in batches, so memory does not grow with the file (only the natural keys seen are kept, to report
 * duplicate rows).
 */
export async function importFile(db: Database, kind: ImportKind, file: string, options: ImportOptions): Promise<ImportReport> {
  if (!fs.existsSync(file)) throw new ImportFileError(`No such file: ${file}`);
  const batchSize = options.batchSize ?? 1000;
  const maxProblems = options.maxProblems ?? 1000;
  const report: ImportReport = {
    file: path.basename(file),
    kind: kind.kind,
    format: 'csv',
    rowsRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    committed: false,
    problems: [],
    problemCount: 0,
    hxlTags: {},
  };
  const problem = (entry: ImportProblem) => {
    report.problemCount++;
    if (report.problems.length < maxProblems) report.problems.push(entry);
  };

  class Abandon extends Error {}
  try {
    await db.transaction(async (tx) => {
      const writer = new RecordWriter(tx, db.schema, { subject: options.subject, requestId: null, via: `IMPORT:${kind.kind}:${path.basename(file)}` });
      const seenKeys = new Map<string, number>();
      let columns: ColumnMap | null = null;
      const lookahead: { row: number; cells: string[] }[] = [];
      let batch: { row: number; values: Record<string, unknown> }[] = [];

      const flush = async () => {
        if (batch.length === 0) return;
        const tags = kind.hxlTagsColumn && columns!.format === 'hxl' ? { [kind.hxlTagsColumn]: columns!.hxlTags } : {};
        const rows = batch.map((entry) => ({ ...kind.toRow(entry.values), ...tags }));
        const refused = new Set<number>();
        for (const bad of (await kind.checkBatch?.(tx, rows)) ?? []) {
          refused.add(bad.index);
          problem({ row: batch[bad.index].row, column: columns!.label.get(bad.column) ?? bad.column, value: bad.value, problem: bad.problem });
        }
        report.rejected += refused.size;
        const good = rows.filter((_, index) => !refused.has(index));
        // All-or-nothing: once a row is bad nothing will be committed, so later batches are checked but not written.
        if (options.skipInvalid || report.problemCount === 0) {
          // A column the file does not have must not overwrite what is stored; the file's marking, when given, is stated.
          const fileMarking = options.marking ? Object.keys(markingColumns(options.marking)) : [];
          const absent = kind.fields.filter((field) => !columns!.index.has(field.column) && !fileMarking.includes(field.column)).map((field) => field.column);
          let result;
          try {
            result = await writer.upsertMany(kind.table, kind.entityType, kind.naturalKey, good, absent);
          } catch (error) {
            if (!(error instanceof UserErrors)) throw error;
            throw new ImportFileError(`Rows ${batch[0].row} to ${batch[batch.length - 1].row} clash with records already stored (${error.message}); nothing was imported`);
          }
          report.created += result.created;
          report.updated += result.updated;
          report.unchanged += result.unchanged;
        }
        batch = [];
      };

      const marked = kind.fields.some((field) => field.column === 'originator');
      /** Completes a row's marking from the file's; a row that states none, with no file marking, is a row error. */
      const markingOfRow = (row: number, values: Record<string, unknown>): boolean => {
        const stated = STATED_MARKING.some((column) => values[column] != null);
        if (!stated && options.marking) Object.assign(values, markingColumns(options.marking));
        if (values.originator == null && kind.originatorFrom) values.originator = values[kind.originatorFrom] ?? null;
        for (const column of ['releasable_to', 'recipients', 'caveats']) values[column] ??= [];
        const missing = STATED_MARKING.filter((column) => values[column] == null);
        if (missing.length === 0) return true;
        problem({
          row,
          column: stated ? (columns!.label.get(missing[0]) ?? missing[0]) : null,
          value: stated ? '' : null,
          problem: stated
            ? `The row's marking is incomplete: give its ${missing.join(', ')}`
            : 'The row states no marking: give its classification, tlp and originator (and releasable_to), or import the file with a marking for all its rows; there is no default marking',
        });
        return false;
      };

      const handle = async (row: number, cells: string[]) => {
        if (cells.every((cell) => cell.trim() === '')) return;
        report.rowsRead++;
        const values: Record<string, unknown> = {};
        let ok = true;
        for (const field of kind.fields) {
          const at = columns!.index.get(field.column);
          const text = at === undefined ? '' : (cells[at] ?? '').trim();
          if (text === '') {
            if (field.required) {
              problem({ row, column: columns!.label.get(field.column) ?? field.column, value: '', problem: 'A value is required' });
              ok = false;
            }
            values[field.column] = field.default ?? null;
            continue;
          }
          try {
            values[field.column] = field.parse ? field.parse(text) : text;
          } catch (error) {
            if (!(error instanceof CellProblem)) throw error;
            problem({ row, column: columns!.label.get(field.column) ?? field.column, value: text, problem: error.message });
            ok = false;
          }
        }
        if (marked && ok) ok = markingOfRow(row, values);
        if (ok) {
          const key = JSON.stringify(kind.naturalKey.map((column) => kind.toRow(values)[column] ?? values[column]));
          const earlier = seenKeys.get(key);
          if (earlier !== undefined) {
            problem({ row, column: null, value: null, problem: `Duplicate of row ${earlier}: same ${kind.naturalKey.join(' + ')}` });
            ok = false;
          } else {
            seenKeys.set(key, row);
          }
        }
        if (!ok) {
          report.rejected++;
          return;
        }
        batch.push({ row, values });
        if (batch.length >= batchSize) await flush();
      };

      for await (const item of readRows(file)) {
        if ('header' in item) {
          report.format = 'json';
          columns = mapColumns(kind, item.header, null, 'json');
          continue;
        }
        if (!columns) {
          // Find the HXL hashtag row within the first 25 rows; the row before it is the header.
          lookahead.push(item);
          if (lookahead.length < 25) continue;
          columns = detectColumns(kind, lookahead);
          report.format = columns.format;
          for (const pending of lookahead.slice(dataStart(lookahead))) await handle(pending.row, pending.cells);
          continue;
        }
        await handle(item.row, item.cells);
      }
      if (!columns) {
        if (lookahead.length === 0) throw new ImportFileError('The file is empty');
        columns = detectColumns(kind, lookahead);
        report.format = columns.format;
        for (const pending of lookahead.slice(dataStart(lookahead))) await handle(pending.row, pending.cells);
      }
      report.hxlTags = columns.hxlTags;
      await flush();
      if (report.problemCount > 0 && !options.skipInvalid) throw new Abandon();
    });
    report.committed = true;
    announceCommit(db);
  } catch (error) {
    if (!(error instanceof Abandon)) throw error;
    report.created = report.updated = report.unchanged = 0;
  }
  report.problems.sort((a, b) => a.row - b.row);
  return report;
}

const isHashtagRow = (cells: string[]) => {
  const filled = cells.filter((cell) => cell.trim() !== '');
  return filled.length > 0 && filled.filter((cell) => HASHTAG.test(cell.trim())).length * 2 >= filled.length;
};

function hashtagRowIndex(rows: { cells: string[] }[]): number {
  return rows.findIndex((row) => isHashtagRow(row.cells));
}

/** Index of the first data row among the look-ahead rows. */
function dataStart(rows: { cells: string[] }[]): number {
  const hxl = hashtagRowIndex(rows);
  return hxl >= 0 ? hxl + 1 : 1;
}

function detectColumns(kind: ImportKind, rows: { row: number; cells: string[] }[]): ColumnMap {
  const hxl = hashtagRowIndex(rows);
  if (hxl < 0) {
    if (kind.hxl === 'required') {
      throw new ImportFileError(`No HXL hashtag row (e.g. #org+name, #adm2+code) in the first 25 rows; ${kind.kind} files must be HXL-tagged`);
    }
    return mapColumns(kind, rows[0].cells, null, 'csv');
  }
  const header = hxl > 0 ? rows[hxl - 1].cells : [];
  return mapColumns(kind, header, rows[hxl].cells, 'hxl');
}

const KNOWN_PCODES_NOTE = 'a P-code of the CMCC area list (e.g. PS0255 or PS025501)';

/** Parsers for common cell types; each throws `CellProblem` with a message a person can act on. */
export const cells = {
  integer(min = 0, max = Number.MAX_SAFE_INTEGER) {
    return (text: string): number => {
      const value = Number(text.replace(/[,\s]/g, ''));
      if (!Number.isInteger(value) || value < min || value > max) throw new CellProblem(`Must be a whole number from ${min} to ${max}`);
      return value;
    };
  },
  number(min = -Infinity, max = Infinity) {
    return (text: string): number => {
      const value = Number(text.replace(/[,\s]/g, ''));
      if (!Number.isFinite(value) || value < min || value > max) throw new CellProblem(`Must be a number from ${min} to ${max}`);
      return value;
    };
  },
  date(text: string): string {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const parsed = match ? new Date(`${text}T00:00:00Z`) : null;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
      throw new CellProblem('Must be a date written YYYY-MM-DD, e.g. 2025-10-21');
    }
    return text;
  },
  dateTime(text: string): string {
    const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new CellProblem('Must be a date (YYYY-MM-DD) or an ISO 8601 date and time with a time zone, e.g. 2025-10-21T08:30:00Z');
    }
    return new Date(value).toISOString();
  },
  oneOf<T extends string>(values: readonly T[]) {
    return (text: string): T => {
      const value = text
        .trim()
        .toUpperCase()
        .replace(/[\s-]+/g, '_') as T;
      if (!values.includes(value)) throw new CellProblem(`Must be one of ${values.join(', ')}`);
      return value;
    };
  },
  boolean(text: string): boolean {
    const value = text.trim().toLowerCase();
    if (['true', 'yes', 'y', '1'].includes(value)) return true;
    if (['false', 'no', 'n', '0'].includes(value)) return false;
    throw new CellProblem('Must be yes or no (true/false)');
  },
  /** A list separated by semicolons or pipes. */
  list(text: string): string[] {
    return text
      .split(/[;|]/)
      .map((item) => item.trim())
      .filter(Boolean);
  },
  pcode(known: ReadonlySet<string>) {
    return (text: string): string => {
      const value = text.trim().toUpperCase();
      if (!/^PS\d*$/.test(value)) throw new CellProblem(`Must be ${KNOWN_PCODES_NOTE}`);
      if (!known.has(value)) throw new CellProblem(`Unknown P-code; must be ${KNOWN_PCODES_NOTE}`);
      return value;
    };
  },
};

/** A TLP cell: the enum name (`AMBER_STRICT`) or the canonical FIRST TLP 2.0 label (`TLP:AMBER+STRICT`). */
export function parseTlp(text: string): (typeof TLPS)[number] {
  const value = text
    .trim()
    .toUpperCase()
    .replace(/^TLP\s*:\s*/, '')
    .replace(/[\s+-]+/g, '_');
  if (!(TLPS as readonly string[]).includes(value)) {
    throw new CellProblem(`Must be a TLP: ${TLPS.join(', ')}, or its label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)`);
  }
  return value as (typeof TLPS)[number];
}

/**
 * The marking columns every import kind reads. Each row states its marking, or the import is given one for the whole
 * file (`ImportOptions.marking`): there is no default marking, and a row with neither is a row error.
 */
export function markingFields(): FieldSpec[] {
  return [
    { column: 'classification', headers: ['classification'], hxl: '#meta+classification', parse: cells.oneOf(CLASSIFICATIONS) },
    { column: 'tlp', headers: ['tlp'], hxl: '#meta+tlp', parse: parseTlp },
    { column: 'releasable_to', headers: ['releasable_to', 'releasable to'], hxl: '#meta+releasable', parse: (text) => cells.list(text).map((code) => code.toUpperCase()) },
    { column: 'originator', headers: ['originator'], hxl: '#meta+originator' },
    { column: 'recipients', headers: ['recipients'], hxl: '#meta+recipients', parse: cells.list },
    { column: 'caveats', headers: ['caveats'], hxl: '#meta+caveats', parse: (text) => cells.list(text).map((caveat) => caveat.toUpperCase()) },
  ];
}

/** Checks the marking of each row of a batch (for `ImportKind.checkBatch`). */
export function checkMarkings(rows: Record<string, unknown>[]): { index: number; column: string; value: string; problem: string }[] {
  return rows.flatMap((row, index) => {
    const marking = {
      classification: row.classification,
      tlp: row.tlp,
      releasableTo: row.releasable_to,
      originator: row.originator,
      recipients: row.recipients,
      caveats: row.caveats,
    } as AccessMarking;
    return validateMarking(marking, []).map((error) => {
      const column = { releasableTo: 'releasable_to' }[error.field[0]] ?? error.field[0];
      return { index, column, value: String(row[column] ?? ''), problem: error.message };
    });
  });
}
