import { DEFAULT_PAGE, type PageLimits } from '@cmcc/subgraph-kit';

/** Page sizes of the paginated fields: a default and a maximum each. */
export const FACILITY_PAGE: PageLimits = DEFAULT_PAGE;
export const TASK_PAGE: PageLimits = DEFAULT_PAGE;
export const DEBRIS_PAGE: PageLimits = DEFAULT_PAGE;
export const ASSESSMENT_LIST_PAGE: PageLimits = DEFAULT_PAGE;
export const ASSESSMENT_PAGE: PageLimits = Object.freeze({ defaultFirst: 20, maxFirst: 200 });
export const UTILITY_PAGE: PageLimits = DEFAULT_PAGE;
export const FUEL_PAGE: PageLimits = DEFAULT_PAGE;
