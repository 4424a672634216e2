// `npm run schema-guides`: writes the "Changing your schema" guide (packages/subgraph-kit/template/schema-guide.md) into the
// README of every subgraph in schema/subgraphs.json and of the template, with each one's name.
// `npm run schema-guides -- --check`: exits 1 naming the READMEs whose guide is missing or stale, writing nothing.
import fs from 'node:fs';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { withGuide } from './scaffold/guide.ts';
import { TEMPLATE_NAME } from './scaffold/names.ts';
import { parseCli } from '@cmcc/platform';

const USAGE = `Usage: npm run schema-guides [-- --check]
  writes the "Changing your schema" guide (packages/subgraph-kit/template/schema-guide.md) into every subgraph's README
  --check   write nothing; exit 1 naming the READMEs whose guide is missing or stale`;

const { values } = parseCli({ usage: USAGE, options: { check: { type: 'boolean' } } });
const readmes = [
  ...loadSubgraphList().map((entry) => ({ name: entry.name, file: path.join('subgraphs', entry.name, 'README.md') })),
  { name: TEMPLATE_NAME.kebab, file: path.join('packages', 'subgraph-kit', 'template', 'README.md') },
];
const stale: string[] = [];
for (const { name, file } of readmes) {
  const absolute = path.join(PROJECT_ROOT, file);
  const current = fs.readFileSync(absolute, 'utf8');
  const updated = withGuide(current, name);
  if (updated === current) continue;
  stale.push(file);
  if (!values.check) fs.writeFileSync(absolute, updated);
}
if (values.check && stale.length > 0) {
  console.error(`The schema guide is missing or stale in: ${stale.join(', ')}. Run \`npm run schema-guides\` and commit the result.`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'Every README carries the current schema guide.' : `Updated the schema guide in: ${stale.join(', ')}.`);
