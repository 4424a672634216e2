import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { INCIDENT_REPORT_PAGE } from './limits.ts';

interface IncidentRef {
  id: string;
}

export const SecurityIncident: Resolvers<Loaders>['SecurityIncident'] = {
  // The gateway reaches an incident here only after security resolved it for the caller; any id is a valid reference.
  __resolveReference: (reference: IncidentRef) => ({ id: reference.id }),

  /** Only released reports: a withheld one is simply not in the list (one statement for every incident of the response). */
  async intelligenceReports(incident: IncidentRef, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, INCIDENT_REPORT_PAGE, 'id');
    const rows = await loaders.intelligenceReportsByIncident({ page }).load(incident.id);
    return rows.slice(0, page.limit);
  },
};
