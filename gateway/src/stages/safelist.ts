import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import { normalizedHash, type KnownOperations } from '../operations/manifest.ts';
import type { Stage } from './stage.ts';

/** Whether an operation reads only the schema (`__schema`, `__type`, `__typename`): the explorer's introspection query. */
function introspectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.operation === 'query' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/**
 * Safelist mode (GATEWAY_OPERATIONS_SAFELIST=true): only operations of the manifest run, compared by their printed
 * document so layout and comments do not matter. Anything else, sent as text or registered by hash, is refused
 * before planning with OPERATION_NOT_IN_SAFELIST (HTTP 400), and audited like any refusal.
 */
export function safelistStage(known: KnownOperations, options: { enabled: boolean; allowIntrospection: boolean }): Stage {
  if (!options.enabled) return { name: 'safelist', does: 'off (GATEWAY_OPERATIONS_SAFELIST=false)' };
  const checked = new WeakMap<DocumentNode, boolean>();
  return {
    name: 'safelist',
    does: 'refuses any operation not saved under schema/operations/',
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ document, operation, operationName }) {
            let allowed = checked.get(document);
            if (allowed === undefined) checked.set(document, (allowed = known.allowed.has(normalizedHash(document))));
            if (allowed || (options.allowIntrospection && operation && introspectionOnly(operation))) return;
            throw new GraphQLError(
              `Operation ${operationName ?? '(anonymous)'} is not in the safelist: this gateway runs only the operations saved under schema/operations/. Add it there (reviewed like any schema change) and redeploy.`,
              { extensions: { code: ErrorCode.OPERATION_NOT_IN_SAFELIST, http: { status: 400 } } },
            );
          },
        };
      },
    },
  };
}
