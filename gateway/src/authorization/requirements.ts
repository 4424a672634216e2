import { CLASSIFICATIONS } from '@cmcc/contracts';
import type { Principal, Classification, Requirement } from '@cmcc/contracts';

/**
 * Whether a principal satisfies a requirement of federation's authorization directives (@authenticated,
 * @requiresScopes, @policy): the decision the authorize stage (gateway/src/stages/authorize.ts) asks for each field and
 * type of an operation. The named policies of `@policy` come from the configuration (AUTH_POLICIES).
 */
/** A named policy for `@policy`: the principal must meet every condition given. */
export interface PolicyRule {
  minClearance?: Classification;
  /** The principal acts for a nation (not only an organisation). */
  requireNation?: boolean;
  /** At least one of these roles. */
  anyRole?: string[];
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
