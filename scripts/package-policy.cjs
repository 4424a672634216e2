// Which workspace package may use which: the policy `.dependency-cruiser.cjs` enforces (`npm run boundaries`) and
// `npm run architecture` draws in docs/architecture.md. CommonJS, because dependency-cruiser loads its configuration
// with require().
const { readFileSync, readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

const CONTRACTS = '@cmcc/contracts';
const PLATFORM = '@cmcc/platform';
const KIT = '@cmcc/subgraph-kit';
const AUDIT_TRAIL = '@cmcc/audit-trail';
const GOVERNANCE = '@cmcc/governance';
const GATEWAY = '@cmcc/gateway';
const TEST_SUPPORT = '@cmcc/test-support';

/** A working group's subgraph (`subgraphs/<group>`), not the kit they build on. */
const isSubgraph = (name) => name.startsWith('@cmcc/subgraph-') && name !== KIT;

/**
 * What a package owns and which workspace packages it may use: `src` for its own code, `test` for its tests on top of
 * that; '*' means any package's exports. The root package (scripts/, bench/, test/*.test.ts) may use any package.
 */
function policyOf(name) {
  switch (name) {
    case CONTRACTS:
      return {
        src: [],
        test: [TEST_SUPPORT],
        owns: 'The contracts every part shares: the access marking and releasability rule v2, the principal and its signed header, the requirements of the authorization directives, error codes, scalars and the shared SDL.',
      };
    case PLATFORM:
      return {
        src: [CONTRACTS],
        test: [TEST_SUPPORT],
        owns: 'What every service runs on: environment configuration, logs, metrics, tracing, the HTTP server and its request limits, GraphQL error masking, shutdown, command-line parsing.',
      };
    case KIT:
      return {
        src: [CONTRACTS, PLATFORM],
        test: [TEST_SUPPORT],
        owns: 'What a working group builds its subgraph on: database and migrations, loaders, releasability in SQL, writes with history, imports, seeding, the subgraph server and runSubgraph; template/ is the new-subgraph template.',
      };
    case AUDIT_TRAIL:
      return {
        src: [CONTRACTS, PLATFORM],
        test: [TEST_SUPPORT],
        owns: 'The hash-chained audit trail: records, signed checkpoints, sinks (file, Redis), the store, the verifier, and the trail built from configuration.',
      };
    case GOVERNANCE:
      return {
        src: [CONTRACTS, PLATFORM, AUDIT_TRAIL],
        test: [TEST_SUPPORT],
        owns: 'Schema governance: composition, breaking-change checks, the schema registry and its publish/rollback workflow.',
      };
    case GATEWAY:
      return {
        src: [CONTRACTS, PLATFORM, AUDIT_TRAIL, GOVERNANCE],
        test: [TEST_SUPPORT],
        owns: 'The federation gateway: authentication, authorization, limits, caching, audit and query execution over the subgraphs.',
      };
    case TEST_SUPPORT:
      return { src: '*', test: '*', owns: 'Helpers the test suites share: stacks of real servers, the releasability oracle, fault proxies. Used only by tests.' };
    default:
      if (isSubgraph(name)) {
        const group = name.slice('@cmcc/subgraph-'.length);
        // The audit working group's subgraph is the query surface of the audit trail: it reads the trail's store.
        const src = group === 'audit' ? [KIT, CONTRACTS, AUDIT_TRAIL] : [KIT, CONTRACTS];
        return {
          src,
          test: [TEST_SUPPORT, GOVERNANCE],
          owns:
            group === 'audit'
              ? "The audit working group's subgraph: the audit trail, read only, for principals with audit:read."
              : `The ${group} working group's subgraph: its schema, resolvers, migrations, seed and importers.`,
        };
      }
      throw new Error(`scripts/package-policy.cjs: no policy for workspace package ${name}; add it to policyOf()`);
  }
}

/** Every workspace of the root package.json ("packages/*" expanded), with its package.json's workspace dependencies. */
function readWorkspaces(root = ROOT) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of manifest.workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json'))) dirs.push(`${parent}/${entry.name}`);
      }
    } else {
      dirs.push(pattern);
    }
  }
  return dirs.sort().map((dir) => {
    const own = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    return {
      dir,
      name: own.name,
      description: own.description ?? '',
      dependencies: Object.keys(own.dependencies ?? {}),
      devDependencies: Object.keys(own.devDependencies ?? {}),
    };
  });
}

/** The packages a package's tests may use: its own allowance and the tests' extra one. */
function testAllowance(policy) {
  return policy.src === '*' || policy.test === '*' ? '*' : [...policy.src, ...policy.test];
}

/**
 * Workspace dependencies a package.json declares that the policy forbids ("dependencies" against `src`,
 * "devDependencies" against `src` plus `test`), as readable lines; empty when every manifest keeps to the policy.
 */
function manifestViolations(workspaces = readWorkspaces()) {
  const names = new Set(workspaces.map((w) => w.name));
  const problems = [];
  for (const ws of workspaces) {
    const policy = policyOf(ws.name);
    for (const [field, allowed] of [
      ['dependencies', policy.src],
      ['devDependencies', testAllowance(policy)],
    ]) {
      for (const dependency of ws[field]) {
        if (!names.has(dependency) || allowed === '*' || allowed.includes(dependency)) continue;
        problems.push(
          `${ws.dir}/package.json "${field}" lists ${dependency}, which ${ws.name} ${field === 'dependencies' ? 'code' : 'tests'} may not use (scripts/package-policy.cjs)`,
        );
      }
    }
  }
  return problems;
}

module.exports = { ROOT, policyOf, readWorkspaces, testAllowance, manifestViolations, isSubgraph };
