import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { AccessRoadStatus as AccessRoad } from '../data/repository.ts';

export const Crossing: Resolvers<Loaders>['Crossing'] = {
  // Any crossing id is a valid reference: humanitarian owns the crossing, this subgraph only adds its access road.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  // Null when none is recorded or it is not released to the principal.
  accessRoadStatus: (crossing: { id: string }, _args, { loaders }) => loaders.accessRoadByCrossing.load(crossing.id),
};

export const AccessRoadStatus: Resolvers<Loaders>['AccessRoadStatus'] = {
  roadSegment: (road: AccessRoad, _args, { loaders }) => (road.roadSegmentFacilityId ? loaders.facilityById.load(road.roadSegmentFacilityId) : null),
};
