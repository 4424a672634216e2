// `npm run subgraph -- <name>`: runs one subgraph alone (port, database and data folder from the environment).
import fs from 'node:fs';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { parseCli, usageError } from '@cmcc/platform';

const names = loadSubgraphList().map((s) => s.name);
const USAGE = `Usage: npm run subgraph -- <name>   runs one subgraph alone (PORT, DATABASE_URL, DATA_DIR from the environment)
  <name>   one of: ${names.join(', ')}`;
const { positionals } = parseCli({ usage: USAGE, allowPositionals: true });
const [name] = positionals;
if (!name || !names.includes(name) || positionals.length > 1) {
  usageError(USAGE, name ? `Unknown subgraph "${positionals.join(' ')}".` : 'Name the subgraph to run.');
}
const entry = path.join(PROJECT_ROOT, 'subgraphs', name, 'src', 'index.ts');
if (!fs.existsSync(entry)) usageError(USAGE, `${entry} does not exist`);
await import(entry);
