// `npm run token -- --role <role> --nation <ISO3> --org <id> --clearance <level> [--scope <scope> ...] [--wg <group> ...]
//   [--caveat <caveat> ...] [--not-participant]`, or `npm run token -- --as <name>` for one of the development principals
// (gateway/src/auth/dev-keys.ts: operations-dashboard, us-j2-analyst, wfp-officer, who-medevac, us-visitor, ...).
// Prints a development bearer token signed with the development key under DATA_DIR/auth (the key the gateway trusts
// when no identity provider is configured).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_PRINCIPALS, signDevToken } from '../gateway/src/auth/dev-keys.ts';
import { CLASSIFICATIONS } from '../subgraphs/kit/src/marking.ts';

const { values } = parseArgs({
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
  if (!principal) {
    console.error(`--as must be one of ${Object.keys(DEV_PRINCIPALS).join(', ')}`);
    process.exit(2);
  }
  console.log(await signDevToken(path.resolve(process.env.DATA_DIR || 'data'), { ...principal }, values.expires));
  process.exit(0);
}
const clearance = values.clearance!.toUpperCase();
if (!CLASSIFICATIONS.includes(clearance as never)) {
  console.error(`--clearance must be one of ${CLASSIFICATIONS.join(', ')}`);
  process.exit(2);
}
if (values.nation && !/^[A-Z]{3}$/.test(values.nation.toUpperCase())) {
  console.error('--nation must be an ISO 3166 alpha-3 code such as GBR');
  process.exit(2);
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
