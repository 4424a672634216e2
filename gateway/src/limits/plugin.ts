import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import type { SchemaLike } from '@cmcc/audit-trail';
import { measureOperation, type CostDirectives, type OperationMeasure } from './measure.ts';

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

const refused = new WeakSet<object>();

/**
 * Whether the limits refused this request. Apollo Server calls every plugin's `didResolveOperation` before it looks at
 * any of their outcomes, so a plugin registered after this one whose work grows with the operation's expanded size
 * (authorization writes fragments out in place) asks here first and leaves a refused operation alone.
 */
export function isRefusedByLimits(request: object): boolean {
  return refused.has(request);
}

/**
 * Refuses operations beyond the limits before anything is planned or sent to a subgraph. Register it first: it
 * measures the operation as the client sent it, before authorization rewrites it.
 */
export function ApolloServerPluginOperationLimits(limits: OperationLimits, costDirectives: () => CostDirectives): ApolloServerPlugin {
  // Dashboards send the same document with the same variables again and again: measure each combination once.
  const measured = new WeakMap<DocumentNode, { directives: CostDirectives; byVariables: Map<string, OperationMeasure> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation || !document) return;
          const directives = costDirectives();
          let known = measured.get(document);
          if (!known || known.directives !== directives) measured.set(document, (known = { directives, byVariables: new Map() }));
          const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          let measure = known.byVariables.get(key);
          if (!measure) {
            measure = measureOperation(schema as unknown as SchemaLike, document, operation, request.variables ?? {}, directives, limits.defaultListSize);
            if (known.byVariables.size < 100) known.byVariables.set(key, measure);
          }
          const refusal = checkLimits(measure, limits);
          if (!refusal) return;
          refused.add(request);
          throw refusal;
        },
      };
    },
  };
}
