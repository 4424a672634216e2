import { GraphQLError } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import type { OperationMeasure } from './measure.ts';

/** Ceilings on what one operation may ask (GATEWAY_MAX_*). */
export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxRootFields: number;
  readonly maxCost: number;
  /** Field selections once fragments are written out: what refuses a fragment bomb before the planner expands it. */
  readonly maxFields: number;
  /** List size assumed for a list field without a slicing argument (`first`) or `@listSize`. */
  readonly defaultListSize: number;
}

const LIMITS: readonly { limit: keyof OperationMeasure; max: keyof OperationLimits; what: string }[] = [
  { limit: 'depth', max: 'maxDepth', what: 'is nested too deeply' },
  { limit: 'aliases', max: 'maxAliases', what: 'uses too many aliases' },
  { limit: 'rootFields', max: 'maxRootFields', what: 'selects too many root fields' },
  { limit: 'cost', max: 'maxCost', what: 'is estimated too costly' },
  { limit: 'fields', max: 'maxFields', what: 'selects too many fields once its fragments are expanded' },
];

/** Finds the first limit an operation breaks, or null. */
export function checkLimits(measure: OperationMeasure, limits: OperationLimits): GraphQLError | null {
  for (const { limit, max, what } of LIMITS) {
    if (measure[limit] <= limits[max]) continue;
    return new GraphQLError(
      `The operation ${what}: ${limit} ${measure[limit]} exceeds the limit of ${limits[max]}. Split it into smaller operations or ask for fewer items (first:).`,
      { extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED, limit, actual: measure[limit], max: limits[max], http: { status: 400 } } },
    );
  }
  return null;
}
