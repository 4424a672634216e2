// `npm run compose`: composes the subgraph SDLs into schema/supergraph.graphql.
// `npm run compose -- --check`: exits non-zero when the committed supergraph is stale, writing nothing.
// `--config <subgraphs.json>` and `--out <file>` compose another set of subgraphs (used by tests and tooling).
import fs from 'node:fs';
import path from 'node:path';
import { parseCli } from '@cmcc/platform';
import { composeFromFiles, loadSubgraphList, PROJECT_ROOT, SUPERGRAPH_PATH } from '@cmcc/governance/composition';

const USAGE = `Usage: npm run compose [-- --check] [--config <subgraphs.json>] [--out <file>]
  composes the subgraph SDLs of schema/subgraphs.json into schema/supergraph.graphql
  --check            write nothing; exit 1 when the committed supergraph is stale
  --config <file>    another list of subgraphs (default schema/subgraphs.json)
  --out <file>       another output file (default schema/supergraph.graphql)`;

const { values } = parseCli({ usage: USAGE, options: { check: { type: 'boolean' }, config: { type: 'string' }, out: { type: 'string' } } });
const check = values.check ?? false;
const outPath = values.out ? path.resolve(values.out) : SUPERGRAPH_PATH;
const result = composeFromFiles(values.config ? loadSubgraphList(path.resolve(values.config)) : undefined);
if (!result.ok) {
  console.error(`Composition failed with ${result.problems.length} problem(s):`);
  for (const problem of result.problems) {
    console.error(`  [${problem.subgraph ?? 'supergraph'}]${problem.code ? ` ${problem.code}:` : ''} ${problem.message}`);
  }
  process.exit(1);
}
const relative = path.relative(PROJECT_ROOT, outPath);
const current = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : '';
if (check) {
  if (current !== result.supergraphSdl) {
    console.error(`${relative} is stale: run \`npm run compose\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${relative} is up to date.`);
} else {
  // Write to a temporary file and rename, so a running gateway never reads a half-written supergraph.
  const temporary = `${outPath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, result.supergraphSdl);
  fs.renameSync(temporary, outPath);
  console.log(`Composed ${relative} (${current === result.supergraphSdl ? 'unchanged' : 'updated'}).`);
}
