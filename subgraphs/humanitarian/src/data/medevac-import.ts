import { CellProblem, cells, checkMarkings, CROSSING_IDS, GOVERNORATE_PCODES, markingFields, type FieldSpec, type ImportKind } from '@cmcc/subgraph-kit';
import {
  caseReferenceProblem,
  CONDITION_CATEGORIES,
  MEDEVAC_PRIORITIES,
  MEDEVAC_STATUSES,
  medevacId,
  medevacProblems,
  medevacTransitionProblem,
  ONWARD_ROUTES,
  type MedevacFacts,
  type MedevacStatus,
} from './medevac-rules.ts';

type Problem = { index: number; column: string; value: string; problem: string };

const SOURCES = ['UN2720', 'COGAT', 'OCHA', 'CMCC', 'CENTCOM', 'PCBS', 'MOI', 'UNOSAT', 'UNMAS', 'PARTNER', 'SYNTHETIC', 'WHO', 'UNEP'] as const;

/** Upper case, everything but letters and digits as `_`: "Kidney failure" → KIDNEY_FAILURE. */
const token = (text: string) =>
  text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

function oneOf<T extends string>(values: readonly T[], aliases: Record<string, T> = {}) {
  return (text: string): T => {
    const key = token(text);
    const value = (values as readonly string[]).includes(key) ? (key as T) : aliases[key];
    if (!value) throw new CellProblem(`Must be one of ${values.join(', ')}`);
    return value;
  };
}

const CROSSING_ALIASES: Record<string, string> = { KAREM_ABU_SALEM: 'KEREM_SHALOM', KS: 'KEREM_SHALOM', KEREM_SHALOM_KAREM_ABU_SALEM: 'KEREM_SHALOM' };

/** The crossings of a route, in order, separated by `;`, `|` or `>`; ids or the names agencies use. */
function route(text: string): string[] {
  return text
    .split(/[;|>]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const key = token(part);
      const id = (CROSSING_IDS as readonly string[]).includes(key) ? key : CROSSING_ALIASES[key];
      if (!id) throw new CellProblem(`Unknown crossing "${part}"; crossings are ${CROSSING_IDS.join(', ')}`);
      return id;
    });
}

function caseReference(text: string): string {
  const value = text.trim().toUpperCase();
  const problem = caseReferenceProblem(value);
  if (problem) throw new CellProblem(problem);
  return value;
}

function governorate(text: string): string {
  const value = text.trim().toUpperCase();
  if (!(GOVERNORATE_PCODES as readonly string[]).includes(value)) throw new CellProblem(`Must be the P-code of a governorate of the Gaza Strip: ${GOVERNORATE_PCODES.join(', ')}`);
  return value;
}

function country(text: string): string {
  const value = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(value)) throw new CellProblem('Must be an ISO 3166 alpha-3 country code, e.g. EGY, JOR, ARE');
  return value;
}

/**
 * Columns that would name the patient. They are read only to refuse the row: a medical evacuation is stored with its
 * pseudonymous case reference and never a name. The name itself is never repeated in the import report.
 */
const NAME_FIELDS: FieldSpec[] = [
  {
    column: 'name__',
    headers: ['name', 'patient name', 'patient', 'full name', 'name_ar', 'arabic name'],
    hxl: ['#beneficiary+name', '#contact+name', '#person+name', '#patient+name', '#affected+name', '#name'],
  },
  { column: 'given_name__', headers: ['first name', 'given name', 'first_name'] },
  { column: 'family_name__', headers: ['last name', 'family name', 'surname', 'last_name'] },
];
const NAME_COLUMNS = NAME_FIELDS.map((f) => f.column);
/** Set by `toRow` on a row that carried a name (without the name); `checkBatch` refuses such a row, so it is never written. */
const NAME_GIVEN = 'name_given__';

/**
 * A medical evacuation list (plain or HXL-tagged CSV, or JSON), one row per case: the originator's pseudonymous case
 * reference, never a name. Natural key: originator + case reference (id `MEDEVAC-<originator>-<reference>`). Each row
 * must carry the caveat MEDICAL in its marking (or the file's marking must), and obey the route rules of
 * medevac-rules.ts; a row that would move a stored case backwards (e.g. EVACUATED to REQUESTED) or drop a caveat the
 * stored case carries is refused.
 */
export const medicalEvacuations: ImportKind = {
  kind: 'medical-evacuations',
  description: 'Medical evacuation lists (HXL-tagged CSV): one row per pseudonymous case; marking with the caveat MEDICAL',
  table: 'medical_evacuation',
  entityType: 'MedicalEvacuation',
  naturalKey: ['originator', 'case_reference'],
  hxl: 'optional',
  fields: [
    { column: 'case_reference', headers: ['case_reference', 'case reference', 'case id', 'case_id'], hxl: ['#meta+id', '#case+id', '#meta+case'], required: true, parse: caseReference },
    { column: 'priority', headers: ['priority', 'severity'], hxl: ['#severity', '#priority'], required: true, parse: oneOf(MEDEVAC_PRIORITIES, { P1: 'CRITICAL', P2: 'URGENT', P3: 'ROUTINE' }) },
    {
      column: 'condition_category',
      headers: ['condition', 'condition category', 'condition_category'],
      hxl: ['#condition', '#meta+condition'],
      required: true,
      parse: oneOf(CONDITION_CATEGORIES, { ONCOLOGY: 'CANCER', CARDIAC: 'CARDIOVASCULAR', RENAL: 'KIDNEY_FAILURE', CHRONIC: 'OTHER_CHRONIC' }),
    },
    { column: 'area_pcode', headers: ['governorate pcode', 'adm2_pcode', 'area_pcode', 'governorate'], hxl: '#adm2+code', required: true, parse: governorate },
    { column: 'requested_on', headers: ['requested', 'date requested', 'requested_on'], hxl: '#date+requested', required: true, parse: cells.date },
    { column: 'decided_on', headers: ['decided', 'date decided', 'decided_on', 'approved', 'denied'], hxl: ['#date+decided', '#date+approved', '#date+denied'], parse: cells.date },
    { column: 'evacuated_on', headers: ['evacuated', 'date evacuated', 'evacuated_on'], hxl: '#date+evacuated', parse: cells.date },
    { column: 'status', headers: ['status'], hxl: '#status', required: true, parse: oneOf(MEDEVAC_STATUSES, { DIED: 'DIED_WAITING', DECEASED_WAITING: 'DIED_WAITING' }) },
    { column: 'route_crossing_ids', headers: ['route', 'crossings', 'crossing'], hxl: ['#loc+crossing', '#route'], parse: route, default: [] },
    { column: 'onward_route', headers: ['onward route', 'onward', 'onward_route'], hxl: ['#meta+onward', '#route+onward'], parse: oneOf(ONWARD_ROUTES) },
    { column: 'destination_country', headers: ['destination country', 'destination', 'destination_country'], hxl: ['#country+destination', '#country+code+destination'], parse: country },
    { column: 'escorts', headers: ['escorts', 'companions'], hxl: ['#indicator+escorts', '#escorts'], parse: cells.integer(0, 10), default: 0 },
    { column: 'source', headers: ['source', 'reported_by'], hxl: '#meta+source', required: true, parse: cells.oneOf(SOURCES) },
    ...NAME_FIELDS,
    ...markingFields(),
  ],
  toRow(values) {
    const row: Record<string, unknown> = { ...values };
    const named = NAME_COLUMNS.find((column) => row[column] != null && String(row[column]).trim() !== '');
    for (const column of NAME_COLUMNS) delete row[column];
    return {
      id: medevacId(String(values.originator), String(values.case_reference)),
      ...row,
      ...(named ? { [NAME_GIVEN]: named } : {}),
    };
  },
  async checkBatch(tx, rows) {
    const problems: Problem[] = checkMarkings(rows);
    const today = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const stored = new Map(
      (
        await tx.query<{ id: string; status: MedevacStatus; caveats: string[] }>('SELECT id, status, caveats FROM medical_evacuation WHERE id = ANY($1::text[])', [
          rows.map((row) => String(row.id)),
        ])
      ).map((row) => [row.id, row]),
    );
    rows.forEach((row, index) => {
      const named = row[NAME_GIVEN] as string | undefined;
      if (named) {
        // The value is not repeated: the report must not carry the name either.
        problems.push({ index, column: named, value: '(withheld)', problem: 'Names are never stored with a medical evacuation: remove the name column; the case reference is the only identifier' });
        return;
      }
      const facts: MedevacFacts = {
        case_reference: null,
        status: row.status as string,
        requested_on: row.requested_on as string,
        decided_on: (row.decided_on as string | null) ?? null,
        evacuated_on: (row.evacuated_on as string | null) ?? null,
        route_crossing_ids: (row.route_crossing_ids as string[] | null) ?? [],
        onward_route: (row.onward_route as string | null) ?? null,
        destination_country: (row.destination_country as string | null) ?? null,
        caveats: (row.caveats as string[] | null) ?? [],
      };
      for (const problem of medevacProblems(facts, today)) {
        problems.push({ index, column: problem.column, value: String(row[problem.column] ?? ''), problem: problem.message });
      }
      const current = stored.get(String(row.id));
      if (current) {
        const transition = medevacTransitionProblem(current.status, row.status as MedevacStatus);
        if (transition) problems.push({ index, column: 'status', value: String(row.status), problem: transition });
        const dropped = current.caveats.filter((caveat) => !facts.caveats.includes(caveat));
        if (dropped.length > 0) {
          problems.push({
            index,
            column: 'caveats',
            value: facts.caveats.join(';'),
            problem: `An import never drops a caveat the stored case carries (${dropped.join(', ')}); only its originator may, through recordMedicalEvacuation`,
          });
        }
      }
    });
    return problems;
  },
};

/**
 * The number of patients waiting for a medical evacuation, as a named source (WHO) published it on a day: one row per
 * source and day. The source and the date are required (no default): the seed holds only an illustrative SYNTHETIC
 * figure, and the real one is entered this way.
 */
export const medevacWaitingList: ImportKind = {
  kind: 'medevac-waiting-list',
  description: 'Published figures of patients waiting for medical evacuation: one row per source and day',
  table: 'medical_evacuation_waiting_figure',
  entityType: 'MedicalEvacuationWaitingFigure',
  naturalKey: ['source', 'as_of'],
  hxl: 'optional',
  fields: [
    { column: 'patients', headers: ['patients', 'patients waiting', 'waiting'], hxl: ['#affected+waiting', '#indicator+patients'], required: true, parse: cells.integer(0, 10_000_000) },
    { column: 'as_of', headers: ['as_of', 'as of', 'date'], hxl: '#date', required: true, parse: cells.date },
    { column: 'source', headers: ['source', 'published_by'], hxl: '#meta+source', required: true, parse: cells.oneOf(SOURCES) },
    { column: 'statement', headers: ['statement', 'note', 'notes'], hxl: ['#description', '#meta+note'] },
    ...markingFields(),
  ],
  toRow: (values) => ({ id: `MEWF-${values.source}-${values.as_of}`, ...values }),
  async checkBatch(_tx, rows) {
    const problems: Problem[] = checkMarkings(rows);
    const today = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    rows.forEach((row, index) => {
      if (String(row.as_of) > today) problems.push({ index, column: 'as_of', value: String(row.as_of), problem: 'A published figure is dated the day it was published; this day is still to come' });
    });
    return problems;
  },
};
