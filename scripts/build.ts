// `npm run build [-- --out <dir>]`: what the production image runs, built from the TypeScript sources so that it needs
// neither tsx nor esbuild at run time.
//
// - Each service entry point (gateway/src/index.ts, subgraphs/<group>/src/index.ts) and the command-line tools an
//   operator runs inside a container (schema, token, apikey, audit-verify, audit-export) is bundled with esbuild into
//   `<out>/dist/<name>.js`: the workspace packages (@cmcc/*) inside it, npm packages left as imports of node_modules.
// - The files they read at run time keep their repository paths under `<out>`: the shared SDL, the SQL migrations, the
//   kit's geography (governorate polygons, the Yellow Line), each
//   group's schema.graphql, and schema/ (the supergraph, subgraphs.json, saved operations). Each bundled module's
//   `import.meta.url` is rewritten to its source file's place under `<out>`, so every path relative to it still holds.
// - The explorer's bundle (GraphiQL and its client) is prebuilt into `<out>/dist/explorer/`, the floor dashboard's into
//   `<out>/dist/floor/`; a gateway without the clients' sources serves them.
// `<out>` defaults to the repository itself (only dist/ is written). The image builds into a folder of its own, copies
// it to /app beside `npm ci --omit=dev`'s node_modules and runs `node dist/gateway.js` (or dist/subgraphs/<group>.js).
// Exit code: 0 built, 1 failed, 2 bad usage.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { writePrebuiltBundle } from '@cmcc/gateway/explorer/bundle';
import { EXPLORER_PATHS } from '@cmcc/gateway/explorer/index';
import { writePrebuiltFloor } from '@cmcc/gateway/floor/index';
import { parseCli } from '@cmcc/platform';

const { values } = parseCli({
  usage: `Usage: npm run build [-- --out <dir>]   bundles the services and tools into <dir>/dist with the files they read (default: the repository)`,
  options: { out: { type: 'string' } } as const,
});

/** Entry points: the output name under dist/ and the source, relative to the repository. */
function entryPoints(): { name: string; source: string }[] {
  const subgraphs = fs
    .readdirSync(path.join(PROJECT_ROOT, 'subgraphs'))
    .filter((group) => fs.existsSync(path.join(PROJECT_ROOT, 'subgraphs', group, 'src', 'index.ts')))
    .sort();
  return [
    { name: 'gateway', source: 'gateway/src/index.ts' },
    ...subgraphs.map((group) => ({ name: `subgraphs/${group}`, source: `subgraphs/${group}/src/index.ts` })),
    ...['schema', 'token', 'apikey', 'audit-verify', 'audit-export'].map((tool) => ({ name: `scripts/${tool}`, source: `scripts/${tool}.ts` })),
  ];
}

/** Files and folders read at run time, relative to the repository (each keeps its path under the output folder). */
function runtimeFiles(): string[] {
  const groups = fs.readdirSync(path.join(PROJECT_ROOT, 'subgraphs')).filter((group) => fs.existsSync(path.join(PROJECT_ROOT, 'subgraphs', group, 'schema.graphql')));
  return [
    'package.json',
    'schema',
    'packages/contracts/sdl',
    'packages/subgraph-kit/migrations',
    'packages/subgraph-kit/geography',
    ...groups.flatMap((group) => [`subgraphs/${group}/schema.graphql`, `subgraphs/${group}/src/data/migrations`]),
  ];
}

/**
 * esbuild plugin: workspace packages are bundled, every other bare import stays an import of node_modules, and each
 * bundled source file's `import.meta.url` becomes the URL of that file's place under the output folder.
 */
function layoutPlugin(bundleDir: string, outRoot: string, imported: Imports): esbuild.Plugin {
  return {
    name: 'cmcc-layout',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@cmcc/')) return undefined;
        if (!args.path.startsWith('node:')) (args.kind === 'dynamic-import' ? imported.dynamic : imported.static).add(packageName(args.path));
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const relative = path.relative(PROJECT_ROOT, args.path);
        if (relative.startsWith('..') || relative.split(path.sep).includes('node_modules')) return undefined;
        const source = fs.readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const url = path.relative(bundleDir, path.join(outRoot, relative)).split(path.sep).join('/');
        return { contents: source.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(url)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/** npm packages the bundles import: `static` ones load with the bundle; `dynamic` ones only on the path that imports them. */
interface Imports {
  static: Set<string>;
  dynamic: Set<string>;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

async function main(): Promise<void> {
  const outRoot = path.resolve(values.out ?? PROJECT_ROOT);
  const dist = path.join(outRoot, 'dist');
  const started = performance.now();
  fs.rmSync(dist, { recursive: true, force: true });
  const imported: Imports = { static: new Set(), dynamic: new Set() };
  await Promise.all(
    entryPoints().map(async (entry) => {
      const outfile = path.join(dist, `${entry.name}.js`);
      await esbuild.build({
        absWorkingDir: PROJECT_ROOT,
        entryPoints: [path.join(PROJECT_ROOT, entry.source)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: 'linked',
        // Licences of bundled code stay with it; the packages under node_modules keep their own.
        legalComments: 'eof',
        logLevel: 'warning',
        plugins: [layoutPlugin(path.dirname(outfile), outRoot, imported)],
      });
    }),
  );
  if (outRoot !== PROJECT_ROOT) {
    for (const file of runtimeFiles()) {
      const from = path.join(PROJECT_ROOT, file);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(outRoot, file), { recursive: true });
    }
  }
  const explorer = await writePrebuiltBundle(path.join(dist, 'explorer'), EXPLORER_PATHS.assets);
  const floor = await writePrebuiltFloor(path.join(dist, 'floor'));
  // The npm packages the bundles import: each static one must be a production dependency (the image installs no other);
  // a dynamic one only where it is reached (esbuild: the explorer built on demand where its sources are, in development).
  const dynamicOnly = [...imported.dynamic].filter((name) => !imported.static.has(name)).sort();
  fs.writeFileSync(path.join(dist, 'imports.json'), `${JSON.stringify({ static: [...imported.static].sort(), dynamicOnly }, null, 2)}\n`);
  console.log(
    `Built ${entryPoints().length} bundles the explorer (${explorer.files} files, ${Math.round(explorer.bytes / 1024)} KiB) and the floor (${floor.files} files, ${Math.round(floor.bytes / 1024)} KiB) into ${path.relative(process.cwd(), dist) || '.'} in ${Math.round(performance.now() - started)} ms; they import ${imported.static.size} npm packages (dist/imports.json).`,
  );
}

try {
  await main();
} catch (error) {
  console.error(`Build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
