import { parsePage, type PageArgs, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { Organization as OrganizationRecord } from '../data/repository.ts';
import { PAGES } from './validate.ts';

export const Organization: Resolvers<Loaders>['Organization'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.organizationById.load(reference.id),

  async activities(organization: OrganizationRecord, args: PageArgs, { loaders }) {
    const page = parsePage(args, PAGES.activities, 'id');
    return (await loaders.activitiesByOrganization(page).load(organization.id)).slice(0, page.limit);
  },
};
