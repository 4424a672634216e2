// `npm run subgraph -- <name>`: runs one subgraph alone (port, database and data folder from the environment).
import fs from 'node:fs';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '../schema/composition.ts';

const name = process.argv[2];
const names = loadSubgraphList().map((s) => s.name);
if (!name || !names.includes(name)) {
  console.error(`Usage: npm run subgraph -- <name>   where <name> is one of: ${names.join(', ')}`);
  process.exit(2);
}
const entry = path.join(PROJECT_ROOT, 'subgraphs', name, 'src', 'index.ts');
if (!fs.existsSync(entry)) {
  console.error(`${entry} does not exist`);
  process.exit(2);
}
await import(entry);
