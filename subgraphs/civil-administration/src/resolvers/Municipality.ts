import type { Resolvers } from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import type { Municipality as MunicipalityRecord } from '../data/repository.ts';

export const Municipality: Resolvers<Loaders>['Municipality'] = {
  area: (municipality: MunicipalityRecord, _args, { loaders }) => loaders.areaByPcode.load(municipality.areaPcode),
};
