import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { CLASSIFICATIONS, type Classification, type Principal, type Requirement, type Requirements } from '@cmcc/contracts';
import type { GatewayContext } from './context.ts';
import { principalView } from './cache/response-cache.ts';
import { isRefusedByLimits } from './limits/plugin.ts';

/**
 * Federation's authorization directives (@authenticated, @requiresScopes, @policy), enforced here with the Apollo
 * Router's semantics: before planning, fields and types the principal may not use are removed from the operation;
 * they come back as null with one UNAUTHORIZED_FIELD_OR_TYPE error per path, and the rest executes. In `reject`
 * mode the whole operation is refused instead.
 */
/** A named policy for `@policy`: the principal must meet every condition given. */
export interface PolicyRule {
  minClearance?: Classification;
  /** The principal acts for a nation (not only an organisation). */
  requireNation?: boolean;
  /** At least one of these roles. */
  anyRole?: string[];
}

export const SECURITY_FEATURES = ['authenticated', 'requiresScopes', 'policy'];

/**
 * The composed supergraph marks these features `for: SECURITY`, which @apollo/gateway refuses to load because it
 * cannot enforce them. This gateway enforces them itself, so it hands @apollo/gateway the supergraph with those
 * three links as plain features; any other SECURITY feature is still refused.
 */
export function gatewayCompatibleSdl(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g,
    '$1)',
  );
}

const rank = (c: Classification) => CLASSIFICATIONS.indexOf(c);

function meetsPolicy(principal: Principal, name: string, policies: Readonly<Record<string, PolicyRule>>): boolean {
  const rule = policies[name];
  if (!rule) return false; // an unknown policy grants nothing
  if (rule.minClearance && rank(principal.clearance) < rank(rule.minClearance)) return false;
  if (rule.requireNation && !principal.nation) return false;
  if (rule.anyRole && !rule.anyRole.some((role) => principal.roles.includes(role))) return false;
  return true;
}

export function satisfies(principal: Principal | null, requirement: Requirement, policies: Readonly<Record<string, PolicyRule>>): boolean {
  if (requirement.authenticated && !principal) return false;
  if (requirement.scopes && !(principal && requirement.scopes.some((group) => group.every((scope) => principal.scopes.includes(scope))))) return false;
  if (requirement.policies && !(principal && requirement.policies.some((group) => group.every((policy) => meetsPolicy(principal, policy, policies))))) {
    return false;
  }
  return true;
}

interface Removal {
  /** Response path (aliases), without list indices. */
  path: string[];
  coordinate: string;
  /** Where null lands: the removed field, or the nearest nullable field above it (null propagation). */
  nullPath: string[] | null;
}

/** Removes the fields the principal may not use; returns the new operation and what was removed. */
export function filterOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  allowed: (coordinate: string) => boolean,
): { operation: OperationDefinitionNode; removals: Removal[] } {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const removals: Removal[] = [];
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();

  // `ancestors`: for each field on the way down, its response key and whether it can absorb a null.
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, ancestors: { key: string; nullable: boolean }[]): SelectionSetNode | null => {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOn(parent, selection);
        if (!field) {
          kept.push(selection);
          continue;
        }
        const key = selection.alias?.value ?? selection.name.value;
        const path = [...ancestors.map((a) => a.key), key];
        // The schema comes from @apollo/gateway's copy of graphql-js; type names, not instanceof checks, work across copies.
        const typeName = String(field.type);
        const returned = schema.getType(typeName.replace(/[[\]!]/g, ''))!;
        const coordinate = `${parent.name}.${field.name}`;
        const nullable = !typeName.endsWith('!');
        if (!allowed(coordinate) || !allowed(returned.name)) {
          const chain = [...ancestors, { key, nullable }];
          let at = chain.length - 1;
          while (at >= 0 && !chain[at].nullable) at--;
          removals.push({ path, coordinate: allowed(coordinate) ? returned.name : coordinate, nullPath: at < 0 ? null : chain.slice(0, at + 1).map((c) => c.key) });
          continue;
        }
        if (!selection.selectionSet) {
          kept.push(selection);
          continue;
        }
        const inner = walk(selection.selectionSet, returned as GraphQLCompositeType, [...ancestors, { key, nullable }]);
        if (inner) kept.push({ ...selection, selectionSet: inner });
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const typeName = fragment.typeCondition?.name.value;
      const type = (typeName ? schema.getType(typeName) : parent) as GraphQLCompositeType;
      const inner = walk(fragment.selectionSet, type, ancestors);
      // Named fragments are inlined: a fragment used in two places may lose different fields in each.
      if (inner) kept.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet: inner });
    }
    return kept.length > 0 ? { ...selectionSet, selections: kept } : null;
  };

  const selectionSet = root ? walk(operation.selectionSet, root, []) : operation.selectionSet;
  return { operation: { ...operation, selectionSet: selectionSet ?? { kind: Kind.SELECTION_SET, selections: [typenameField] } }, removals };
}

const typenameField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

function fieldOn(parent: GraphQLCompositeType, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
}

/** Sets `null` at a response path in every object along it (lists are walked through). */
function setNull(data: unknown, path: string[]): void {
  if (data === null || data === undefined) return;
  if (Array.isArray(data)) return data.forEach((item) => setNull(item, path));
  if (typeof data !== 'object') return;
  const [head, ...rest] = path;
  const record = data as Record<string, unknown>;
  if (rest.length === 0) record[head] = null;
  else setNull(record[head], rest);
}

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

export function ApolloServerPluginAuthorization(options: AuthorizationOptions): ApolloServerPlugin<GatewayContext> {
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
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const requirements = options.requirements();
          if (requirements.size === 0 || !requestContext.operation || !requestContext.document) return;
          // Refused already: filtering writes fragments out in place, exponential work for a fragment bomb.
          if (isRefusedByLimits(requestContext.request)) return;
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
          const mutable = requestContext as { -readonly [K in keyof GraphQLRequestContext<GatewayContext>]: GraphQLRequestContext<GatewayContext>[K] };
          mutable.operation = operation;
          mutable.document = { kind: Kind.DOCUMENT, definitions: [operation] };
          // The query plan cache is keyed by this hash: principals with different rights must not share a plan.
          mutable.queryHash = createHash('sha256')
            .update(`${requestContext.queryHash}|${removals.map((r) => r.path.join('.')).join(',')}`)
            .digest('hex');
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
  };
}
