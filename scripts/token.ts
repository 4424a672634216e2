// `npm run token -- --role <role> --nation <ISO3> --org <id> --clearance <level> [--scope <scope> ...] [--wg <group> ...]
//   [--caveat <caveat> ...] [--not-participant]`, or `npm run token -- --as <name>` for one of the development principals
// (gateway/src/auth/dev-keys.ts: operations-dashboard, us-j2-analyst, wfp-officer, who-medevac, us-visitor, ...).
// Prints a development bearer token signed with the development key under DATA_DIR/auth (the key the gateway trusts
// when no identity provider is configured).
import path from 'node:path';
import { DEV_PRINCIPALS, signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { CLASSIFICATIONS } from '@cmcc/contracts';
import { parseCli, usageError } from '@cmcc/platform';

const USAGE = `Usage: npm run -s token -- [options]   prints a development bearer token (the key the gateway trusts without an identity provider)
  --role <role>         a role, repeatable (default member), e.g. dashboard, analyst, editor
  --nation <ISO3>       the principal's nation, e.g. GBR
  --org <id>            the principal's organisation, e.g. CMCC
  --clearance <level>   ${CLASSIFICATIONS.join(', ')} (default UNCLASSIFIED)
  --scope <scope>       a scope, repeatable, e.g. read:* or write:security
  --wg <group>          a working group, repeatable
  --caveat <caveat>     a handling caveat the principal is cleared for, repeatable, e.g. ORCON or MEDICAL
  --sub <subject>       the subject (default dev-<role>-<nation or org>)
  --not-participant     not a CMCC participant
  --expires <time>      lifetime, e.g. 30m or 8h (default 8h)
  --as <name>           instead of the options above, one of the development principals:
                        ${Object.keys(DEV_PRINCIPALS).join(', ')}
A token is a CMCC participant (may read TLP:GREEN) only through its cmcc claim, which this tool sets unless --not-participant.
The key is read from (or created in) DATA_DIR/auth (default data/auth), as the gateway does.`;

const { values } = parseCli({
  usage: USAGE,
  options: {
    as: { type: 'string' },
    sub: { type: 'string' },
    role: { type: 'string', multiple: true },
    nation: { type: 'string' },
    org: { type: 'string' },
    clearance: { type: 'string', default: 'UNCLASSIFIED' },
    scope: { type: 'string', multiple: true },
    wg: { type: 'string', multiple: true },
    // Handling caveats the principal is cleared for (e.g. --caveat ORCON --caveat MEDICAL); NOFORN is never granted by a claim.
    caveat: { type: 'string', multiple: true },
    'not-participant': { type: 'boolean' },
    expires: { type: 'string', default: '8h' },
  },
});
if (values.as) {
  const principal = DEV_PRINCIPALS[values.as];
  if (!principal) usageError(USAGE, `--as must be one of ${Object.keys(DEV_PRINCIPALS).join(', ')}`);
  console.log(await signDevToken(path.resolve(process.env.DATA_DIR || 'data'), { ...principal }, values.expires));
  process.exit(0);
}
const clearance = values.clearance!.toUpperCase();
if (!CLASSIFICATIONS.includes(clearance as never)) {
  usageError(USAGE, `--clearance must be one of ${CLASSIFICATIONS.join(', ')}`);
}
if (values.nation && !/^[A-Z]{3}$/.test(values.nation.toUpperCase())) {
  usageError(USAGE, '--nation must be an ISO 3166 alpha-3 code such as GBR');
}
const roles = values.role ?? ['member'];
const claims = {
  sub: values.sub ?? `dev-${roles[0]}-${(values.nation ?? values.org ?? 'cmcc').toLowerCase()}`,
  roles,
  nation: values.nation?.toUpperCase(),
  org: values.org,
  clearance,
  scope: (values.scope ?? []).join(' '),
  wg: values.wg ?? [],
  cmcc: !values['not-participant'],
  caveats: (values.caveat ?? []).map((caveat) => caveat.toUpperCase()),
};
console.log(await signDevToken(path.resolve(process.env.DATA_DIR || 'data'), claims, values.expires));
