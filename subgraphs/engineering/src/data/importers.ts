import { CellProblem, cells, checkMarkings, coordinatesProblem, KNOWN_PCODES, markingFields, type ImportKind } from '@cmcc/subgraph-kit';
import {
  assessmentId,
  ASSESSMENT_METHODS,
  CAPACITY_UNITS,
  DAMAGE_CLASS_HINT,
  damageClassOf,
  FACILITY_STATUSES,
  FACILITY_TYPES,
  latestPossibleDate,
  SOURCES,
} from './rules.ts';

type Problem = { index: number; column: string; value: string; problem: string };

const damageClass = (text: string) => {
  const value = damageClassOf(text);
  if (!value) throw new CellProblem(`Unknown damage class; must be ${DAMAGE_CLASS_HINT}`);
  return value;
};

const METHOD_ALIASES: Record<string, (typeof ASSESSMENT_METHODS)[number]> = {
  UNOSAT_SATELLITE: 'UNOSAT_SATELLITE',
  SATELLITE: 'UNOSAT_SATELLITE',
  UNOSAT: 'UNOSAT_SATELLITE',
  FIELD: 'FIELD',
  FIELD_VISIT: 'FIELD',
};
const method = (text: string) => {
  const value = METHOD_ALIASES[text.trim().toUpperCase().replace(/[\s-]+/g, '_')];
  if (!value) throw new CellProblem('Must be UNOSAT_SATELLITE (or SATELLITE) or FIELD');
  return value;
};

/**
 * An image or visit date: `YYYY-MM-DD`, or the ISO date-time GIS tools export (`2025-07-08T00:00:00Z`, of which the
 * date is kept). Day-first or month-first dates (08/07/2025) are refused rather than guessed.
 */
const pastDate = (text: string) => {
  const day = /^\d{4}-\d{2}-\d{2}T/.test(text) ? text.slice(0, 10) : text;
  let value: string;
  try {
    value = cells.date(day);
  } catch {
    throw new CellProblem('Must be a date written YYYY-MM-DD (or an ISO date-time), e.g. 2025-07-08; 08/07/2025 is ambiguous');
  }
  if (value > latestPossibleDate()) throw new CellProblem('The date is in the future');
  return value;
};

const FACILITY_ID_HINT = 'the id of a facility engineering records, e.g. FAC-HOSPITAL-001 (import facilities first)';

/**
 * UNOSAT damage assessment exports (CSV, HXL-tagged CSV or JSON): one row per facility, image date and method (the
 * natural key). The assessment lies in its facility's area; a P-code in the file is checked against it.
 */
export const damageAssessments: ImportKind = {
  kind: 'damage-assessments',
  description: 'UNOSAT damage assessment exports: one row per facility, imagery date and method',
  table: 'damage_assessment',
  entityType: 'DamageAssessment',
  naturalKey: ['facility_id', 'imagery_date', 'method'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    {
      column: 'facility_id',
      headers: ['facility_id', 'facility id', 'facility', 'site_id', 'siteid', 'structure_id', 'structureid'],
      hxl: ['#loc+facility+code', '#loc+code'],
      required: true,
    },
    {
      column: 'damage_class',
      headers: ['damage_class', 'damage class', 'main_damage_site_class', 'damage_status', 'damage'],
      hxl: ['#impact+damage', '#status+damage'],
      required: true,
      parse: damageClass,
    },
    {
      column: 'imagery_date',
      headers: ['imagery_date', 'imagery date', 'sensor_date', 'sensordate', 'sensdt', 'image_date', 'visit_date'],
      hxl: ['#date+imagery', '#date'],
      required: true,
      parse: pastDate,
    },
    { column: 'method', headers: ['method', 'assessment_method'], hxl: '#meta+method', parse: method, default: 'UNOSAT_SATELLITE' },
    // The P-code the file gives; replaced by the facility's own area once checked (see checkBatch).
    { column: 'area_pcode', headers: ['pcode', 'area_pcode', 'admin_pcode', 'adm3_pcode', 'adm2_pcode'], hxl: ['#adm3+code', '#adm2+code'], parse: cells.pcode(KNOWN_PCODES) },
    { column: 'latitude', headers: ['latitude', 'lat', 'y'], hxl: '#geo+lat', parse: cells.number(-90, 90) },
    { column: 'longitude', headers: ['longitude', 'lon', 'lng', 'long', 'x'], hxl: '#geo+lon', parse: cells.number(-180, 180) },
    { column: 'source', headers: ['source'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'UNOSAT' },
    ...markingFields(),
  ],
  toRow: (values) => ({ id: assessmentId(String(values.facility_id), String(values.imagery_date), String(values.method)), ...values }),
  async checkBatch(tx, rows) {
    const problems: Problem[] = checkMarkings(rows);
    const facilities = await tx.query<{ id: string; area_pcode: string }>('SELECT id, area_pcode FROM facility WHERE id = ANY($1::text[])', [
      [...new Set(rows.map((row) => String(row.facility_id)))],
    ]);
    const areaOf = new Map(facilities.map((facility) => [facility.id, facility.area_pcode]));
    rows.forEach((row, index) => {
      const facilityArea = areaOf.get(String(row.facility_id));
      const given = row.area_pcode as string | null;
      const coordinates = coordinatesProblem(row.latitude as number | null, row.longitude as number | null);
      if (coordinates) {
        const value = coordinates.missing ? '' : `${row.latitude}, ${row.longitude}`;
        problems.push({ index, column: coordinates.missing ?? 'latitude', value, problem: coordinates.message });
      }
      if (facilityArea === undefined) {
        problems.push({ index, column: 'facility_id', value: String(row.facility_id), problem: `Unknown facility; must be ${FACILITY_ID_HINT}` });
        return;
      }
      if (given && !facilityArea.startsWith(given) && !given.startsWith(facilityArea)) {
        problems.push({ index, column: 'area_pcode', value: given, problem: `Facility ${row.facility_id} lies in ${facilityArea}, not in ${given}` });
        return;
      }
      // The rows checked here are the rows written: the assessment takes its facility's area.
      row.area_pcode = facilityArea;
    });
    return problems;
  },
};

/** Facility lists (CSV, HXL-tagged CSV or JSON): one row per facility, keyed by its id. */
export const facilities: ImportKind = {
  kind: 'facilities',
  description: 'facility lists: one row per facility, keyed by its id',
  table: 'facility',
  entityType: 'Facility',
  naturalKey: ['id'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    { column: 'id', headers: ['facility_id', 'facility id', 'id'], hxl: ['#loc+facility+code', '#loc+code'], required: true },
    { column: 'name', headers: ['name', 'facility_name', 'facility name'], hxl: '#loc+name', required: true },
    { column: 'type', headers: ['type', 'facility_type', 'facility type'], hxl: '#loc+type', required: true, parse: cells.oneOf(FACILITY_TYPES) },
    { column: 'operator_org_id', headers: ['operator_id', 'operator_org_id', 'operator'], hxl: '#org+code' },
    { column: 'capacity_value', headers: ['capacity', 'capacity_value'], hxl: '#capacity+value', parse: cells.number(0) },
    { column: 'capacity_max_value', headers: ['capacity_max', 'capacity_max_value'], hxl: '#capacity+max', parse: cells.number(0) },
    { column: 'capacity_unit', headers: ['capacity_unit', 'unit'], hxl: '#capacity+unit', parse: cells.oneOf(CAPACITY_UNITS) },
    { column: 'status', headers: ['status'], hxl: '#status', required: true, parse: cells.oneOf(FACILITY_STATUSES) },
    { column: 'status_as_of', headers: ['status_as_of', 'status as of', 'as_of', 'date'], hxl: '#date+status', required: true, parse: pastDate },
    { column: 'area_pcode', headers: ['pcode', 'area_pcode', 'admin_pcode'], hxl: ['#adm3+code', '#adm2+code'], required: true, parse: cells.pcode(KNOWN_PCODES) },
    { column: 'latitude', headers: ['latitude', 'lat'], hxl: '#geo+lat', parse: cells.number(-90, 90) },
    { column: 'longitude', headers: ['longitude', 'lon', 'lng'], hxl: '#geo+lon', parse: cells.number(-180, 180) },
    { column: 'description', headers: ['description', 'notes'], hxl: '#description' },
    { column: 'source', headers: ['source'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'PARTNER' },
    ...markingFields(),
  ],
  // The file's source is also the source of the status it gives.
  toRow: (values) => ({ ...values, status_source: values.source }),
  async checkBatch(_tx, rows) {
    const problems: Problem[] = checkMarkings(rows);
    rows.forEach((row, index) => {
      const value = row.capacity_value as number | null;
      const max = row.capacity_max_value as number | null;
      if ((value === null) !== (row.capacity_unit === null)) {
        const missing = value === null ? 'capacity_value' : 'capacity_unit';
        problems.push({ index, column: missing, value: '', problem: 'A capacity needs both a value and a unit' });
      } else if (max !== null && (value === null || max < value)) {
        problems.push({ index, column: 'capacity_max_value', value: String(max), problem: 'The upper end of a capacity range must be at least its value' });
      }
      const coordinates = coordinatesProblem(row.latitude as number | null, row.longitude as number | null);
      if (coordinates) {
        const value = coordinates.missing ? '' : `${row.latitude}, ${row.longitude}`;
        problems.push({ index, column: coordinates.missing ?? 'latitude', value, problem: coordinates.message });
      }
    });
    return problems;
  },
};

export const importers = [damageAssessments, facilities];
