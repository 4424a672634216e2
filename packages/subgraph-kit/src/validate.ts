import { badUserInput } from '@cmcc/contracts';

const PCODE = /^PS\d{0,8}$/;

/**
 * A P-code argument must look like one (PS followed by digits) before it is looked up; `argumentName` is the
 * argument's name in the schema, which the BAD_USER_INPUT error names.
 */
export function checkPcode(pcode: string, argumentName: string): string {
  if (!PCODE.test(pcode)) {
    throw badUserInput(`"${argumentName}" must be a COD-AB P-code such as "PS0255" (PS followed by digits); got ${JSON.stringify(pcode)}`, argumentName);
  }
  return pcode;
}
