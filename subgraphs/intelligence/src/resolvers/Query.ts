import { checkPcode, notFound, parsePage, toConnection, type Resolvers } from '@cmcc/subgraph-kit';
import type { Reliability } from '../data/grading.ts';
import type { Loaders } from '../data/loaders.ts';
import type { ReportFilter } from '../data/repository.ts';
import { RECORD_PAGE } from './limits.ts';

interface FilterArgs {
  areaPcode?: string | null;
  minimumReliability?: Reliability | null;
  since?: Date | null;
}

export const reportFilter = (args: FilterArgs | null | undefined): ReportFilter => ({
  minimumReliability: args?.minimumReliability ?? null,
  since: args?.since ?? null,
});

export const Query: Resolvers<Loaders>['Query'] = {
  async intelligenceReports(_root, args: { filter?: FilterArgs | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, RECORD_PAGE, 'opaque');
    const areaPcode = args.filter?.areaPcode ? checkPcode(args.filter.areaPcode, 'areaPcode') : null;
    const filter = reportFilter(args.filter);
    const [rows, total] = await Promise.all([
      // The empty P-code is a prefix of every P-code: no area filter.
      loaders.intelligenceReportsByArea({ filter, page }).load(areaPcode ?? ''),
      loaders.repository.countIntelligenceReports(areaPcode, filter),
    ]);
    return toConnection(rows, page, total);
  },

  async intelligenceReport(_root, args: { id: string }, { loaders }) {
    // A report not released to the principal rejects with FORBIDDEN (the loader's error for that key).
    const report = await loaders.intelligenceReportById.load(args.id);
    if (!report) throw notFound(`No intelligence report has the id "${args.id}"; list them with intelligenceReports`);
    return report;
  },
};
