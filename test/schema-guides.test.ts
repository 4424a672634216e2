import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { GUIDE_END, GUIDE_START, renderGuide, withGuide } from '../scripts/scaffold/guide.ts';

const readmes = [
  ...loadSubgraphList().map((entry) => [entry.name, path.join('subgraphs', entry.name, 'README.md')] as const),
  ['sample-group', path.join('packages', 'subgraph-kit', 'template', 'README.md')] as const,
];

describe('the "Changing your schema" guide in every subgraph README', () => {
  it.each(readmes)('%s carries the current guide with its own name (npm run schema-guides writes it)', (name, file) => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    expect(readme).toContain(GUIDE_START);
    expect(readme).toContain(GUIDE_END);
    expect(withGuide(readme, name)).toBe(readme);
    expect(readme).toContain(`npm run schema -- check ${name}`);
    expect(readme).toContain(`subgraphs/${name}/schema.graphql`);
  });

  it('a README whose guide was edited by hand, or that has none, is put right', () => {
    const guide = renderGuide('engineering');
    const edited = withGuide('# engineering\n', 'engineering').replace('Never rename or remove in one step.', 'Rename freely.');
    expect(withGuide(edited, 'engineering')).toContain('Never rename or remove in one step.');
    expect(withGuide(edited, 'engineering')).not.toContain('Rename freely.');
    expect(withGuide('# engineering\n', 'engineering')).toContain(guide.trim());
  });

  it('names in the guide follow the CLI contract of npm run schema', () => {
    const guide = renderGuide('security');
    for (const usage of [
      'check security',
      '--sdl',
      '--json',
      '--approve-loosening',
      '--allow-breaking',
      '--traffic-days',
      'publish security',
      'history',
      'diff <a> <b>',
      'rollback <version>',
      'SCHEMA_REGISTRY_DIR',
    ]) {
      expect(guide).toContain(usage);
    }
  });
});
