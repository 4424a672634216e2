import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { CeasefireViolationReport as Report } from '../data/repository.ts';

export const CeasefireViolationReport: Resolvers<Loaders>['CeasefireViolationReport'] = {
  area: (report: Report) => ({ pcode: report.areaPcode }),
  incident: (report: Report, _args, { loaders }) => (report.incidentId ? loaders.incidentById.load(report.incidentId) : null),
  history: (report: Report, _args, { loaders }) => loaders.historyOf('CeasefireViolationReport').load(report.id),
};
