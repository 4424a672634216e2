import type { DocumentNode } from 'graphql';
import { checkLimits, type OperationLimits } from '../limits/check.ts';
import { extractCostDirectives, measureOperation, type CostDirectives, type OperationMeasure } from '../limits/measure.ts';
import type { Stage } from './stage.ts';
import { schemaOf } from '../apollo-internals.ts';

/**
 * Refuses operations beyond the limits (GATEWAY_MAX_*, gateway/src/limits/) before anything is planned or sent to a
 * subgraph, with OPERATION_LIMIT_EXCEEDED (HTTP 400). It measures the operation as the client sent it, before
 * authorization rewrites it; a refused operation reaches no later stage (authorization writes fragments out in place,
 * exponential work for a fragment bomb). `useSupergraph` reads the cost directives of each supergraph served.
 */
export function limitsStage(limits: OperationLimits): Stage & { useSupergraph(supergraphSdl: string): void } {
  let directives: CostDirectives = { weights: new Map(), listSizes: new Map() };
  // Dashboards send the same document with the same variables again and again: measure each combination once.
  const measured = new WeakMap<DocumentNode, { directives: CostDirectives; byVariables: Map<string, OperationMeasure> }>();
  return {
    name: 'limits',
    does: 'refuses an operation too deep, too wide, too costly or with too many aliases, root fields or expanded fields',
    useSupergraph: (supergraphSdl) => void (directives = extractCostDirectives(supergraphSdl)),
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ schema, document, operation, request }) {
            if (!operation || !document) return;
            const current = directives;
            let known = measured.get(document);
            if (!known || known.directives !== current) measured.set(document, (known = { directives: current, byVariables: new Map() }));
            const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
            let measure = known.byVariables.get(key);
            if (!measure) {
              measure = measureOperation(schemaOf({ schema }), document, operation, request.variables ?? {}, current, limits.defaultListSize);
              if (known.byVariables.size < 100) known.byVariables.set(key, measure);
            }
            const refusal = checkLimits(measure, limits);
            if (refusal) throw refusal;
          },
        };
      },
    },
  };
}
