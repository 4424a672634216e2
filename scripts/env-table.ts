// `npm run env-table`: rewrites the README's table of environment variables from their declarations (every
// component's `defineEnv` registry); `--check` only reports whether the README is up to date (exit 1 when not).
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { ALL_ENV_REGISTRIES } from './env-registries.ts';
import { writeOrCheck } from './generated-section.ts';
import { parseCli, renderEnvTable, replaceEnvTable } from '@cmcc/platform';

const USAGE = `Usage: npm run env-table [-- --check]
  rewrites the table of environment variables in README.md (between the env-table markers) from their declarations
  --check   only check that README.md is up to date (exit 1 when it is not)`;

const { values } = parseCli({ usage: USAGE, options: { check: { type: 'boolean' } } });
const readme = path.join(PROJECT_ROOT, 'README.md');
writeOrCheck({
  file: readme,
  what: 'the table of environment variables',
  updated: replaceEnvTable(fs.readFileSync(readme, 'utf8'), renderEnvTable(ALL_ENV_REGISTRIES)),
  command: 'npm run env-table',
  check: Boolean(values.check),
  root: PROJECT_ROOT,
});
