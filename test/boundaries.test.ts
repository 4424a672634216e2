import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { runToEnd, type ProcessOutcome } from '@cmcc/test-support/process';
import { ARCHITECTURE_END, ARCHITECTURE_START, policy, renderArchitecture, withArchitecture, type Workspace } from '../scripts/architecture-doc.ts';

// The package boundaries (.dependency-cruiser.cjs, scripts/package-policy.cjs) judged on the repository, which must
// keep them, and on a small tree of deliberate violations, each of which must fail naming its rule and its file.

// What `npm run boundaries` runs (node_modules/.bin/depcruise), started with this node.
const DEPCRUISE = fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'depcruise'));
const NPM_SCRIPT_ARGS = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts.boundaries as string).split(' ').slice(1);

/** `npm run boundaries` in `cwd`, without npm's own start-up: dependency-cruiser with the config and folders it names. */
function boundaries(cwd: string, folders = NPM_SCRIPT_ARGS.slice(2)): Promise<ProcessOutcome> {
  return runToEnd(process.execPath, [DEPCRUISE, ...NPM_SCRIPT_ARGS.slice(0, 2), '--output-type', 'err', ...folders], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
}

/** `error <rule>: <from> → <to>` lines of dependency-cruiser's report, as [rule, from] pairs. */
function violations(output: string): [string, string][] {
  return [...output.matchAll(/^\s*error (\S+): (\S+) →/gm)].map((match) => [match[1], match[2]] as [string, string]);
}

describe('the repository', () => {
  it('keeps every package boundary: no cycle, no relative import across packages, no deep import, no forbidden or undeclared dependency', async () => {
    const result = await boundaries(PROJECT_ROOT);
    expect(result.stdout + result.stderr).toContain('no dependency violations found');
    expect(result.code, result.stdout + result.stderr).toBe(0);
  }, 120_000);

  it('declares in each package.json only the workspace packages its policy allows', () => {
    expect(policy.manifestViolations()).toEqual([]);
  });

  it('has docs/architecture.md generated from the current package.json files (else: run `npm run architecture`)', () => {
    const document = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');
    expect(document).toContain(ARCHITECTURE_START);
    expect(document).toContain(ARCHITECTURE_END);
    const current = withArchitecture(document, renderArchitecture(policy.readWorkspaces()));
    expect(current === document, 'docs/architecture.md is out of date with the package.json files: run `npm run architecture` and commit the result.').toBe(true);
  });
});

// A tree shaped like the repository (the same config and policy files), with one deliberate violation per file.
const FIXTURE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module', workspaces: ['packages/*', 'gateway', 'subgraphs/*'] }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
  'node_modules/left-pad-like/package.json': JSON.stringify({ name: 'left-pad-like', version: '1.0.0', main: 'index.js' }),
  'node_modules/left-pad-like/index.js': 'module.exports = (text) => text;\n',
  'packages/contracts/package.json': JSON.stringify({ name: '@cmcc/contracts', type: 'module', exports: { '.': './src/index.ts' } }),
  'packages/contracts/src/index.ts': "export { marking } from './marking.ts';\n",
  'packages/contracts/src/marking.ts': "export const marking = 'UNCLASSIFIED';\n",
  // A cycle: each module imports the other.
  'packages/contracts/src/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = () => b;\n",
  'packages/contracts/src/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = () => a;\n",
  'packages/subgraph-kit/package.json': JSON.stringify({
    name: '@cmcc/subgraph-kit',
    type: 'module',
    exports: { '.': './src/index.ts' },
    dependencies: { '@cmcc/contracts': '*' },
    devDependencies: { 'left-pad-like': '^1.0.0' },
  }),
  'packages/subgraph-kit/src/index.ts': "export { marking } from '@cmcc/contracts';\nexport const runSubgraph = () => undefined;\n",
  'packages/subgraph-kit/src/internal.ts': 'export const internal = 1;\n',
  // An npm package declared only in devDependencies, used by the kit's code.
  'packages/subgraph-kit/src/pads.ts': "import pad from 'left-pad-like';\nexport const padded = pad('x');\n",
  'gateway/package.json': JSON.stringify({
    name: '@cmcc/gateway',
    type: 'module',
    exports: { './server': './src/server.ts' },
    dependencies: { '@cmcc/contracts': '*', '@cmcc/subgraph-kit': '*' },
  }),
  'gateway/src/server.ts': "import { marking } from '@cmcc/contracts';\nexport const serve = () => marking;\n",
  // The gateway using the subgraph kit (declared, but forbidden by the policy).
  'gateway/src/uses-kit.ts': "import { runSubgraph } from '@cmcc/subgraph-kit';\nexport const run = runSubgraph;\n",
  'subgraphs/engineering/package.json': JSON.stringify({ name: '@cmcc/subgraph-engineering', type: 'module', exports: {}, dependencies: { '@cmcc/subgraph-kit': '*' } }),
  // Allowed: the kit by its name.
  'subgraphs/engineering/src/server.ts': "import { runSubgraph } from '@cmcc/subgraph-kit';\nexport const engineering = runSubgraph;\n",
  // A subgraph using gateway code.
  'subgraphs/engineering/src/uses-gateway.ts': "import { serve } from '@cmcc/gateway/server';\nexport const served = serve;\n",
  // A relative path into another package.
  'subgraphs/engineering/src/relative-into-kit.ts': "import { internal } from '../../../packages/subgraph-kit/src/internal.ts';\nexport const reached = internal;\n",
  // A deep import past the kit's "exports".
  'subgraphs/engineering/src/deep-import.ts': "import { internal } from '@cmcc/subgraph-kit/src/internal.ts';\nexport const deep = internal;\n",
  // The contracts are allowed to a subgraph, but engineering's package.json does not declare them.
  'subgraphs/engineering/src/undeclared-workspace.ts': "import { marking } from '@cmcc/contracts';\nexport const used = marking;\n",
  // An npm package engineering's package.json does not declare.
  'subgraphs/engineering/src/undeclared-npm.ts': "import pad from 'left-pad-like';\nexport const padded = pad('y');\n",
};

describe('a tree with deliberate violations', () => {
  let dir: string;
  let result: ProcessOutcome;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-boundaries-'));
    for (const [file, content] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    fs.copyFileSync(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(PROJECT_ROOT, 'scripts', 'package-policy.cjs'), path.join(dir, 'scripts', 'package-policy.cjs'));
    // The workspace links npm would make.
    fs.mkdirSync(path.join(dir, 'node_modules', '@cmcc'), { recursive: true });
    for (const [name, folder] of [
      ['contracts', 'packages/contracts'],
      ['subgraph-kit', 'packages/subgraph-kit'],
      ['gateway', 'gateway'],
      ['subgraph-engineering', 'subgraphs/engineering'],
    ]) {
      fs.symlinkSync(path.join(dir, folder), path.join(dir, 'node_modules', '@cmcc', name), 'dir');
    }
    result = await boundaries(dir, ['packages', 'gateway', 'subgraphs']);
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails (exit status not 0)', () => {
    expect(result.code, result.stdout + result.stderr).not.toBe(0);
  });

  it('names each violation by its rule and file, and nothing else', () => {
    const found = violations(result.stdout);
    // A cycle is reported once, from one of its modules.
    const cycles = found.filter(([rule]) => rule === 'no-circular');
    expect(cycles).toHaveLength(1);
    expect(cycles[0][1]).toMatch(/^packages\/contracts\/src\/cycle-[ab]\.ts$/);
    expect(found.filter(([rule]) => rule !== 'no-circular').sort()).toEqual(
      [
        ['not-to-dev-dep', 'packages/subgraph-kit/src/pads.ts'],
        ['package-boundary/gateway', 'gateway/src/uses-kit.ts'],
        ['package-boundary/subgraph-engineering', 'subgraphs/engineering/src/uses-gateway.ts'],
        ['undeclared-workspace-dependency/subgraph-engineering', 'subgraphs/engineering/src/uses-gateway.ts'],
        ['no-relative-import-across-packages', 'subgraphs/engineering/src/relative-into-kit.ts'],
        ['not-to-unresolvable', 'subgraphs/engineering/src/deep-import.ts'],
        ['undeclared-workspace-dependency/subgraph-engineering', 'subgraphs/engineering/src/undeclared-workspace.ts'],
        ['not-to-undeclared', 'subgraphs/engineering/src/undeclared-npm.ts'],
      ].sort(),
    );
  });

  it('reports a subgraph importing gateway code as `package-boundary/<subgraph>`, pointing at the gateway file', () => {
    expect(result.stdout).toMatch(/error package-boundary\/subgraph-engineering: subgraphs\/engineering\/src\/uses-gateway\.ts → gateway\/src\/server\.ts/);
  });

  it('reports a relative path into another package as `no-relative-import-across-packages`', () => {
    expect(result.stdout).toMatch(/error no-relative-import-across-packages: subgraphs\/engineering\/src\/relative-into-kit\.ts → packages\/subgraph-kit\/src\/internal\.ts/);
  });
});

describe('the package policy of the package.json files', () => {
  const workspace = (name: string, dir: string, dependencies: string[] = [], devDependencies: string[] = []): Workspace => ({
    name,
    dir,
    description: '',
    dependencies,
    devDependencies,
  });

  it('refuses a subgraph declaring the gateway, and the contracts declaring any workspace package', () => {
    const problems = policy.manifestViolations([
      workspace('@cmcc/contracts', 'packages/contracts', ['@cmcc/subgraph-kit']),
      workspace('@cmcc/subgraph-kit', 'packages/subgraph-kit', ['@cmcc/contracts']),
      workspace('@cmcc/gateway', 'gateway', ['@cmcc/contracts']),
      workspace('@cmcc/subgraph-engineering', 'subgraphs/engineering', ['@cmcc/subgraph-kit'], ['@cmcc/gateway']),
    ]);
    expect(problems).toEqual([
      'packages/contracts/package.json "dependencies" lists @cmcc/subgraph-kit, which @cmcc/contracts code may not use (scripts/package-policy.cjs)',
      'subgraphs/engineering/package.json "devDependencies" lists @cmcc/gateway, which @cmcc/subgraph-engineering tests may not use (scripts/package-policy.cjs)',
    ]);
  });

  it('draws what each package.json declares, dotted for devDependencies, and rewrites only between the markers', () => {
    const section = renderArchitecture([
      workspace('@cmcc/contracts', 'packages/contracts'),
      workspace('@cmcc/subgraph-kit', 'packages/subgraph-kit', ['@cmcc/contracts']),
      workspace('@cmcc/subgraph-engineering', 'subgraphs/engineering', ['@cmcc/subgraph-kit'], ['@cmcc/governance']),
    ]);
    expect(section).toContain('pkg_subgraph_kit --> pkg_contracts');
    expect(section).toContain('pkg_subgraph_engineering --> pkg_subgraph_kit');
    expect(section).not.toContain('pkg_governance'); // not a workspace of this list
    const document = `# Title\n\nprose\n\n${ARCHITECTURE_START}\nstale\n${ARCHITECTURE_END}\n\nafter\n`;
    const rewritten = withArchitecture(document, section);
    expect(rewritten.startsWith('# Title\n\nprose\n\n')).toBe(true);
    expect(rewritten.endsWith('\n\nafter\n')).toBe(true);
    expect(rewritten).not.toContain('stale');
    expect(withArchitecture(rewritten, section)).toBe(rewritten);
  });
});
