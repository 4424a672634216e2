import { GraphQLError, Kind } from 'graphql';
import type { Stage } from './stage.ts';

/**
 * A request whose `operationName` names no operation of its document (or that leaves out the name when the document
 * has several) is the client's mistake: answered with HTTP 400 and `OPERATION_RESOLUTION_FAILURE`, saying which operations
 * the document has. Left to @apollo/gateway's executor, it would fail as a masked internal error.
 */
export function resolveOperationStage(): Stage {
  return {
    name: 'resolve-operation',
    does: 'refuses a request whose operationName names no operation of its document (HTTP 400)',
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ operation, document, request }) {
            if (operation) return;
            const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : []));
            const message = request.operationName
              ? `The document has no operation named "${request.operationName}"; it has: ${names.join(', ') || 'none'}`
              : `The document has ${names.length} operations (${names.join(', ')}); say which one to run in "operationName"`;
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          },
        };
      },
    },
  };
}
