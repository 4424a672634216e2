import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { CrossingClosure as Closure, ThreatAssessment as Assessment } from '../data/repository.ts';

export const ThreatAssessment: Resolvers<Loaders>['ThreatAssessment'] = {
  area: (assessment: Assessment) => (assessment.areaPcode ? { pcode: assessment.areaPcode } : null),
  crossing: (assessment: Assessment) => (assessment.crossingId ? { id: assessment.crossingId } : null),
};

export const CrossingClosure: Resolvers<Loaders>['CrossingClosure'] = {
  crossing: (closure: Closure) => ({ id: closure.crossingId }),
};
