import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { DamageAssessment as Assessment, Facility as FacilityRecord } from '../data/repository.ts';
import { ASSESSMENT_PAGE } from './limits.ts';

export const Facility: Resolvers<Loaders>['Facility'] = {
  // A facility not released to the principal is null with FORBIDDEN (the loader's error for that key).
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.facilityById.load(reference.id),
  operator: (facility: FacilityRecord) => (facility.operatorOrgId ? { id: facility.operatorOrgId } : null),
  area: (facility: FacilityRecord) => ({ pcode: facility.areaPcode }),

  /** Only the assessments released to the principal: each carries its own marking. */
  async damageAssessments(facility: FacilityRecord, args: { first?: number; after?: string | null }, { loaders }) {
    const page = parsePage(args, ASSESSMENT_PAGE, 'id');
    const rows = await loaders.assessmentsByFacility({ page }).load(facility.id);
    return rows.slice(0, page.limit);
  },

  history: (facility: FacilityRecord, _args, { loaders }) => loaders.historyOf('Facility').load(facility.id),
};

export const DamageAssessment: Resolvers<Loaders>['DamageAssessment'] = {
  // The assessed facility may be marked more tightly than the assessment: then it is absent (null).
  facility: (assessment: Assessment, _args, { loaders }) => (assessment.facilityId ? loaders.facilityById.load(assessment.facilityId) : null),
  area: (assessment: Assessment) => ({ pcode: assessment.areaPcode }),
  history: (assessment: Assessment, _args, { loaders }) => loaders.historyOf('DamageAssessment').load(assessment.id),
};
