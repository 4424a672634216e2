import { GraphQLError } from 'graphql';
import { ErrorCode, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

/** What the gateway sends for an intelligence report: its key and, through @requires, the incident ids it holds. */
type ReportRepresentation = { id: string; relatedIncidentIds?: string[] };

export const IntelligenceReport: Resolvers<Loaders>['IntelligenceReport'] = {
  __resolveReference: (reference: ReportRepresentation) => reference,

  /**
   * One statement for the incidents of every report in the response (the incident loader batches them). A withheld
   * or unknown incident is dropped, not reported as FORBIDDEN: the caller sees the report, and must not learn that
   * it bears on an incident they may not read.
   */
  async relatedIncidents(report: ReportRepresentation, _args, { loaders }) {
    const incidents = await loaders.incidentById.loadMany(report.relatedIncidentIds ?? []);
    return incidents.filter((incident) => {
      if (incident instanceof GraphQLError && incident.extensions.code === ErrorCode.FORBIDDEN) return false;
      if (incident instanceof Error) throw incident;
      return incident !== null;
    });
  },
};
