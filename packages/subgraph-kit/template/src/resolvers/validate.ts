import { badUserInput } from '@cmcc/subgraph-kit';

const PCODE = /^PS\d{0,8}$/;

/** A P-code must look like one (PS followed by digits) before it is looked up. */
export function checkPcode(pcode: string, argumentName = 'areaPcode'): string {
  if (!PCODE.test(pcode)) {
    throw badUserInput(`"${argumentName}" must be a COD-AB P-code such as "PS0255" (PS followed by digits); got ${JSON.stringify(pcode)}`, argumentName);
  }
  return pcode;
}
