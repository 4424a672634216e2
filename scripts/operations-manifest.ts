// `npm run operations:manifest [-- --out file]`: writes the persisted query manifest of schema/operations/ (default
// schema/operations/manifest.json), for clients that send operations by hash and for GATEWAY_OPERATIONS_MANIFEST.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { buildManifest } from '@cmcc/gateway/operations/manifest';
import { parseCli } from '@cmcc/platform';

const USAGE = `Usage: npm run operations:manifest [-- --out <file>]
  writes the persisted query manifest of schema/operations/ (Apollo's format), for clients and GATEWAY_OPERATIONS_MANIFEST
  --out <file>   where (default schema/operations/manifest.json)`;

const { values } = parseCli({ usage: USAGE, options: { out: { type: 'string' } } });
const out = path.resolve(values.out ?? path.join(PROJECT_ROOT, 'schema', 'operations', 'manifest.json'));
const manifest = buildManifest(path.join(PROJECT_ROOT, 'schema', 'operations'));
fs.writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${manifest.operations.length} operations written to ${path.relative(process.cwd(), out)}`);
