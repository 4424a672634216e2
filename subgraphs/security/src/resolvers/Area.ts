import { controlShare, parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { checkWindow } from './validate.ts';

const INCIDENT_PAGE = { defaultFirst: 50, maxFirst: 500 };

type AreaKey = { pcode: string };

export const Area: Resolvers<Loaders>['Area'] = {
  // Any P-code is a valid reference: civil-administration owns the area, this subgraph only adds its security picture.
  __resolveReference: (reference: AreaKey) => ({ pcode: reference.pcode }),

  async incidents(area: AreaKey, args: { since: Date; until?: Date | null; first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, INCIDENT_PAGE, 'id');
    const filter = { ...checkWindow(args.since, args.until), eventType: null, verification: null, affectsAid: null };
    const rows = await loaders.incidentsByArea({ filter, page }).load(area.pcode);
    return rows.slice(0, page.limit);
  },

  threatLevel: async (area: AreaKey, _args, { loaders }) => (await loaders.threatAssessmentByArea.load(area.pcode))?.level ?? null,
  threatAssessment: (area: AreaKey, _args, { loaders }) => loaders.threatAssessmentByArea.load(area.pcode),
  // By geometry, from the kit's governorate polygons and the (SYNTHETIC) Yellow Line in force at the instant.
  controlShare: (area: AreaKey, args: { at?: Date | null }) => controlShare(area.pcode, args.at ?? new Date()),
};
