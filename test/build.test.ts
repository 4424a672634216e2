import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { runToEnd } from '@cmcc/test-support/process';

// No Docker engine runs here: the image's two stages are played out in a temporary folder instead. The build stage is
// `npm run build -- --out <dir>` (with every development dependency at hand); the runtime stage is that folder with the
// node_modules `npm ci --omit=dev` installs, read from the lockfile (every package not marked `dev`), and the services
// started with plain `node dist/...`: no tsx loader, no esbuild, no TypeScript sources.

interface LockEntry {
  dev?: boolean;
  link?: boolean;
}

const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
/** Top-level packages `npm ci --omit=dev` installs (workspace links aside: the bundles carry the workspace code). */
const productionPackages = Object.entries(lock.packages)
  .filter(([key, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) && !entry.dev && !entry.link)
  .map(([key]) => key.slice('node_modules/'.length));

/** Every `dependencies` entry of the root and of each workspace package the image installs. */
function declaredProductionDependencies(): Set<string> {
  const manifests = [
    'package.json',
    ...['packages', 'subgraphs'].flatMap((dir) => fs.readdirSync(path.join(PROJECT_ROOT, dir)).map((name) => `${dir}/${name}/package.json`)),
    'gateway/package.json',
    'governance/package.json',
  ];
  const declared = new Set<string>();
  for (const manifest of manifests) {
    const file = path.join(PROJECT_ROOT, manifest);
    if (!fs.existsSync(file)) continue;
    for (const name of Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {})) declared.add(name);
  }
  return declared;
}

let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-build-'));
  const build = await runToEnd(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', out], { cwd: PROJECT_ROOT, env: process.env });
  expect(build.code, build.stderr).toBe(0);
  // The runtime stage's node_modules: the production packages only.
  for (const name of productionPackages) {
    const installed = path.join(PROJECT_ROOT, 'node_modules', name);
    if (!fs.existsSync(installed)) continue; // an optional package for another platform
    fs.mkdirSync(path.dirname(path.join(out, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(fs.realpathSync(installed), path.join(out, 'node_modules', name), 'dir');
  }
}, 180_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

interface Service {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts `node <bundle>` in the output folder as the image would, and resolves with its URL once it logs `listening`. */
function start(bundle: string, env: Record<string, string>, listening: string): Promise<Service> {
  const { NODE_OPTIONS: _options, ...inherited } = process.env;
  const child = spawn(process.execPath, [bundle], {
    cwd: out,
    env: { ...inherited, NODE_ENV: 'production', DATA_DIR: path.join(out, 'data'), LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { msg: line };
        }
        logs.push(entry);
        if (entry.msg === listening) resolve({ child, url: String(entry.url).replace(/\/graphql$/, ''), logs, exited });
      }
    });
    void exited.then((code) => reject(new Error(`${bundle} exited with ${code} before listening: ${stderr}`)));
  });
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
}

describe('the production build (npm run build), as the image runs it', () => {
  it('bundles the workspace packages in, and imports only npm packages declared as production dependencies: never tsx, and esbuild only where the explorer is built on demand', () => {
    const imports = JSON.parse(fs.readFileSync(path.join(out, 'dist', 'imports.json'), 'utf8')) as { static: string[]; dynamicOnly: string[] };
    const declared = declaredProductionDependencies();
    expect(imports.static.filter((name) => !declared.has(name))).toEqual([]);
    expect(imports.static.filter((name) => !productionPackages.includes(name))).toEqual([]);
    expect(imports.static).not.toContain('tsx');
    expect(imports.static).not.toContain('esbuild');
    expect(imports.dynamicOnly).toEqual(['esbuild']);
    expect(productionPackages).not.toContain('tsx');
    expect(productionPackages).not.toContain('esbuild');
    for (const bundle of ['gateway.js', 'subgraphs/security.js', 'scripts/schema.js']) {
      expect(fs.readFileSync(path.join(out, 'dist', bundle), 'utf8')).not.toMatch(/from\s*["']@cmcc\//);
    }
    // What the services read at run time sits at its repository path.
    for (const file of [
      'packages/contracts/sdl/shared.graphql',
      'packages/subgraph-kit/migrations/001_write_support.sql',
      'packages/subgraph-kit/geography/governorates.geojson',
      'packages/subgraph-kit/geography/yellow-line.geojson',
      'subgraphs/security/schema.graphql',
      'subgraphs/security/src/data/migrations/001_init.sql',
      'schema/supergraph.graphql',
    ]) {
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(out, 'gateway', 'src'))).toBe(false);
  });

  it(
    'starts a built subgraph and the built gateway with plain node, both answer /health, and the explorer and the floor are served from their prebuilt bundles',
    { timeout: 120_000 },
    async () => {
      let subgraph: Service | undefined;
      let gateway: Service | undefined;
      try {
        subgraph = await start('dist/subgraphs/security.js', { PORT: '0' }, 'subgraph listening');
        expect(subgraph.logs.find((entry) => entry.msg === 'database ready')?.migrationsApplied).toContain('kit/001_write_support');
        const subgraphHealth = await fetch(`${subgraph.url}/health`);
        expect(subgraphHealth.status).toBe(200);

        gateway = await start('dist/gateway.js', { GATEWAY_PORT: '0', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true', SUBGRAPH_SECURITY_URL: `${subgraph.url}/graphql` }, 'gateway listening');
        const health = await fetch(`${gateway.url}/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ status: 'ok', service: 'gateway' });

        const page = await (await fetch(`${gateway.url}/`)).text();
        const script = /<script type="module" src="([^"]+)"/.exec(page)?.[1];
        expect(script).toMatch(/^\/explorer\/assets\/explorer-[0-9a-f]+\.js$/);
        const asset = await fetch(`${gateway.url}${script}`);
        expect(asset.status).toBe(200);
        expect(asset.headers.get('content-type')).toContain('text/javascript');
        const logs = gateway.logs;
        await vi.waitFor(() => expect(logs.find((entry) => entry.msg === 'explorer bundle ready')?.source).toBe('prebuilt'));

        // The floor dashboard, likewise from dist/floor/.
        const floor = await (await fetch(`${gateway.url}/floor`)).text();
        const floorScript = /<script type="module" src="([^"]+)"/.exec(floor)?.[1];
        expect(floorScript).toMatch(/^\/floor\/assets\/floor-[0-9a-f]+\.js$/);
        expect((await fetch(`${gateway.url}${floorScript}`)).status).toBe(200);
        await vi.waitFor(() => expect(logs.find((entry) => entry.msg === 'floor bundle ready')?.source).toBe('prebuilt'));
      } finally {
        await stop(gateway);
        await stop(subgraph);
      }
    },
  );
});
