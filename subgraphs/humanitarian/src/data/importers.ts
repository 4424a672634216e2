import { createHash } from 'node:crypto';
import {
  CellProblem,
  cells,
  checkMarkings,
  KNOWN_PCODES,
  markingFields,
  ORGANIZATIONS,
  type ImportKind,
  type Queryable,
} from '@cmcc/subgraph-kit';
import { crossingReportId } from './repository.ts';
import { CROSSING_BY_NAME, CROSSING_IDS, crossingToken, type CrossingId } from './crossings.ts';
import { STREAMS } from './flow-repository.ts';

type Row = Record<string, unknown>;
type Problem = { index: number; column: string; value: string; problem: string };

const SOURCES = ['UN2720', 'COGAT', 'OCHA', 'CMCC', 'CENTCOM', 'PCBS', 'MOI', 'UNOSAT', 'UNMAS', 'PARTNER', 'SYNTHETIC', 'WHO', 'UNEP'] as const;
const SECTORS = ['FOOD_SECURITY', 'HEALTH', 'NUTRITION', 'WASH', 'SHELTER_NFI', 'PROTECTION', 'EDUCATION', 'LOGISTICS', 'CCCM', 'EMERGENCY_TELECOMMUNICATIONS', 'EARLY_RECOVERY'] as const;
const ACTIVITY_STATUSES = ['PLANNED', 'ONGOING', 'COMPLETED', 'SUSPENDED'] as const;

/** Upper case, everything but letters and digits as `_`: "Shelter & NFI" → SHELTER_NFI, "On-going" → ON_GOING. */
const token = (text: string) =>
  text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** A parser accepting the stored values and the spellings agencies use for them. */
function vocabulary<T extends string>(values: readonly T[], aliases: Record<string, T>, what: string) {
  return (text: string): T => {
    const key = token(text);
    const value = (values as readonly string[]).includes(key) ? (key as T) : aliases[key];
    if (!value) throw new CellProblem(`Unknown ${what}; must be one of ${values.join(', ')}`);
    return value;
  };
}

const SECTOR_ALIASES: Record<string, (typeof SECTORS)[number]> = {
  FOOD: 'FOOD_SECURITY',
  FSS: 'FOOD_SECURITY',
  FSL: 'FOOD_SECURITY',
  FOOD_SECURITY_AND_LIVELIHOODS: 'FOOD_SECURITY',
  NUT: 'NUTRITION',
  WATER_SANITATION_AND_HYGIENE: 'WASH',
  WATER_SANITATION_HYGIENE: 'WASH',
  SHELTER: 'SHELTER_NFI',
  NFI: 'SHELTER_NFI',
  SHELTER_AND_NFI: 'SHELTER_NFI',
  SHELTER_NFIS: 'SHELTER_NFI',
  CHILD_PROTECTION: 'PROTECTION',
  GBV: 'PROTECTION',
  GENDER_BASED_VIOLENCE: 'PROTECTION',
  MINE_ACTION: 'PROTECTION',
  EDU: 'EDUCATION',
  LOG: 'LOGISTICS',
  SITE_MANAGEMENT: 'CCCM',
  CAMP_COORDINATION_AND_CAMP_MANAGEMENT: 'CCCM',
  ETC: 'EMERGENCY_TELECOMMUNICATIONS',
  TELECOMMUNICATIONS: 'EMERGENCY_TELECOMMUNICATIONS',
  ER: 'EARLY_RECOVERY',
  EARLY_RECOVERY_AND_LIVELIHOODS: 'EARLY_RECOVERY',
};

const STATUS_ALIASES: Record<string, (typeof ACTIVITY_STATUSES)[number]> = {
  PIPELINE: 'PLANNED',
  ON_GOING: 'ONGOING',
  IN_PROGRESS: 'ONGOING',
  ACTIVE: 'ONGOING',
  COMPLETE: 'COMPLETED',
  FINISHED: 'COMPLETED',
  DONE: 'COMPLETED',
  CLOSED: 'COMPLETED',
  ON_HOLD: 'SUSPENDED',
  PAUSED: 'SUSPENDED',
  HALTED: 'SUSPENDED',
};

/** A crossing by id, name or alias ("Karem Abu Salem", "Erez West" = ZIKIM): one crossing, one id. */
function crossing(text: string): CrossingId {
  const id = CROSSING_BY_NAME.get(crossingToken(text));
  if (!id) throw new CellProblem(`Unknown crossing; must be one of ${CROSSING_IDS.join(', ')} (or a name they go by, e.g. Karem Abu Salem, Erez West)`);
  return id;
}

/**
 * Rows that report trucks through a crossing on a day its recorded status let no aid trucks through (e.g. Rafah in
 * late 2025): a row error on each truck column that is not 0.
 */
async function trucksOnClosedDays(tx: Queryable, rows: Row[], columns: string[]): Promise<Problem[]> {
  // A row reported closed is checked by the caller (every figure of a closed day must be 0).
  const keys = rows.map((row) => (row.open === false ? [null, null] : [String(row.crossing_id), String(row.date)]));
  const closed = await tx.query<{ i: number; note: string | null }>(
    `SELECT k.i, p.note FROM jsonb_to_recordset($1::jsonb) AS k(i int, crossing_id text, date date)
     LEFT JOIN crossing_status_period p ON p.crossing_id = k.crossing_id
       AND (p.valid_from IS NULL OR p.valid_from <= k.date) AND (p.valid_to IS NULL OR k.date <= p.valid_to)
     WHERE k.crossing_id IS NOT NULL AND (p.crossing_id IS NULL OR NOT ('CARGO' = ANY(p.allowed_traffic)))`,
    [JSON.stringify(keys.map(([crossingId, date], i) => ({ i, crossing_id: crossingId, date })))],
  );
  return closed.flatMap(({ i, note }) =>
    columns
      .filter((column) => Number(rows[i][column]) > 0)
      .map((column) => ({
        index: i,
        column,
        value: String(rows[i][column]),
        problem: `${rows[i].crossing_id} let no aid trucks through on ${rows[i].date} (${note ?? 'no status is recorded for that day'}), so this must be 0`,
      })),
  );
}

/** `open` may be written yes/no, true/false or OPEN/CLOSED. */
function openOrClosed(text: string): boolean {
  const value = token(text);
  if (value === 'OPEN') return true;
  if (value === 'CLOSED') return false;
  try {
    return cells.boolean(text);
  } catch {
    throw new CellProblem('Must be OPEN or CLOSED (or yes/no)');
  }
}

/** Tonnes are stored to two decimals; rounding on the way in keeps a re-import from counting as a change. */
const tonnes = (text: string) => Math.round(cells.number(0, 1_000_000)(text) * 100) / 100;

/**
 * UN 2720 / COGAT daily crossing reports (plain or HXL-tagged CSV, or JSON): one row per crossing, day and source,
 * the natural key. Crossings may be given by id or by the names agencies use (Kerem Shalom / Karem Abu Salem).
 */
export const crossingReports: ImportKind = {
  kind: 'crossing-reports',
  description: 'UN 2720 / COGAT daily crossing reports: one row per crossing, day and source',
  table: 'crossing_daily_report',
  entityType: 'CrossingDailyReport',
  naturalKey: ['crossing_id', 'date', 'source'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    { column: 'crossing_id', headers: ['crossing', 'crossing_id', 'crossing name', 'crossing point'], hxl: '#loc+crossing', required: true, parse: crossing },
    { column: 'date', headers: ['date', 'report_date', 'day'], hxl: '#date', required: true, parse: cells.date },
    { column: 'source', headers: ['source', 'reported_by'], hxl: '#meta+source', required: true, parse: cells.oneOf(SOURCES) },
    { column: 'open', headers: ['open', 'crossing_open', 'crossing status'], hxl: '#status+crossing', parse: openOrClosed, default: true },
    { column: 'trucks_offloaded', headers: ['trucks_offloaded', 'trucks offloaded', 'offloaded'], hxl: '#indicator+trucks+offloaded', required: true, parse: cells.integer(0, 10_000) },
    { column: 'trucks_collected', headers: ['trucks_collected', 'trucks collected', 'collected'], hxl: '#indicator+trucks+collected', required: true, parse: cells.integer(0, 10_000) },
    { column: 'tonnes', headers: ['tonnes', 'tons', 'tonnage', 'metric tonnes'], hxl: '#indicator+tonnes', required: true, parse: tonnes },
    { column: 'fuel_litres', headers: ['fuel_litres', 'fuel_liters', 'fuel litres', 'fuel'], hxl: '#indicator+fuel', parse: cells.integer(0, 100_000_000), default: 0 },
    { column: 'note', headers: ['note', 'notes', 'remarks', 'comment'], hxl: ['#description', '#meta+note'] },
    ...markingFields(),
  ],
  toRow: (values) => ({
    id: crossingReportId(String(values.crossing_id), String(values.date), String(values.source)),
    ...values,
  }),
  async checkBatch(tx, rows) {
    const problems = [...checkMarkings(rows), ...(await trucksOnClosedDays(tx, rows, ['trucks_offloaded', 'trucks_collected']))];
    const today = new Date().toISOString().slice(0, 10);
    rows.forEach((row, index) => {
      if (String(row.date) > today) problems.push({ index, column: 'date', value: String(row.date), problem: 'A daily report is for a day that has begun; this day is in the future' });
      if (row.open === false) {
        for (const column of ['trucks_offloaded', 'trucks_collected', 'tonnes', 'fuel_litres']) {
          if (Number(row[column]) > 0) problems.push({ index, column, value: String(row[column]), problem: 'The crossing is reported closed that day, so this must be 0' });
        }
      }
    });
    return problems;
  },
};

const ORGANIZATION_BY_NAME = new Map<string, string>(ORGANIZATIONS.flatMap((o) => [[token(o.id), o.id], [token(o.acronym), o.id], [token(o.name), o.id]]));
const IATI_ID = /^[A-Z]{2}(-[A-Z0-9]+)+$/;

/** An organisation by IATI id, acronym or full name; other ids that look like IATI ids are checked against the database. */
function organization(text: string): string {
  const known = ORGANIZATION_BY_NAME.get(token(text));
  if (known) return known;
  const id = text.trim().toUpperCase();
  if (IATI_ID.test(id)) return id;
  throw new CellProblem(`Unknown organisation; give its IATI id (e.g. XM-DAC-41140) or one of ${ORGANIZATIONS.map((o) => o.acronym).join(', ')}`);
}

/** HXL attributes that mark a column as some other organisation than the one reporting the activity. */
const OTHER_ORGANIZATION = ['impl', 'funder', 'donor', 'prog', 'partner'];

// The kit gives `checkBatch` only the rows as stored, so a locality outside the governorate given beside it is
// carried to the check in `area_pcode` under this prefix, and the check refuses the row before it can be written.
const AREA_MISMATCH = 'MISMATCH:';

async function unknownOrganizations(tx: Queryable, rows: Row[]): Promise<Problem[]> {
  const ids = [...new Set(rows.flatMap((row) => [row.organization_id, row.implementing_organization_id]).filter((id): id is string => typeof id === 'string'))];
  const found = new Set((await tx.query<{ id: string }>('SELECT id FROM organization WHERE id = ANY($1::text[])', [ids])).map((row) => row.id));
  return rows.flatMap((row, index) =>
    ['organization_id', 'implementing_organization_id'].flatMap((column) =>
      typeof row[column] === 'string' && !found.has(row[column] as string)
        ? [{ index, column, value: row[column] as string, problem: 'Unknown organisation id; list the known ones with the organizations query' }]
        : [],
    ),
  );
}

/**
 * 3W/4W activity sheets (who does what where when), HXL-tagged as OCHA publishes them: a title row or two, the
 * header, the hashtag row, then the data. The hashtags of the columns used are kept on each record (`hxl_tags`).
 * Natural key: reporting organisation + area + activity + start day.
 */
export const activities: ImportKind = {
  kind: 'activities',
  description: '3W/4W activity sheets (HXL-tagged): one row per organisation, area, activity and start day',
  table: 'activity',
  entityType: 'Activity',
  naturalKey: ['organization_id', 'area_pcode', 'activity', 'start_date'],
  hxl: 'required',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    // `#org+code` also matches `#org+impl+code` (the kit has no HXL exclusions), so checkBatch refuses a row whose
    // reporting organisation came from an implementer's or funder's column.
    { column: 'organization_id', headers: ['organization', 'organisation', 'reporting organization', 'org'], hxl: ['#org+code', '#org+name'], required: true, parse: organization },
    { column: 'implementing_organization_id', headers: ['implementing organization', 'implementing partner', 'implementer'], hxl: ['#org+impl+code', '#org+impl+name'], parse: organization },
    { column: 'sector', headers: ['sector', 'cluster'], hxl: ['#sector+cluster', '#sector+code', '#sector'], required: true, parse: vocabulary(SECTORS, SECTOR_ALIASES, 'sector (cluster)') },
    { column: 'area_adm3', headers: ['adm3_pcode', 'locality pcode', 'admin3pcode'], hxl: ['#adm3+code', '#loc+code'], parse: cells.pcode(KNOWN_PCODES) },
    { column: 'area_adm2', headers: ['adm2_pcode', 'governorate pcode', 'admin2pcode', 'pcode'], hxl: '#adm2+code', parse: cells.pcode(KNOWN_PCODES) },
    { column: 'facility_id', headers: ['facility_id', 'facility'], hxl: '#loc+facility+code' },
    { column: 'activity', headers: ['activity', 'activity name'], hxl: ['#activity+name', '#activity'], required: true },
    { column: 'status', headers: ['status', 'activity status'], hxl: '#status', required: true, parse: vocabulary(ACTIVITY_STATUSES, STATUS_ALIASES, 'status') },
    { column: 'start_date', headers: ['start', 'start date', 'start_date'], hxl: '#date+start', required: true, parse: cells.date },
    { column: 'end_date', headers: ['end', 'end date', 'end_date'], hxl: '#date+end', parse: cells.date },
    { column: 'targeted', headers: ['targeted', 'people targeted'], hxl: ['#targeted+ind', '#targeted'], parse: cells.integer(0, 10_000_000) },
    { column: 'reached', headers: ['reached', 'people reached'], hxl: ['#reached+ind', '#reached'], parse: cells.integer(0, 10_000_000) },
    { column: 'source', headers: ['source'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'PARTNER' },
    ...markingFields(),
  ],
  // The reporting organisation originates its rows, unless the sheet names another originator.
  originatorFrom: 'organization_id',
  toRow(values) {
    const { area_adm3: adm3, area_adm2: adm2, ...rest } = values as Record<string, string | null>;
    const area = adm3 && adm2 && !adm3.startsWith(adm2) ? `${AREA_MISMATCH}${adm3} ${adm2}` : (adm3 ?? adm2 ?? null);
    const key = [rest.organization_id, area, rest.activity, rest.start_date].join('|');
    return {
      // Deterministic id from the natural key, so the same activity imported twice is the same record.
      id: `ACT-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
      ...rest,
      area_pcode: area,
    };
  },
  async checkBatch(tx, rows) {
    const problems: Problem[] = [...checkMarkings(rows), ...(await unknownOrganizations(tx, rows))];
    rows.forEach((row, index) => {
      const area = row.area_pcode as string | null;
      if (area === null) {
        problems.push({ index, column: 'area_adm3', value: '', problem: 'No area: give the locality (#adm3+code) or the governorate (#adm2+code)' });
      } else if (area.startsWith(AREA_MISMATCH)) {
        const [adm3, adm2] = area.slice(AREA_MISMATCH.length).split(' ');
        problems.push({ index, column: 'area_adm3', value: adm3, problem: `This locality is not in the governorate given beside it (${adm2})` });
      }
      if (row.end_date && row.start_date && String(row.end_date) < String(row.start_date)) {
        problems.push({ index, column: 'end_date', value: String(row.end_date), problem: `Ends before it starts (${row.start_date})` });
      }
      const tag = (row.hxl_tags as Record<string, string> | undefined)?.organization_id;
      if (tag && OTHER_ORGANIZATION.some((attribute) => tag.toLowerCase().includes(`+${attribute}`))) {
        problems.push({
          index,
          column: 'organization_id',
          value: String(row.organization_id),
          problem: `The reporting organisation was read from the column tagged ${tag}; tag the reporting organisation #org+code or #org+name, in a column before the implementing partner's`,
        });
      }
    });
    return problems;
  },
};

const STREAM_ALIASES: Record<string, (typeof STREAMS)[number]> = {
  UN2720: 'UN_2720',
  UN: 'UN_2720',
  UN_2720_MECHANISM: 'UN_2720',
  HUMANITARIAN_UN_2720: 'UN_2720',
  UN_AND_PARTNERS: 'UN_2720',
  BILATERAL_DONATIONS: 'BILATERAL',
  BILATERALS: 'BILATERAL',
  DONOR_STATES: 'BILATERAL',
  PRIVATE: 'PRIVATE_SECTOR',
  PRIVATE_SECTOR_HUMANITARIAN: 'PRIVATE_SECTOR',
  COMMERCIAL_GOODS: 'COMMERCIAL',
  COMMERCIAL_SECTOR: 'COMMERCIAL',
};

/** The stream report id of a crossing, day, source and stream, the same whether seeded or imported. */
export const streamReportId = (crossingId: string, date: string, source: string, stream: string) => `CSR-${crossingId}-${date}-${source}-${stream}`;

/**
 * The UN 2720 dashboard's throughput export (plain or HXL-tagged CSV, or JSON): one row per crossing, day, source and
 * stream ("cargo category" on the dashboard), with trucks offloaded and collected, loads rejected and items denied,
 * each with the reason given. Source defaults to UN2720 (the dashboard's own); a COGAT file states COGAT. Every row
 * states its marking, or the file is imported with one: there is no default marking.
 */
export const crossingStreams: ImportKind = {
  kind: 'crossing-streams',
  description: 'UN 2720 dashboard throughput by stream: one row per crossing, day, source and stream, with rejections and denied items',
  table: 'crossing_stream_report',
  entityType: 'CrossingStreamReport',
  naturalKey: ['crossing_id', 'date', 'source', 'stream'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    { column: 'crossing_id', headers: ['crossing', 'crossing_id', 'crossing name', 'crossing point'], hxl: '#loc+crossing', required: true, parse: crossing },
    { column: 'date', headers: ['date', 'report_date', 'day'], hxl: '#date', required: true, parse: cells.date },
    { column: 'source', headers: ['source', 'reported_by'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'UN2720' },
    {
      column: 'stream',
      headers: ['stream', 'cargo category', 'cargo_category', 'category', 'modality'],
      hxl: ['#indicator+stream', '#sector+stream'],
      required: true,
      parse: vocabulary(STREAMS, STREAM_ALIASES, 'stream'),
    },
    { column: 'trucks_offloaded', headers: ['trucks_offloaded', 'trucks offloaded', 'offloaded'], hxl: '#indicator+trucks+offloaded', required: true, parse: cells.integer(0, 10_000) },
    { column: 'trucks_collected', headers: ['trucks_collected', 'trucks collected', 'collected'], hxl: '#indicator+trucks+collected', required: true, parse: cells.integer(0, 10_000) },
    { column: 'rejected', headers: ['rejected', 'trucks rejected', 'rejected loads', 'loads rejected'], hxl: '#indicator+trucks+rejected', parse: cells.integer(0, 10_000), default: 0 },
    { column: 'rejection_reason', headers: ['rejection_reason', 'rejection reason', 'reason rejected'], hxl: '#description+rejected' },
    { column: 'denied_items', headers: ['denied_items', 'denied items', 'items denied'], hxl: '#item+denied', parse: cells.list, default: [] },
    { column: 'denial_reason', headers: ['denial_reason', 'denial reason', 'reason denied'], hxl: '#description+denied' },
    { column: 'note', headers: ['note', 'notes', 'remarks', 'comment'], hxl: ['#meta+note'] },
    ...markingFields(),
  ],
  toRow: (values) => ({
    id: streamReportId(String(values.crossing_id), String(values.date), String(values.source), String(values.stream)),
    ...values,
  }),
  async checkBatch(tx, rows) {
    const problems: Problem[] = [...checkMarkings(rows), ...(await trucksOnClosedDays(tx, rows, ['trucks_offloaded', 'trucks_collected', 'rejected']))];
    const today = new Date().toISOString().slice(0, 10);
    rows.forEach((row, index) => {
      if (String(row.date) > today) problems.push({ index, column: 'date', value: String(row.date), problem: 'A daily figure is for a day that has begun; this day is in the future' });
      if (Number(row.rejected) > 0 && !row.rejection_reason) {
        problems.push({ index, column: 'rejection_reason', value: '', problem: 'Loads were rejected: give the reason the source gave (or "not given")' });
      }
      if ((row.denied_items as string[]).length > 0 && !row.denial_reason) {
        problems.push({ index, column: 'denial_reason', value: '', problem: 'Items were denied: give the reason the source gave (e.g. dual-use), or "not given"' });
      }
    });
    return problems;
  },
};

export const importers = [crossingReports, crossingStreams, activities];
