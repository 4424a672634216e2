/**
 * Which saved operations the signed-in principal may run, as the gateway will decide it (issue 20, point 1): each saved
 * operation is put through the authorize stage's own filter (../authorization/filter.ts, decided by
 * ../authorization/requirements.ts) for the principal of the request for `/explorer/operations.json`. The explorer then
 * lists apart the operations refused to that principal, and says of the others which fields come back withheld and
 * what they need, so that running a saved operation as shipped never surprises its reader with a refusal.
 */
import type http from 'node:http';
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal, Requirement, Requirements } from '@cmcc/contracts';
import { filterOperation } from '../authorization/filter.ts';
import { satisfies, type PolicyRule } from '../authorization/requirements.ts';
import type { SavedOperation } from './operations.ts';

/** A field or type of a saved operation the principal may not use, where it is, and what it needs. */
export interface Refusal {
  /** The schema coordinate (`Query.auditEvents`, `SecurityIncident.latitude`) or type refused. */
  readonly coordinate: string;
  /** Response path, without list indices (`incidents.edges.node.latitude`). */
  readonly path: string;
  /** What the schema asks of a principal for it, in words (`scope audit:read`). */
  readonly needs: string;
}

/**
 * `full`: runs without a refusal. `partial`: runs, with the refused fields null and one UNAUTHORIZED_FIELD_OR_TYPE error
 * each (the gateway's filter mode). `refused`: nothing of it comes back (every root field refused, or any refusal in
 * the gateway's reject mode).
 */
export type Runnable = 'full' | 'partial' | 'refused';

export interface OperationAccess {
  readonly runnable: Runnable;
  /** Each refused field once per response path; none named in the gateway's reject mode, which names none either. */
  readonly refused: readonly Refusal[];
}

/** The principal's access to each saved operation, by file (`schema/operations/FloorMap.graphql`). */
export interface AccessReport {
  /** The principal it was assessed for (its subject). */
  readonly principal: string;
  readonly operations: Readonly<Record<string, OperationAccess>>;
}

export type AssessOperations = (request: http.IncomingMessage, operations: readonly SavedOperation[]) => Promise<AccessReport | undefined>;

export interface AccessOptions {
  /** The gateway's authenticator: a request's credential to its principal (rejects when there is none or it is bad). */
  readonly authenticate: (request: http.IncomingMessage) => Promise<Principal>;
  /** The API schema being served, once loaded. */
  readonly schema: () => GraphQLSchema | undefined;
  /** The authorization requirements of the supergraph being served. */
  readonly requirements: () => Requirements;
  readonly policies: Readonly<Record<string, PolicyRule>>;
  /** GATEWAY_AUTHORIZATION_MODE: in `reject` mode any refused field refuses the whole operation. */
  readonly mode: 'filter' | 'reject';
}

/**
 * The assessor for the explorer's operations route: undefined (nothing said) for a request without a credential, with
 * one the gateway does not accept, or before the schema is loaded.
 */
export function createOperationAssessor(options: AccessOptions): AssessOperations {
  return async (request, operations) => {
    if (!request.headers.authorization && !request.headers['x-api-key']) return undefined;
    const principal = await options.authenticate(request).catch(() => undefined);
    const schema = options.schema();
    if (!principal || !schema) return undefined;
    const requirements = options.requirements();
    const assessed: Record<string, OperationAccess> = {};
    for (const operation of operations) {
      try {
        assessed[operation.file] = assessOperation(schema, operation.document, requirements, principal, options);
      } catch {
        // An operation the schema does not know (a stale saved operation) is left unassessed: running it says why.
      }
    }
    return { principal: principal.subject, operations: assessed };
  };
}

/** What the authorize stage would refuse the principal in this document, and whether anything of it would come back. */
export function assessOperation(
  schema: GraphQLSchema,
  text: string,
  requirements: Requirements,
  principal: Principal,
  options: Pick<AccessOptions, 'policies' | 'mode'>,
): OperationAccess {
  const document = parse(text);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  const allowed = (coordinate: string) => {
    const requirement = requirements.get(coordinate);
    return !requirement || satisfies(principal, requirement, options.policies);
  };
  const { removals } = filterOperation(schema, document, operation, allowed);
  const seen = new Set<string>();
  const refused: Refusal[] = [];
  for (const removal of removals) {
    const path = removal.path.join('.');
    if (seen.has(`${path} ${removal.coordinate}`)) continue;
    seen.add(`${path} ${removal.coordinate}`);
    refused.push({ coordinate: removal.coordinate, path, needs: describeRequirement(requirements.get(removal.coordinate), options.policies) });
  }
  const rootKeys = operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.alias?.value ?? selection.name.value] : []));
  const refusedRoots = new Set(removals.filter((removal) => removal.path.length === 1).map((removal) => removal.path[0]));
  const nothingBack = rootKeys.length > 0 && rootKeys.every((key) => refusedRoots.has(key));
  if (refused.length === 0) return { runnable: 'full', refused };
  // Reject mode refuses the whole operation without naming the fields (the authorize stage's choice: the list would map
  // what the principal's credentials lack), so the explorer does not name them either.
  if (options.mode === 'reject') return { runnable: 'refused', refused: [] };
  return { runnable: nothingBack ? 'refused' : 'partial', refused };
}

/** A requirement in words: `scope audit:read`, `policy sensitive-location (acting for a nation, cleared RESTRICTED or higher)`. */
export function describeRequirement(requirement: Requirement | undefined, policies: Readonly<Record<string, PolicyRule>>): string {
  if (!requirement) return 'a right this gateway does not name';
  const parts: string[] = [];
  if (requirement.scopes) parts.push(anyOf(requirement.scopes.map((group) => group.map((scope) => `scope ${scope}`).join(' and '))));
  if (requirement.policies) parts.push(anyOf(requirement.policies.map((group) => group.map((name) => describePolicy(name, policies[name])).join(' and '))));
  if (requirement.authenticated && parts.length === 0) parts.push('a signed-in principal');
  return parts.join(', and ') || 'a right this gateway does not name';
}

function anyOf(alternatives: string[]): string {
  return alternatives.length === 0 ? 'a right no principal holds' : alternatives.join(', or ');
}

function describePolicy(name: string, rule: PolicyRule | undefined): string {
  if (!rule) return `policy ${name} (not configured on this gateway: nobody meets it)`;
  const conditions = [
    rule.requireNation ? 'acting for a nation' : '',
    rule.minClearance ? `cleared ${rule.minClearance} or higher` : '',
    rule.anyRole?.length ? `one of the roles ${rule.anyRole.join(', ')}` : '',
  ].filter(Boolean);
  return conditions.length > 0 ? `policy ${name} (${conditions.join(', ')})` : `policy ${name}`;
}
