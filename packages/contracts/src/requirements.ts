import { Kind, parse, type DirectiveNode, type ValueNode } from 'graphql';

// The authorization directives of federation (@authenticated, @requiresScopes, @policy) as the schema states them:
// read once here for the gateway (which enforces them), the subgraph kit (which protects history entries with them)
// and governance (which reports a change to them).

/** An authorization requirement of a type or field, as its directives state it. */
export interface Requirement {
  /** `@authenticated`: only a signed-in principal. */
  authenticated: boolean;
  /** OR of AND-groups: the principal holds every scope of at least one group. */
  scopes: string[][] | null;
  /** OR of AND-groups of `@policy` names. */
  policies: string[][] | null;
}

/** Requirements by schema coordinate: `Type` or `Type.field`. */
export type Requirements = ReadonlyMap<string, Requirement>;

/** A field's requirement (the same shape: the kit's name for it). */
export type FieldRequirement = Requirement;

const DIRECTIVES = ['authenticated', 'requiresScopes', 'policy'];

function stringLists(value: ValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((group) => (group.kind === Kind.LIST ? group.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : []));
}

/** The requirement the authorization directives of a type or field state, or null when they state none. */
export function requirementOf(directives: readonly DirectiveNode[] | undefined): FieldRequirement | null {
  let requirement: FieldRequirement | null = null;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (!DIRECTIVES.includes(name)) continue;
    requirement ??= { authenticated: false, scopes: null, policies: null };
    const argument = (arg: string) => directive.arguments?.find((a) => a.name.value === arg)?.value;
    if (name === 'authenticated') requirement.authenticated = true;
    if (name === 'requiresScopes') requirement.scopes = stringLists(argument('scopes'));
    if (name === 'policy') requirement.policies = stringLists(argument('policies'));
  }
  return requirement;
}

/** Reads every authorization directive of the supergraph, by coordinate. */
export function extractRequirements(supergraphSdl: string): Requirements {
  const requirements = new Map<string, Requirement>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const type = definition.name.value;
    const own = requirementOf(definition.directives);
    if (own) requirements.set(type, own);
    for (const field of ('fields' in definition ? definition.fields : undefined) ?? []) {
      const requirement = requirementOf(field.directives);
      if (requirement) requirements.set(`${type}.${field.name.value}`, requirement);
    }
  }
  return requirements;
}
