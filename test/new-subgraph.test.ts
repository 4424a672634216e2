import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { planSubgraph, ScaffoldError, writePlan } from '../scripts/scaffold/generate.ts';
import { sharedTypeNames } from '@cmcc/contracts';

/**
 * `npm run new-subgraph` against a temporary copy of the project (its lists copied, the kit, the other subgraphs and
 * node_modules linked), so the real tree never holds a test subgraph: the generated subgraph is registered everywhere,
 * composes with the real subgraphs, and its own generated tests pass as generated.
 */

const NAME = 'logistics-cell';
const COPIED = [
  'package.json',
  'schema/subgraphs.json',
  'schema/supergraph.graphql',
  '.github/CODEOWNERS',
  'docker-compose.yml',
  'Dockerfile',
  'deploy/kubernetes/base/kustomization.yaml',
  'deploy/kubernetes/base/gateway.yaml',
  'deploy/kubernetes/overlays/dev/one-replica.yaml',
];
let root: string;

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-scaffold-'));
  // The whole Kubernetes tree, so the copy renders with kubectl as the real one does.
  fs.cpSync(path.join(PROJECT_ROOT, 'deploy', 'kubernetes'), path.join(dir, 'deploy', 'kubernetes'), { recursive: true });
  for (const file of COPIED) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
  }
  const link = (relative: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, relative), path.join(dir, relative), 'dir');
  };
  link('node_modules');
  link('test/support');
  link('packages');
  link('governance');
  for (const entry of loadSubgraphList()) link(path.join('subgraphs', entry.name));
  return dir;
}

const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const snapshot = () => Object.fromEntries(COPIED.map((file) => [file, read(file)]));

beforeAll(() => {
  root = copyProject();
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('new-subgraph refuses what it cannot create, and writes nothing then', () => {
  it.each([
    ['a name that is not kebab-case', { name: 'Logistics_Cell' }, /kebab-case/],
    ['a name taken by a subgraph', { name: 'security' }, /exists already/],
    ['a platform folder', { name: 'kit' }, /reserved/],
    ['a port another subgraph uses', { name: NAME, port: 4003 }, /Port 4003 is taken by the security subgraph/],
    ['the gateway port', { name: NAME, port: 4000 }, /gateway's/],
    ['a port that is not a number', { name: NAME, port: '40x6' }, /whole number from 1024 to 65535; got "40x6"/],
    ['an owner that is not a GitHub team or user', { name: NAME, owner: 'logistics' }, /--owner must be a GitHub team/],
    ['an entity that is not a type name', { name: NAME, entity: 'force-contribution' }, /PascalCase/],
    ['an entity type another subgraph owns', { name: NAME, entity: 'Facility' }, /does not compose/],
  ])('%s', (_case, options, problem) => {
    const before = snapshot();
    let error: unknown;
    try {
      planSubgraph({ ...options, root });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScaffoldError);
    expect((error as ScaffoldError).problems.join('\n')).toMatch(problem);
    expect(snapshot()).toEqual(before);
    expect(fs.existsSync(path.join(root, 'subgraphs', options.name, 'schema.graphql'))).toBe(fs.existsSync(path.join(PROJECT_ROOT, 'subgraphs', options.name, 'schema.graphql')));
  });

  it('the command exits 2 with the problem for a bad name, and --dry-run lists the files and writes nothing', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'new-subgraph.ts'), ...args, '--root', root], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const bad = run('Bad Name');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('must be kebab-case');
    const before = snapshot();
    const dry = run(NAME, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(path.join('subgraphs', NAME, 'schema.graphql'));
    expect(dry.stdout).toContain('Nothing was written');
    expect(snapshot()).toEqual(before);
    expect(fs.existsSync(path.join(root, 'subgraphs', NAME))).toBe(false);
  });
});

describe('new-subgraph creates a working subgraph', () => {
  let port: number;
  beforeAll(() => {
    port = Math.max(...loadSubgraphList(path.join(root, 'schema', 'subgraphs.json')).map((e) => e.port)) + 1;
    writePlan(planSubgraph({ name: NAME, owner: '@cmcc/logistics-wg', root }));
  });

  it('registers it on the next free port in subgraphs.json, CODEOWNERS, docker-compose.yml and the Dockerfile', () => {
    const entries = loadSubgraphList(path.join(root, 'schema', 'subgraphs.json'));
    expect(entries.at(-1)).toEqual({ name: NAME, schema: `subgraphs/${NAME}/schema.graphql`, port, routingUrl: `http://localhost:${port}/graphql` });
    expect(entries.slice(0, -1)).toEqual(loadSubgraphList());
    expect(read('.github/CODEOWNERS')).toMatch(new RegExp(`^/subgraphs/${NAME}/ +@cmcc/logistics-wg$`, 'm'));
    const compose = parseYaml(read('docker-compose.yml'), { merge: true });
    expect(compose.services[NAME]).toMatchObject({ command: [`dist/subgraphs/${NAME}.js`], environment: { PORT: String(port) } });
    expect(compose.services[NAME].healthcheck.test.join(' ')).toContain(`127.0.0.1:${port}/ready`);
    expect(compose.services[NAME].environment.DATABASE_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    for (const gateway of ['gateway-1', 'gateway-2']) {
      expect(compose.services[gateway].environment.SUBGRAPH_LOGISTICS_CELL_URL).toBe(`http://${NAME}:${port}/graphql`);
      expect(compose.services[gateway].depends_on[NAME].condition).toBe('service_healthy');
    }
    // The comments of the hand-written compose file survive the edit.
    expect(read('docker-compose.yml')).toContain('# A small deployment of the whole stack on one Docker host');
    // The image's `npm ci` needs every workspace's manifest: the new one is copied after the other subgraphs'.
    expect(read('Dockerfile')).toMatch(new RegExp(`^COPY subgraphs/security/package\\.json subgraphs/security/\nCOPY subgraphs/${NAME}/package\\.json subgraphs/${NAME}/$`, 'm'));
    // ...and its port is exposed with the others.
    expect(read('Dockerfile')).toMatch(new RegExp(`^EXPOSE 4000 .*\\b${port}$`, 'm'));
  });

  it('adds its Kubernetes objects (Deployment, Service, disruption budget, gateway-only ingress) and its URL to the gateway, and the overlays render', (context) => {
    const manifest = parseAllDocuments(read(`deploy/kubernetes/base/subgraphs/${NAME}.yaml`)).map((document) => document.toJS());
    expect(manifest.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      `Deployment/${NAME}`,
      `Service/${NAME}`,
      `PodDisruptionBudget/${NAME}`,
      `NetworkPolicy/${NAME}-from-gateway`,
    ]);
    const [deployment, service, , policy] = manifest;
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ name: NAME, args: [`dist/subgraphs/${NAME}.js`], ports: [{ name: 'http', containerPort: port }] });
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }], ports: [{ protocol: 'TCP', port }] }]);
    expect(read('deploy/kubernetes/base/kustomization.yaml')).toMatch(new RegExp(`^ {2}- subgraphs/${NAME}\\.yaml$`, 'm'));
    expect(read('deploy/kubernetes/base/gateway.yaml')).toContain(`- { name: SUBGRAPH_LOGISTICS_CELL_URL, value: "http://${NAME}:${port}/graphql" }`);
    const kubectl = spawnSync(process.env.KUBECTL || 'kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.status !== 0) {
      if (process.env.REQUIRE_SERVICES === '1') throw new Error('REQUIRE_SERVICES=1 but kubectl is not installed');
      return context.skip();
    }
    for (const [overlay, replicas] of [
      ['dev', 1],
      ['production', 2],
    ] as const) {
      const rendered = spawnSync(process.env.KUBECTL || 'kubectl', ['kustomize', path.join(root, 'deploy', 'kubernetes', 'overlays', overlay)], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(rendered.status, rendered.stderr).toBe(0);
      const objects = parseAllDocuments(rendered.stdout).map((document) => document.toJS());
      const ours = objects.find((object) => object?.kind === 'Deployment' && object.metadata.name === NAME);
      expect(ours?.spec.replicas, overlay).toBe(replicas);
    }
  });

  it('recomposes the supergraph with the real subgraphs and the new one', () => {
    const supergraph = read('schema/supergraph.graphql');
    expect(supergraph).toContain(`LOGISTICS_CELL @join__graph(name: "${NAME}", url: "http://localhost:${port}/graphql")`);
    expect(supergraph).toMatch(/type LogisticsCellRecord\b/);
    for (const entry of loadSubgraphList()) expect(supergraph).toContain(`@join__graph(name: "${entry.name}"`);
  });

  it('renders every placeholder: no trace of the template is left, and the README carries the schema guide', () => {
    const folder = path.join(root, 'subgraphs', NAME);
    const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name)).toContain(`${NAME}.test.ts`);
    for (const file of files) {
      const text = fs.readFileSync(path.join(file.parentPath, file.name), 'utf8');
      expect(text, file.name).not.toMatch(/sample.group|SampleGroup|SGR-|4999/i);
      // Imports of the kit as the template writes them (one folder deeper) would not resolve from here.
      expect(text, file.name).not.toMatch(/from '(\.\.\/)+src\/index\.ts'/);
    }
    const readme = read(`subgraphs/${NAME}/README.md`);
    expect(readme).toContain('## Changing your schema');
    expect(readme).toContain(`npm run schema -- check ${NAME}`);
  });

  it('writes only its own types into schema.graphql and leaves the shared vocabulary to the kit', () => {
    const sdl = read(`subgraphs/${NAME}/schema.graphql`);
    const own = parse(sdl).definitions.flatMap((definition) => ('name' in definition && definition.name ? [definition.name.value] : []));
    expect(own).toContain('LogisticsCellRecord');
    expect(own.filter((name) => sharedTypeNames().includes(name))).toEqual([]);
    expect(sdl).not.toContain('Shared vocabulary');
  });

  it('passes its own generated tests as generated (batching, releasability, seed, writes)', () => {
    const report = path.join(root, 'vitest-report.json');
    const run = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        `subgraphs/${NAME}/`,
        '--reporter=json',
        `--outputFile=${report}`,
        '--testTimeout=60000',
        '--hookTimeout=120000',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const results = JSON.parse(fs.readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; testResults: { name: string }[] };
    expect(results.numFailedTests).toBe(0);
    expect(results.numPassedTests).toBeGreaterThanOrEqual(9);
    expect(results.testResults.map((r) => path.basename(r.name))).toEqual([`${NAME}.test.ts`]);
  });
});
