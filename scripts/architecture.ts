// `npm run architecture`: rewrites the generated section of docs/architecture.md (the package graph and a paragraph
// per package) from the package.json files and scripts/package-policy.cjs.
// `npm run architecture -- --check`: writes nothing; exits 1 when the section is stale or a package.json declares a
// workspace package its policy forbids.
import fs from 'node:fs';
import path from 'node:path';
import { writeOrCheck } from './generated-section.ts';
import { parseCli } from '@cmcc/platform';
import { policy, renderArchitecture, withArchitecture } from './architecture-doc.ts';

const USAGE = `Usage: npm run architecture [-- --check]
  rewrites the package graph and the package paragraphs of docs/architecture.md from the package.json files
  --check   write nothing; exit 1 when docs/architecture.md is stale or a package.json breaks the package policy`;

const { values } = parseCli({ usage: USAGE, options: { check: { type: 'boolean' } } });
const file = path.join(policy.ROOT, 'docs', 'architecture.md');
const workspaces = policy.readWorkspaces();
const problems = policy.manifestViolations(workspaces);
if (problems.length > 0) {
  console.error(`Some package.json files declare a workspace package their policy forbids:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
writeOrCheck({
  file,
  what: 'the generated section (package graph and paragraphs)',
  updated: withArchitecture(fs.readFileSync(file, 'utf8'), renderArchitecture(workspaces)),
  command: 'npm run architecture',
  check: Boolean(values.check),
  root: policy.ROOT,
});
