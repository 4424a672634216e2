import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { activityHxl, type Activity as ActivityRecord, type ReportedAidFigure as FigureRecord } from '../data/repository.ts';

export const Activity: Resolvers<Loaders>['Activity'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.activityById.load(reference.id),
  organization: (activity: ActivityRecord, _args, { loaders }) => loaders.organizationById.load(activity.organizationId),
  implementingOrganization: (activity: ActivityRecord, _args, { loaders }) =>
    activity.implementingOrganizationId ? loaders.organizationById.load(activity.implementingOrganizationId) : null,
  area: (activity: ActivityRecord) => ({ pcode: activity.areaPcode }),
  // The facility is resolved by engineering from `facilityId` (@requires), which withholds one not released to the caller.
  hxl: (activity: ActivityRecord) => activityHxl(activity),
  history: (activity: ActivityRecord, _args, { loaders }) => loaders.historyOf('Activity').load(activity.id),
};

export const ReportedAidFigure: Resolvers<Loaders>['ReportedAidFigure'] = {
  area: (figure: FigureRecord) => ({ pcode: figure.areaPcode }),
};
