import type { Resolvers } from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import { activityHxl, type Activity as ActivityRecord, type ReportedAidFigure as FigureRecord } from '../data/repository.ts';

export const Activity: Resolvers<Loaders>['Activity'] = {
  organization: (activity: ActivityRecord, _args, { loaders }) => loaders.organizationById.load(activity.organizationId),
  implementingOrganization: (activity: ActivityRecord, _args, { loaders }) =>
    activity.implementingOrganizationId ? loaders.organizationById.load(activity.implementingOrganizationId) : null,
  area: (activity: ActivityRecord) => ({ pcode: activity.areaPcode }),
  facility: (activity: ActivityRecord) => (activity.facilityId ? { id: activity.facilityId } : null),
  hxl: (activity: ActivityRecord) => activityHxl(activity),
  history: (activity: ActivityRecord, _args, { loaders }) => loaders.historyOf('Activity').load(activity.id),
};

export const ReportedAidFigure: Resolvers<Loaders>['ReportedAidFigure'] = {
  area: (figure: FigureRecord) => ({ pcode: figure.areaPcode }),
};
