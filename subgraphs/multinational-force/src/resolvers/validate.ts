import { badUserInput } from '@cmcc/subgraph-kit';

export const NATION = /^[A-Z]{3}$/;

/** A nation is an ISO 3166-1 alpha-3 code. */
export function checkNation(nation: string, argumentName = 'nation'): string {
  if (!NATION.test(nation)) throw badUserInput(`"${argumentName}" must be an ISO 3166-1 alpha-3 nation code such as "EGY"; got ${JSON.stringify(nation)}`, argumentName);
  return nation;
}
