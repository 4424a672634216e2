import { createHash } from 'node:crypto';
import { CellProblem, cells, checkMarkings, coordinatesProblem, markingFields, type ImportKind } from '@cmcc/subgraph-kit';
import { GAZA_PCODES, GOVERNORATE_NAMES, governorateNamed, localityNamed, placeKey } from './geography.ts';
import { occurredAtProblem, subEventTypeProblem, today } from './rules.ts';
import { ACLED_EVENT_TYPE_LABELS, ALL_SUB_EVENT_TYPES, EVENT_TYPES, taxonomyName } from './taxonomy.ts';

const SOURCES = ['UN2720', 'COGAT', 'OCHA', 'CMCC', 'CENTCOM', 'PCBS', 'MOI', 'UNOSAT', 'UNMAS', 'PARTNER', 'SYNTHETIC', 'WHO', 'UNEP'] as const;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** ACLED's `event_date`: `YYYY-MM-DD` (API, HDX) or `31 October 2025` (the export tool); never in the future. */
function eventDate(text: string): string {
  let iso: string | null = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
  const words = /^(\d{1,2})[\s-]+([A-Za-z]{3,})\.?[\s-]+(\d{4})$/.exec(text);
  if (words) {
    const month = MONTHS.findIndex((name) => name.startsWith(words[2].toLowerCase()));
    if (month >= 0) iso = `${words[3]}-${String(month + 1).padStart(2, '0')}-${words[1].padStart(2, '0')}`;
  }
  if (!iso || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso) {
    throw new CellProblem('Must be a date written YYYY-MM-DD (e.g. 2025-10-31) or as ACLED writes it (31 October 2025)');
  }
  if (iso > today()) throw new CellProblem('Is in the future; an incident is recorded once it has happened');
  return iso;
}

function eventType(text: string): string {
  const name = taxonomyName(text);
  if (!(EVENT_TYPES as string[]).includes(name)) {
    throw new CellProblem(`Unknown event type; ACLED's event types are ${Object.values(ACLED_EVENT_TYPE_LABELS).join(', ')}`);
  }
  return name;
}

/** ACLED's own spellings that differ from the enum names: its exports write "Arrests" and, in places, "protestors". */
const ACLED_SUB_EVENT_SPELLINGS: Record<string, string> = {
  ARRESTS: 'ARREST',
  EXCESSIVE_FORCE_AGAINST_PROTESTORS: 'EXCESSIVE_FORCE_AGAINST_PROTESTERS',
};

function subEventType(text: string): string {
  const written = taxonomyName(text);
  const name = ACLED_SUB_EVENT_SPELLINGS[written] ?? written;
  if (!(ALL_SUB_EVENT_TYPES as string[]).includes(name)) {
    throw new CellProblem('Unknown sub-event type; use one of ACLED\'s (e.g. Armed clash, Air/drone strike, Looting/property destruction)');
  }
  return name;
}

/** ACLED's admin1; an export of Palestine also holds the West Bank, which is not this working group's area. */
function admin1(text: string): string {
  if (placeKey(text) !== 'gaza strip') throw new CellProblem('Outside the Gaza Strip; only incidents in the Gaza Strip are recorded here');
  return text;
}

function admin2(text: string): string {
  const pcode = governorateNamed(text);
  if (!pcode) throw new CellProblem(`Unknown governorate; must be one of ${GOVERNORATE_NAMES.join(', ')} (or give a pcode column)`);
  return pcode;
}

/** Whether a named actor is a humanitarian one (ACLED codes aid workers as "Aid Workers (...)"). */
const HUMANITARIAN_ACTOR = /aid worker|humanitarian|UNRWA|WFP|UNICEF|red cres|red cross/i;

/** The record id of an exported event: readable when the export's id allows, else derived from it. */
function incidentIdOf(sourceEventId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(sourceEventId)
    ? `INC-X-${sourceEventId}`
    : `INC-XH-${createHash('sha256').update(sourceEventId).digest('hex').slice(0, 16)}`;
}

/**
 * ACLED-style incident exports (ACLED's CSV or JSON, HDX's HXL-tagged CSV, or a partner's file with the same columns).
 * The export's event id is the natural key: re-importing a file, or an overlapping one, updates those incidents.
 * Verification is never imported: it is the working group's judgment, changed with updateIncidentVerification.
 */
export const incidents: ImportKind = {
  kind: 'incidents',
  description: 'ACLED-style incident exports (CSV, HXL-tagged CSV or JSON): one row per event, keyed by the export\'s event id',
  table: 'security_incident',
  entityType: 'SecurityIncident',
  naturalKey: ['source_event_id'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    { column: 'source_event_id', headers: ['event_id_cnty', 'event_id', 'event id'], hxl: '#event+code', required: true },
    { column: 'event_date', headers: ['event_date', 'event date', 'date'], hxl: ['#date+occurred', '#date'], required: true, parse: eventDate },
    { column: 'occurred_at', headers: ['occurred_at', 'event_time'], hxl: '#date+time', parse: cells.dateTime },
    // Event type before sub-event type: the tag #event+type also matches #event+type+sub, and the first match wins.
    { column: 'event_type', headers: ['event_type', 'event type'], hxl: '#event+type', required: true, parse: eventType },
    { column: 'sub_event_type', headers: ['sub_event_type', 'sub event type'], hxl: '#event+type+sub', parse: subEventType },
    { column: 'actor1', headers: ['actor1', 'actor 1'], hxl: '#group+name+first', required: true },
    { column: 'actor2', headers: ['actor2', 'actor 2'], hxl: '#group+name+second' },
    { column: 'admin1', headers: ['admin1'], hxl: '#adm1+name', parse: admin1 },
    { column: 'admin2', headers: ['admin2'], hxl: '#adm2+name', parse: admin2 },
    { column: 'admin3', headers: ['admin3'], hxl: '#adm3+name' },
    {
      column: 'area_pcode',
      headers: ['pcode', 'area_pcode', 'admin3_pcode', 'adm3_pcode', 'admin2_pcode', 'adm2_pcode'],
      hxl: ['#adm3+code', '#adm2+code'],
      parse: cells.pcode(GAZA_PCODES),
    },
    { column: 'location_name', headers: ['location', 'location_name'], hxl: '#loc+name', required: true },
    { column: 'latitude', headers: ['latitude', 'lat'], hxl: '#geo+lat', parse: cells.number(-90, 90) },
    { column: 'longitude', headers: ['longitude', 'lon', 'lng'], hxl: '#geo+lon', parse: cells.number(-180, 180) },
    { column: 'fatalities', headers: ['fatalities'], hxl: '#affected+killed', parse: cells.integer(0, 100_000) },
    { column: 'injured', headers: ['injured', 'injuries'], hxl: '#affected+injured', parse: cells.integer(0, 100_000) },
    { column: 'affects_aid', headers: ['affects_aid', 'aid_related'], hxl: '#indicator+aid', parse: cells.boolean },
    { column: 'convoy_id', headers: ['convoy_id', 'convoy'] },
    { column: 'cited_sources', headers: ['source', 'sources'], hxl: '#meta+source' },
    { column: 'source', headers: ['cmcc_source', 'source_code'], parse: cells.oneOf(SOURCES), default: 'PARTNER' },
    { column: 'notes', headers: ['notes'], hxl: '#description' },
    ...markingFields(),
  ],
  toRow(values) {
    const governorate = values.admin2 as string | null;
    const admin3 = values.admin3 as string | null;
    // A locality outside the CMCC list (or outside the governorate) leaves the incident at its governorate.
    const area = (values.area_pcode as string | null) ?? ((admin3 && localityNamed(admin3, governorate)) || governorate);
    const actors = `${values.actor1 ?? ''} ${values.actor2 ?? ''}`;
    return {
      id: incidentIdOf(String(values.source_event_id)),
      source_event_id: values.source_event_id,
      event_date: values.event_date,
      occurred_at: values.occurred_at,
      event_type: values.event_type,
      sub_event_type: values.sub_event_type,
      actor1: values.actor1,
      actor2: values.actor2,
      area_pcode: area,
      location_name: values.location_name,
      latitude: values.latitude,
      longitude: values.longitude,
      fatalities: values.fatalities,
      injured: values.injured,
      // ACLED has no such column: an incident affects aid when it involves a convoy or a humanitarian actor.
      affects_aid: values.affects_aid ?? (values.convoy_id !== null || HUMANITARIAN_ACTOR.test(actors)),
      convoy_id: values.convoy_id,
      source: values.source,
      cited_sources: values.cited_sources,
      notes: values.notes,
      classification: values.classification,
      releasable_to: values.releasable_to,
      tlp: values.tlp,
      originator: values.originator,
      recipients: values.recipients,
      caveats: values.caveats,
    };
  },
  async checkBatch(_tx, rows) {
    const problems = checkMarkings(rows);
    rows.forEach((row, index) => {
      const problem = (column: string, value: unknown, text: string) => problems.push({ index, column, value: value === null || value === undefined ? '' : String(value), problem: text });
      if (!row.area_pcode) problem('area_pcode', '', `No area: give a P-code (pcode column) or the governorate's name (admin2: ${GOVERNORATE_NAMES.join(', ')})`);
      const subEvent = subEventTypeProblem(String(row.event_type), row.sub_event_type as string | null);
      if (subEvent) problem('sub_event_type', row.sub_event_type, subEvent);
      const coordinates = coordinatesProblem(row.latitude as number | null, row.longitude as number | null);
      if (coordinates) problem(coordinates.missing ?? 'latitude', coordinates.missing ? '' : `${row.latitude}, ${row.longitude}`, coordinates.message);
      if (row.occurred_at) {
        const when = occurredAtProblem(String(row.occurred_at), String(row.event_date));
        if (when) problem('occurred_at', row.occurred_at, when);
      }
      if (row.convoy_id && row.affects_aid === false) problem('affects_aid', 'false', 'An incident linked to a convoy affects aid: set affects_aid to yes or leave out the convoy');
    });
    return problems;
  },
};

export const importers = [incidents];
