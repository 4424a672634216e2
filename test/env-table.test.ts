import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { ALL_ENV_REGISTRIES } from '../scripts/env-registries.ts';
import { ENV_TABLE_END, ENV_TABLE_START, renderEnvTable, replaceEnvTable, SUBGRAPH_ENV } from '@cmcc/platform';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

describe('the README table of environment variables', () => {
  it('is the one generated from the declarations (run npm run env-table when this fails)', () => {
    expect(readme).toContain(ENV_TABLE_START);
    expect(readme).toContain(ENV_TABLE_END);
    expect(replaceEnvTable(readme, renderEnvTable(ALL_ENV_REGISTRIES)), 'README.md is out of date: run npm run env-table').toBe(readme);
  });

  it('lists every declared variable once, with its default and who reads it', () => {
    const table = readme.slice(readme.indexOf(ENV_TABLE_START), readme.indexOf(ENV_TABLE_END));
    const names = ALL_ENV_REGISTRIES.flatMap((registry) => Object.keys(registry));
    expect(new Set(names).size).toBe(names.length);
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(names.length);
    for (const name of [...names, ...Object.keys(SUBGRAPH_ENV)])
      expect(
        rows.filter((row) => row.startsWith(`| \`${name}\``)),
        name,
      ).toHaveLength(1);
    expect(table).toContain('| `GATEWAY_PORT` | gateway | `4000` |');
    expect(table).toContain('| `GATEWAY_MAX_BODY_BYTES` (formerly `MAX_BODY_BYTES`) | gateway | `1000000` |');
  });
});
