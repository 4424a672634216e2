import { createHash } from 'node:crypto';
import { cells, checkMarkings, KNOWN_PCODES, markingFields, type ImportKind } from '@cmcc/subgraph-kit';

const SOURCES = ['UN2720', 'COGAT', 'OCHA', 'CMCC', 'CENTCOM', 'PCBS', 'MOI', 'UNOSAT', 'UNMAS', 'PARTNER', 'SYNTHETIC', 'WHO', 'UNEP'] as const;
const SITE_TYPES = ['COLLECTIVE_CENTRE', 'MAKESHIFT_SITE', 'PLANNED_SITE', 'HOST_COMMUNITY', 'DAMAGED_HOME'] as const;

/** CCCM displacement site lists (plain or HXL-tagged CSV, or JSON); a site's id is its natural key. */
export const displacementSites: ImportKind = {
  kind: 'displacement-sites',
  description: 'CCCM displacement site lists: one row per site',
  table: 'displacement_site',
  entityType: 'DisplacementSite',
  naturalKey: ['id'],
  hxl: 'optional',
  hxlTagsColumn: 'hxl_tags',
  fields: [
    { column: 'id', headers: ['site_id', 'site id', 'id'], hxl: '#loc+code', required: true },
    { column: 'name', headers: ['site_name', 'site name', 'name'], hxl: '#loc+name', required: true },
    { column: 'type', headers: ['site_type', 'type'], hxl: '#loc+type', required: true, parse: cells.oneOf(SITE_TYPES) },
    { column: 'area_pcode', headers: ['pcode', 'area_pcode', 'admin_pcode'], hxl: ['#adm3+code', '#adm2+code'], required: true, parse: cells.pcode(KNOWN_PCODES) },
    { column: 'households', headers: ['households', 'hh'], hxl: '#population+hh', required: true, parse: cells.integer(0, 1_000_000) },
    { column: 'individuals', headers: ['individuals', 'ind'], hxl: '#population+ind', required: true, parse: cells.integer(0, 10_000_000) },
    { column: 'site_manager_org_id', headers: ['site_manager_id', 'manager_org_id'], hxl: '#org+code' },
    { column: 'risks', headers: ['risks'], hxl: '#indicator+risks', parse: cells.list, default: [] },
    { column: 'latitude', headers: ['latitude', 'lat'], hxl: '#geo+lat', parse: cells.number(31.2, 31.6) },
    { column: 'longitude', headers: ['longitude', 'lon', 'lng'], hxl: '#geo+lon', parse: cells.number(34.2, 34.6) },
    { column: 'source', headers: ['source'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'PARTNER' },
    { column: 'as_of', headers: ['as_of', 'date', 'reporting_date'], hxl: '#date+reported', required: true, parse: cells.date },
    ...markingFields(),
  ],
  toRow: (values) => values,
  async checkBatch(_tx, rows) {
    const problems = checkMarkings(rows);
    rows.forEach((row, index) => {
      if ((row.individuals as number) < (row.households as number)) {
        problems.push({ index, column: 'individuals', value: String(row.individuals), problem: 'Fewer individuals than households' });
      }
    });
    return problems;
  },
};

/** Flow-monitoring counts: one row per point, day and direction (the natural key). */
export const populationMovements: ImportKind = {
  kind: 'population-movements',
  description: 'flow-monitoring counts: one row per monitoring point, day and direction',
  table: 'population_movement',
  entityType: 'PopulationMovement',
  naturalKey: ['monitoring_point', 'date', 'direction'],
  hxl: 'optional',
  fields: [
    { column: 'monitoring_point', headers: ['monitoring_point', 'monitoring point', 'point'], hxl: '#loc+name', required: true },
    { column: 'area_pcode', headers: ['pcode', 'area_pcode'], hxl: ['#adm3+code', '#adm2+code'], required: true, parse: cells.pcode(KNOWN_PCODES) },
    { column: 'date', headers: ['date'], hxl: '#date', required: true, parse: cells.date },
    { column: 'direction', headers: ['direction'], hxl: '#indicator+direction', required: true, parse: cells.oneOf(['S_TO_N', 'N_TO_S']) },
    { column: 'count', headers: ['count', 'individuals'], hxl: '#population+ind', required: true, parse: cells.integer(0, 10_000_000) },
    { column: 'source', headers: ['source'], hxl: '#meta+source', parse: cells.oneOf(SOURCES), default: 'PARTNER' },
    ...markingFields(),
  ],
  toRow: (values) => ({
    // Deterministic id from the natural key, so the same count imported twice is the same record.
    id: `MOVE-${createHash('sha256').update(`${values.monitoring_point}|${values.date}|${values.direction}`).digest('hex').slice(0, 16)}`,
    ...values,
  }),
  checkBatch: async (_tx, rows) => checkMarkings(rows),
};

export const importers = [displacementSites, populationMovements];
