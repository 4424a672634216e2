// The package boundaries of the monorepo, checked by `npm run boundaries` and by test/boundaries.test.ts.
//
// What fails:
// - any import cycle between modules (no-circular);
// - a relative import that leaves its package's folder (no-relative-import-across-packages);
// - an import of a package name, or a subpath, that does not resolve through the target's package.json "exports"
//   (not-to-unresolvable; resolution honours "exports", so `@cmcc/gateway/src/x.ts` is a deep import and fails);
// - a workspace package using another it may not (package-boundary/<package>, from scripts/package-policy.cjs);
// - a workspace package using another it does not declare in its own package.json
//   (undeclared-workspace-dependency/<package>);
// - an npm package not declared in the importing workspace's own package.json (not-to-undeclared), or declared only
//   in devDependencies but used outside tests (not-to-dev-dep).
//
// The npm checks use the closest package.json of the importing file (combinedDependencies stays false): with it on,
// the root's dependencies would count for every workspace and hide what a workspace forgot to declare. The price is
// that dependency-cruiser cannot tell a workspace link from inside a workspace (the workspace's own package.json has no
// "workspaces" field), so the workspace checks below match on the resolved path of the target instead.
const { policyOf, readWorkspaces, testAllowance } = require('./scripts/package-policy.cjs');

const WORKSPACES = readWorkspaces();
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (dirs) => `^(${dirs.map(escapeRegExp).join('|')})/`;
/** Test code inside a workspace: a test/ folder anywhere in it, or a *.test.ts file. */
const TEST_CODE = '(^|/)test/|\\.test\\.[cm]?[jt]sx?$';

function packageRules() {
  const rules = [];
  for (const ws of WORKSPACES) {
    const short = ws.name.replace('@cmcc/', '');
    const policy = policyOf(ws.name);
    const others = WORKSPACES.filter((other) => other.name !== ws.name);
    const from = `^${escapeRegExp(ws.dir)}/`;
    // A workspace under test/ (test-support) is test code as a whole.
    const allTest = new RegExp(TEST_CODE).test(`${ws.dir}/`);
    const scopes = {
      src: allTest ? null : { path: from, pathNot: TEST_CODE },
      test: allTest ? { path: from } : { path: `${from}(test/|.*/test/|.*\\.test\\.[cm]?[jt]sx?$)` },
    };
    for (const scope of ['src', 'test']) {
      if (!scopes[scope]) continue;
      const allowed = scope === 'src' ? policy.src : testAllowance(policy);
      if (allowed !== '*') {
        const forbidden = others.filter((other) => !allowed.includes(other.name));
        if (forbidden.length > 0) {
          rules.push({
            name: `package-boundary/${short}`,
            severity: 'error',
            comment: `${ws.name} ${scope === 'src' ? 'code' : 'tests'} may use only ${allowed.length ? allowed.join(', ') : 'no other workspace package'} (scripts/package-policy.cjs, docs/architecture.md).`,
            from: scopes[scope],
            to: { path: under(forbidden.map((other) => other.dir)) },
          });
        }
      }
      const declared = scope === 'src' ? ws.dependencies : [...ws.dependencies, ...ws.devDependencies];
      const undeclared = others.filter((other) => !declared.includes(other.name));
      if (undeclared.length > 0) {
        rules.push({
          name: `undeclared-workspace-dependency/${short}`,
          severity: 'error',
          comment: `${ws.name} ${scope === 'src' ? 'code' : 'tests'} use a workspace package missing from ${ws.dir}/package.json ${scope === 'src' ? '"dependencies"' : '"dependencies" or "devDependencies"'}; declare it there as "*".`,
          from: scopes[scope],
          to: { path: under(undeclared.map((other) => other.dir)) },
        });
      }
    }
  }
  return rules;
}

const WORKSPACE_DIRS = WORKSPACES.map((w) => w.dir);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a cycle: move what both need into a third module, or invert one import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-relative-import-across-packages',
      severity: 'error',
      comment: 'A relative import leaves its package: import the other package by its name and what its package.json "exports" lists.',
      from: { path: under(WORKSPACE_DIRS) },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased'], pathNot: '^$1/' },
    },
    {
      name: 'no-relative-import-across-packages',
      severity: 'error',
      comment: 'A root script, benchmark or test reaches into a workspace package by a relative path: import it by its package name.',
      from: { pathNot: under(WORKSPACE_DIRS) },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased'], path: under(WORKSPACE_DIRS) },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'The import does not resolve. Across packages only what the package.json "exports" of the target lists resolves: a deep import into another package\'s files fails here.',
      from: {},
      // `floor:*` and `explorer:*`: the browser apps' virtual modules, files esbuild bundles by name
      // (gateway/src/floor/app.ts, gateway/src/explorer/bundle.ts).
      to: { couldNotResolve: true, pathNot: '^(floor|explorer):' },
    },
    {
      name: 'not-to-undeclared',
      severity: 'error',
      comment: "An npm package that the importing workspace's own package.json does not declare: add it there with the version range the root uses.",
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Code outside tests, benchmarks and tools uses an npm package declared only in "devDependencies": move it to "dependencies".',
      from: {
        path: '^(packages|governance|gateway|subgraphs|scripts)/',
        // Development-only code by design: the build and the scaffold's formatter are tools run from a checkout; the
        // browser apps' clients (explorer, floor) are bundled at build time (`npm run build`, `npm run floor:build`) and
        // web/bundle.ts loads esbuild only when no prebuilt bundle exists (development). test/build.test.ts proves the
        // built image runs without them.
        pathNot: [
          TEST_CODE,
          '^scripts/build\\.ts$',
          '^scripts/floor-build\\.ts$',
          '^scripts/scaffold/',
          '^gateway/src/explorer/client/',
          '^gateway/src/floor/client/',
          '^gateway/src/web/client/',
          '^gateway/src/web/bundle\\.ts$',
        ],
      },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    ...packageRules(),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^schema/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
