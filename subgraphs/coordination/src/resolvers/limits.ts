import type { PageLimits } from '@cmcc/subgraph-kit';

/** Page sizes of this subgraph's lists: the schema's descriptions state the same numbers. */
export const RECORD_PAGE: PageLimits = Object.freeze({ defaultFirst: 50, maxFirst: 500 });
