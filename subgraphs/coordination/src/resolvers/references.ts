import { parsePage, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { REFERENCE_COLUMNS, type ReferenceColumn } from '../data/repository.ts';
import { RECORD_PAGE } from './limits.ts';

/**
 * `coordinationRequests` on the entities other groups own (Convoy, Crossing, Facility, SecurityIncident): the gateway
 * asks for them only with an entity it has already resolved for the caller, and this subgraph lists only the requests
 * released to the caller that name it.
 */
function requestsAbout(column: ReferenceColumn): NonNullable<Resolvers<Loaders>['Convoy']> {
  return {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    async coordinationRequests(entity: { id: string }, args: { first?: number; after?: string | null }, { loaders }) {
      const page = parsePage(args, RECORD_PAGE, 'id');
      const rows = await loaders.coordinationRequestsByReference({ column, page }).load(entity.id);
      return rows.slice(0, page.limit);
    },
  };
}

export const Convoy = requestsAbout(REFERENCE_COLUMNS.CONVOY);
export const Crossing = requestsAbout(REFERENCE_COLUMNS.CROSSING);
export const Facility = requestsAbout(REFERENCE_COLUMNS.FACILITY);
export const SecurityIncident = requestsAbout(REFERENCE_COLUMNS.SECURITY_INCIDENT);
