import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Municipality as MunicipalityRecord } from '../data/repository.ts';

export const Municipality: Resolvers<Loaders>['Municipality'] = {
  area: (municipality: MunicipalityRecord, _args, { loaders }) => loaders.areaByPcode.load(municipality.areaPcode),
};
