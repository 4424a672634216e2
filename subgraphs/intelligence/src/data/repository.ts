import {
  countByParent,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  type AccessMarking,
  type Conditions,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';
import { credibilityOf, reliabilityAtLeast, type Credibility, type Reliability } from './grading.ts';

export interface IntelligenceReport {
  id: string;
  title: string;
  summary: string;
  reportedAt: Date;
  discipline: string;
  sourceReliability: Reliability;
  informationCredibility: Credibility;
  /** The Admiralty grading as written, e.g. `B2`. */
  grading: string;
  sourceDescription: string;
  areaPcode: string;
  relatedIncidentIds: string[];
  source: string;
  marking: AccessMarking;
  provenance: ReturnType<typeof provenanceFromRow>;
}

/** Filters every list of reports takes (`null`: no condition). */
export interface ReportFilter {
  minimumReliability: Reliability | null;
  since: Date | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

export const toIntelligenceReport = (r: Row): IntelligenceReport => ({
  id: r.id,
  title: r.title,
  summary: r.summary,
  reportedAt: r.reported_at,
  discipline: r.discipline,
  sourceReliability: r.source_reliability,
  informationCredibility: credibilityOf(r.information_credibility),
  grading: `${r.source_reliability}${r.information_credibility}`,
  sourceDescription: r.source_description,
  areaPcode: r.area_pcode,
  relatedIncidentIds: r.related_incident_ids ?? [],
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

export const TABLE = 'intelligence_report';

const filterConditions =
  (filter: ReportFilter): Conditions =>
  (params) => [
    ...(filter.minimumReliability ? [`t.source_reliability = ANY(${params.add(reliabilityAtLeast(filter.minimumReliability))}::text[])`] : []),
    ...(filter.since ? [`t.reported_at >= ${params.add(filter.since)}`] : []),
  ];

/** Every read of the subgraph, for one viewer: reports are filtered in SQL, so pages and totals hold only released ones. */
export function createRepository(db: Queryable, viewer: Viewer) {
  const pages = async (match: 'prefix' | 'contains', parentColumn: string, keys: readonly string[], filter: ReportFilter, page: Page) => {
    const rows = await selectPagesByParent<Row>(db, {
      table: TABLE,
      parentColumn,
      match,
      keys,
      where: filterConditions(filter),
      orderColumn: 'reported_at',
      page,
      visibleTo: viewer,
    });
    return rows.map((list) => list.map(toIntelligenceReport));
  };
  return {
    /** Reports by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async intelligenceReportsById(ids: readonly string[]): Promise<(IntelligenceReport | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, TABLE, 'IntelligenceReport', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toIntelligenceReport(row)));
    },

    /** One page of released reports under each area P-code (a prefix match; `''` is every area). */
    intelligenceReportsByArea: (pcodes: readonly string[], filter: ReportFilter, page: Page) => pages('prefix', 'area_pcode', pcodes, filter, page),

    /** One page of released reports bearing on each incident id. */
    intelligenceReportsByIncident: (incidentIds: readonly string[], page: Page) =>
      pages('contains', 'related_incident_ids', incidentIds, { minimumReliability: null, since: null }, page),

    /** How many released reports lie under the area (every area when `null`) and match the filter. */
    async countIntelligenceReports(areaPcode: string | null, filter: ReportFilter): Promise<number> {
      const [total] = await countByParent(db, {
        table: TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: filterConditions(filter),
        visibleTo: viewer,
      });
      return total;
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
