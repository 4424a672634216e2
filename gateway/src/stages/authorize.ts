import { createHash } from 'node:crypto';
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal, Requirements } from '@cmcc/contracts';
import { replaceOperation } from '../apollo-internals.ts';
import { filterOperation, setNull, type Removal } from '../authorization/filter.ts';
import { satisfies, type PolicyRule } from '../authorization/requirements.ts';
import { principalView } from '../cache/response-cache.ts';
import type { Stage } from './stage.ts';

/**
 * Federation's authorization directives (@authenticated, @requiresScopes, @policy), enforced here with the Apollo
 * Router's semantics: before planning, fields and types the principal may not use are removed from the operation
 * (gateway/src/authorization/filter.ts, decided by gateway/src/authorization/requirements.ts); they come back as null
 * with one UNAUTHORIZED_FIELD_OR_TYPE error per path, and the rest executes. In `reject` mode the whole operation is
 * refused instead. Runs after the limits and the safelist: a refused operation never reaches it.
 */

/** How the authorize stage decides (GATEWAY_AUTHORIZATION_MODE, AUTH_POLICIES and the served supergraph's directives). */
export interface AuthorizationOptions {
  mode: 'filter' | 'reject';
  policies: Readonly<Record<string, PolicyRule>>;
  /** The requirements of the supergraph being served (replaced when the supergraph reloads). */
  requirements: () => Requirements;
}

const removedByRequest = new WeakMap<object, Removal[]>();

/** The fields removed from a request's operation by authorization (for the audit trail); empty when none. */
export function removalsOf(request: object): readonly { path: string[]; coordinate: string }[] {
  return removedByRequest.get(request) ?? [];
}

export function authorizeStage(options: AuthorizationOptions): Stage {
  // What filtering gives, by operation (Apollo Server's document store hands out the same parsed operation for the
  // same text) and by the principal's view (every attribute a requirement or policy looks at, and the subject): a
  // dashboard polling one operation is filtered once, not on every request. A new schema or new requirements start over.
  const filtered = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; requirements: Requirements; byView: Map<string, ReturnType<typeof filterOperation>> }>();
  const filter = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, requirements: Requirements, principal: Principal | null) => {
    let memo = filtered.get(operation);
    if (!memo || memo.schema !== schema || memo.requirements !== requirements) filtered.set(operation, (memo = { schema, requirements, byView: new Map() }));
    const view = principalView(principal ?? undefined);
    let result = memo.byView.get(view);
    if (!result) {
      const allowed = (coordinate: string) => {
        const requirement = requirements.get(coordinate);
        return !requirement || satisfies(principal, requirement, options.policies);
      };
      result = filterOperation(schema, document, operation, allowed);
      if (memo.byView.size >= 256) memo.byView.clear();
      memo.byView.set(view, result);
    }
    return result;
  };
  return {
    name: 'authorize',
    does: `removes the fields and types the principal may not use (${options.mode} mode), then nulls them in the response with one error each`,
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation(requestContext) {
            const requirements = options.requirements();
            if (requirements.size === 0 || !requestContext.operation || !requestContext.document) return;
            const principal = requestContext.contextValue.principal ?? null;
            const { operation, removals } = filter(requestContext.schema, requestContext.document, requestContext.operation, requirements, principal);
            if (removals.length === 0) return;
            if (options.mode === 'reject') {
              // Not which fields: which requirement refused them is the principal's business with its administrator, and the
              // list would map what its credentials lack (filter mode names each field, by response path, as it nulls it).
              throw new GraphQLError('Not allowed: this operation reads fields or types your credentials do not allow.', {
                extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', http: { status: 403 } },
              });
            }
            removedByRequest.set(requestContext.request, removals);
            replaceOperation(requestContext, {
              operation,
              document: { kind: Kind.DOCUMENT, definitions: [operation] },
              // The query plan cache is keyed by this hash: principals with different rights must not share a plan.
              queryHash: createHash('sha256')
                .update(`${requestContext.queryHash}|${removals.map((r) => r.path.join('.')).join(',')}`)
                .digest('hex'),
            });
          },
          async willSendResponse({ request, response }) {
            const removals = removedByRequest.get(request);
            if (!removals || response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            for (const removal of removals) {
              if (removal.nullPath === null) result.data = null;
              else if (result.data) setNull(result.data, removal.nullPath);
            }
            result.errors = [
              ...(result.errors ?? []),
              ...removals.map((removal) => ({
                message: `Unauthorized field or type (${removal.coordinate})`,
                path: removal.path,
                extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
              })),
            ];
          },
        };
      },
    },
  };
}
