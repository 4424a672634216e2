// `npm run architecture`: rewrites the generated section of docs/architecture.md (the package graph and a paragraph
// per package) from the package.json files and scripts/package-policy.cjs.
// `npm run architecture -- --check`: writes nothing; exits 1 when the section is stale or a package.json declares a
// workspace package its policy forbids.
import fs from 'node:fs';
import path from 'node:path';
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
const current = fs.readFileSync(file, 'utf8');
const updated = withArchitecture(current, renderArchitecture(workspaces));
if (values.check) {
  if (updated !== current) {
    console.error('docs/architecture.md is out of date with the package.json files: run `npm run architecture` and commit the result.');
    process.exit(1);
  }
  console.log('docs/architecture.md is up to date.');
} else {
  if (updated !== current) fs.writeFileSync(file, updated);
  console.log(updated === current ? 'docs/architecture.md was already up to date.' : 'Rewrote the generated section of docs/architecture.md.');
}
