import { badUserInput } from '@cmcc/subgraph-kit';

const PCODE = /^PS\d{0,8}$/;

/** A P-code must look like one (PS followed by digits) before it is looked up. */
export function checkPcode(pcode: string, argumentName = 'areaPcode'): string {
  if (!PCODE.test(pcode)) {
    throw badUserInput(`"${argumentName}" must be a COD-AB P-code such as "PS0255" (PS followed by digits); got ${JSON.stringify(pcode)}`, argumentName);
  }
  return pcode;
}

/** A window must end after it starts; DateTime arguments arrive already parsed by the kit's scalar. */
export function checkWindow(since: Date | null | undefined, until: Date | null | undefined): { since: Date | null; until: Date | null } {
  if (since && until && until.getTime() <= since.getTime()) {
    throw badUserInput(`"until" must be later than "since"; got since ${since.toISOString()} and until ${until.toISOString()}`, 'until');
  }
  return { since: since ?? null, until: until ?? null };
}
