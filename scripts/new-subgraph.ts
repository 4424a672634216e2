// `npm run new-subgraph -- <name> [--entity <TypeName>] [--port <n>] [--owner <@team>] [--dry-run]`: creates a working
// subgraph for a new working group from packages/subgraph-kit/template/, registers it and recomposes the supergraph.
import path from 'node:path';
import { planSubgraph, ScaffoldError, writePlan } from './scaffold/generate.ts';
import { formatWritten } from './scaffold/format.ts';
import { parseCli, usageError } from '@cmcc/platform';

const USAGE = `Usage: npm run new-subgraph -- <name> [--entity <TypeName>] [--port <n>] [--owner <@team>] [--dry-run]
  <name>      the working group's subgraph, kebab-case, e.g. multinational-force
  --entity    the entity type it owns, PascalCase (default <Name>Record)
  --port      its port (default the next free one after the highest in schema/subgraphs.json)
  --owner     its owner in .github/CODEOWNERS (default @cmcc/<name>-wg)
  --dry-run   print what would be written, write nothing
  --root      the project to add it to (default this repository; tests use a temporary copy)`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: {
    entity: { type: 'string' },
    port: { type: 'string' },
    owner: { type: 'string' },
    root: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
});
if (positionals.length !== 1) {
  usageError(USAGE, positionals.length === 0 ? 'Give the name of the new subgraph.' : `One name only; got ${positionals.join(' ')}.`);
}

let plan;
try {
  plan = planSubgraph({ name: positionals[0], entity: values.entity, port: values.port, owner: values.owner, root: values.root });
} catch (error) {
  if (!(error instanceof ScaffoldError)) throw error;
  console.error(`Cannot create the subgraph:\n  - ${error.problems.join('\n  - ')}`);
  process.exit(2);
}
const name = plan.name.kebab;
const created = [...plan.files.keys()].filter((file) => file.startsWith(`subgraphs${path.sep}${name}${path.sep}`)).sort();
const edited = [...plan.files.keys()].filter((file) => !created.includes(file)).sort();
if (values['dry-run']) {
  console.log(`Would create ${created.length} files:\n  ${created.join('\n  ')}\nand update:\n  ${edited.join('\n  ')}\nNothing was written (--dry-run).`);
  process.exit(0);
}
writePlan(plan);
await formatWritten(plan.root, created);
console.log(`Created subgraphs/${name}/ (${created.length} files): ${plan.entity.pascal} on port ${plan.port}, owned by ${plan.owner}.
Updated ${edited.join(', ')}; the supergraph composes with it.

Next steps:
  1. npx vitest run subgraphs/${name}
     runs the generated tests (batching, releasability, seed, writes); they pass as generated.
  2. npm start
     starts ${name} on :${plan.port} with the others, seeded with SYNTHETIC records.
  3. Grow subgraphs/${name}/schema.graphql, src/resolvers/ and src/data/ (a new migration per change); keep
     test/leak-collections.ts listing every marked collection. The README's "Changing your schema" section says how to
     check and publish each change.
  4. Add ${name} to the subgraph table of README.md, then commit subgraphs/${name}/ and the updated files.`);
