/**
 * The gateway's browser apps (the explorer at `/`, the floor at `/floor`), each bundled with esbuild from its client
 * sources and the packages in node_modules. What follows was written for the explorer and holds for every app.
 *
 * Why it is built by the gateway and not committed: `npm start` and `npm test` are the only commands, so the bundle must
 * exist after `npm install` on a fresh clone. Building it on the first request for the explorer takes about 2-3 s
 * (esbuild, 2 cores), the result is kept in memory for the process and in `<DATA_DIR>/explorer/<key>/`, so later starts
 * read it back in a few milliseconds. The key hashes everything the bundle is made of (the client's sources, the
 * installed package versions from node_modules/.package-lock.json, esbuild's version and options), so a changed client or
 * an upgraded GraphiQL gets a new bundle and a stale one is never served; nothing needs a "rebuild" step, and the
 * repository carries no ~2 MB of minified third-party code that would go stale with every dependency update.
 *
 * The production image has neither the client's sources nor esbuild: `npm run build` (scripts/build.ts) writes the
 * bundle to `dist/explorer/` beside the built services, and a gateway without the sources serves that prebuilt bundle.
 *
 * Every file is same-origin: the fonts and images GraphiQL's stylesheet inlines as data: URLs are written out as files
 * of their own, so the page's Content-Security-Policy needs no `data:` source.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { Logger } from '@cmcc/platform';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Bumped when the way a bundle is made changes in a way the key does not see. */
const BUILD_FORMAT = 2;
/** Sign-in and other code the apps share, bundled into each (its files are part of every app's key). */
export const SHARED_CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/** One browser app: what it is called, where its sources are, and what else goes into its bundle. */
export interface WebApp {
  /** Names the files (`<name>-<hash>.js`), the cache folder under DATA_DIR and the prebuilt folder under dist/. */
  readonly name: string;
  /** The app's client folder; `main.ts` in it is the entry. */
  readonly clientDir: string;
  /** Virtual modules the client imports by name (files outside the gateway, e.g. shipped GeoJSON), each read from a file. */
  readonly virtualModules?: Readonly<Record<string, { readonly file: string; readonly loader: 'json' | 'text' }>>;
}

export interface Asset {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** gzip of `body`, for clients that accept it (scripts and styles). */
  readonly gzip?: Buffer;
}

export interface WebBundle {
  /** Asset names (under the assets path) of the entry script and stylesheet; names carry a content hash. */
  readonly script: string;
  readonly stylesheet: string;
  readonly assets: ReadonlyMap<string, Asset>;
  /** How the bundle was obtained (built now, read from the cache, or prebuilt by `npm run build`) and how long it took. */
  readonly source: 'built' | 'disk' | 'prebuilt';
  readonly ms: number;
}

interface Manifest {
  readonly key: string;
  readonly script: string;
  readonly stylesheet: string;
  readonly files: { name: string; contentType: string }[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};
const EXTENSIONS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(CONTENT_TYPES).map(([ext, type]) => [type.split(';')[0], ext]));

/** One build per key and process, shared by every gateway in it (tests start many). */
const inProcess = new Map<string, Promise<WebBundle>>();

/** Where `npm run build` writes an app's bundle, served when its client sources are not installed (the production image). */
export function prebuiltDir(app: WebApp): string {
  return path.join(PROJECT_ROOT, 'dist', app.name);
}

interface BundleOptions {
  readonly cacheDir: string;
  readonly assetsPath: string;
  readonly logger: Logger;
}

/**
 * The bundle for the current sources and packages: from memory, else from `cacheDir`, else built (and written there).
 * A failed build is not remembered, so the next request tries again.
 */
export function webBundle(app: WebApp, options: BundleOptions): Promise<WebBundle> {
  const sources = fs.existsSync(app.clientDir);
  const key = sources ? bundleKey(app, options.assetsPath) : prebuiltKey(options.assetsPath);
  const memoryKey = `${app.name}:${key}`;
  let bundle = inProcess.get(memoryKey);
  if (!bundle) {
    bundle = sources ? loadOrBuild(app, key, options) : loadPrebuilt(app, key);
    inProcess.set(memoryKey, bundle);
    bundle.then(
      (result) => options.logger.info({ app: app.name, source: result.source, ms: result.ms, bytes: bundleBytes(result) }, `${app.name} bundle ready`),
      (error: unknown) => {
        inProcess.delete(memoryKey);
        options.logger.error({ err: error, app: app.name }, `${app.name} bundle failed to build`);
      },
    );
  }
  return bundle;
}

function bundleBytes(bundle: WebBundle): Record<string, number> {
  const script = bundle.assets.get(bundle.script)!;
  const stylesheet = bundle.assets.get(bundle.stylesheet)!;
  return { script: script.body.length, scriptGzip: script.gzip?.length ?? 0, stylesheet: stylesheet.body.length, files: bundle.assets.size };
}

async function loadOrBuild(app: WebApp, key: string, options: BundleOptions): Promise<WebBundle> {
  const started = performance.now();
  const dir = path.join(options.cacheDir, key);
  const cached = readCache(dir, key);
  if (cached) return { ...cached, source: 'disk', ms: Math.round(performance.now() - started) };
  const built = await buildWebBundle(app, options.assetsPath);
  const bundle: WebBundle = { ...built, source: 'built', ms: Math.round(performance.now() - started) };
  try {
    writeCache(options.cacheDir, dir, key, bundle);
  } catch (error) {
    // A read-only data folder only costs the next start a rebuild.
    options.logger.warn({ err: error, dir }, `${app.name} bundle not cached on disk`);
  }
  return bundle;
}

function prebuiltKey(assetsPath: string): string {
  return `prebuilt-${BUILD_FORMAT}-${crypto.createHash('sha256').update(assetsPath).digest('hex').slice(0, 12)}`;
}

async function loadPrebuilt(app: WebApp, key: string): Promise<WebBundle> {
  const started = performance.now();
  const prebuilt = readCache(prebuiltDir(app), key);
  if (!prebuilt) {
    throw new Error(
      `this installation has no ${app.name} sources (${path.relative(PROJECT_ROOT, app.clientDir)}) and no prebuilt bundle for them in ${path.relative(PROJECT_ROOT, prebuiltDir(app))}: run \`npm run build\` where the gateway was built`,
    );
  }
  return { ...prebuilt, source: 'prebuilt', ms: Math.round(performance.now() - started) };
}

/** Builds the bundle (esbuild) and writes it to `outDir` for gateways without the client's sources (`npm run build`). */
export async function writePrebuiltBundle(app: WebApp, outDir: string, assetsPath: string): Promise<{ files: number; bytes: number }> {
  const bundle = await buildWebBundle(app, assetsPath);
  const dir = path.resolve(outDir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  writeCache(path.dirname(dir), dir, prebuiltKey(assetsPath), { ...bundle, source: 'built', ms: 0 }, { dropOthers: false });
  // Written through a private temporary folder; the image's unprivileged user must be able to read it.
  fs.chmodSync(dir, 0o755);
  return { files: bundle.assets.size, bytes: [...bundle.assets.values()].reduce((sum, asset) => sum + asset.body.length, 0) };
}

/**
 * What the bundle is made of, hashed: the app's and the shared client files, its virtual modules' files, the installed
 * packages (esbuild among them) and the options.
 */
function bundleKey(app: WebApp, assetsPath: string): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify({ BUILD_FORMAT, assetsPath, name: app.name, virtual: app.virtualModules ?? {} }));
  const files = [app.clientDir, SHARED_CLIENT_DIR].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .sort()
      .map((file) => path.join(dir, file)),
  );
  for (const file of [...files, ...Object.values(app.virtualModules ?? {}).map((module) => module.file)]) {
    hash.update(`\0${path.relative(PROJECT_ROOT, file)}\0`);
    hash.update(fs.readFileSync(file));
  }
  // npm's record of what is installed (every package and version); the root lockfile when it is missing.
  for (const lock of [path.join(PROJECT_ROOT, 'node_modules', '.package-lock.json'), path.join(PROJECT_ROOT, 'package-lock.json')]) {
    if (fs.existsSync(lock)) {
      hash.update(fs.readFileSync(lock));
      break;
    }
  }
  return hash.digest('hex').slice(0, 20);
}

/** Builds an app's bundle with esbuild; `assetsPath` prefixes the stylesheet's references to the files it writes out. */
export async function buildWebBundle(app: WebApp, assetsPath: string): Promise<Omit<WebBundle, 'source' | 'ms'>> {
  const esbuild = await import('esbuild');
  const virtual = app.virtualModules ?? {};
  const virtualModules: import('esbuild').Plugin = {
    name: 'virtual-modules',
    setup(build) {
      const names = Object.keys(virtual);
      if (names.length === 0) return;
      const filter = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'virtual' }));
      build.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({ contents: fs.readFileSync(virtual[args.path].file, 'utf8'), loader: virtual[args.path].loader }));
    },
  };
  const result = await esbuild.build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { [app.name]: path.join(app.clientDir, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'edge109', 'firefox115', 'safari16'],
    define: { 'process.env.NODE_ENV': '"production"' },
    // Licences of the bundled packages stay with the code, at the end of each file.
    legalComments: 'eof',
    charset: 'utf8',
    // Images a stylesheet refers to (Leaflet's controls) become data: URLs, written out as files below.
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.gif': 'dataurl' },
    plugins: [virtualModules],
    outdir: path.join(PROJECT_ROOT, `.${app.name}-build`),
    write: false,
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  const add = (extension: string, body: Buffer, prefix: string): string => {
    const name = `${prefix}-${crypto.createHash('sha256').update(body).digest('hex').slice(0, 12)}${extension}`;
    const compress = extension === '.js' || extension === '.css' || extension === '.svg';
    assets.set(name, { name, contentType: CONTENT_TYPES[extension], body, gzip: compress ? zlib.gzipSync(body, { level: 9 }) : undefined });
    return name;
  };
  let script = '';
  let stylesheet = '';
  for (const file of result.outputFiles) {
    if (file.path.endsWith('.js')) {
      script = add('.js', Buffer.from(file.contents), app.name);
    } else if (file.path.endsWith('.css')) {
      const css = extractDataUrls(file.text, (type, body) => `${assetsPath}${add(EXTENSIONS[type] ?? '.bin', body, 'asset')}`);
      stylesheet = add('.css', Buffer.from(css), app.name);
    }
  }
  if (!script || !stylesheet) throw new Error(`esbuild produced ${result.outputFiles.map((f) => path.basename(f.path)).join(', ')}, expected a script and a stylesheet`);
  return { script, stylesheet, assets };
}

/** Replaces every `url(data:...)` of a stylesheet by the URL `write` gives the decoded file. */
export function extractDataUrls(css: string, write: (contentType: string, body: Buffer) => string): string {
  return css.replace(/url\(\s*(["']?)data:([^,;"')]*)((?:;[^,"')]*)*),(.*?)\1\s*\)/g, (whole, _quote: string, type: string, params: string, data: string) => {
    if (!EXTENSIONS[type.toLowerCase()]) return whole;
    const body = /;base64$/i.test(params) ? Buffer.from(data, 'base64') : Buffer.from(decodeURIComponent(data), 'utf8');
    return `url(${write(type.toLowerCase(), body)})`;
  });
}

function readCache(dir: string, key: string): Omit<WebBundle, 'source' | 'ms'> | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.key !== key) return undefined;
    const assets = new Map<string, Asset>();
    for (const { name, contentType } of manifest.files) {
      const body = fs.readFileSync(path.join(dir, name));
      const gzipFile = path.join(dir, `${name}.gz`);
      assets.set(name, { name, contentType, body, gzip: fs.existsSync(gzipFile) ? fs.readFileSync(gzipFile) : undefined });
    }
    if (!assets.has(manifest.script) || !assets.has(manifest.stylesheet)) return undefined;
    return { script: manifest.script, stylesheet: manifest.stylesheet, assets };
  } catch {
    return undefined;
  }
}

/** Writes the bundle to `dir` (through a temporary folder, so a reader never sees half of it) and drops older bundles. */
function writeCache(cacheDir: string, dir: string, key: string, bundle: WebBundle, options = { dropOthers: true }): void {
  fs.mkdirSync(cacheDir, { recursive: true });
  const temporary = fs.mkdtempSync(path.join(cacheDir, '.tmp-'));
  for (const asset of bundle.assets.values()) {
    fs.writeFileSync(path.join(temporary, asset.name), asset.body);
    if (asset.gzip) fs.writeFileSync(path.join(temporary, `${asset.name}.gz`), asset.gzip);
  }
  const manifest: Manifest = {
    key,
    script: bundle.script,
    stylesheet: bundle.stylesheet,
    files: [...bundle.assets.values()].map(({ name, contentType }) => ({ name, contentType })),
  };
  fs.writeFileSync(path.join(temporary, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(temporary, dir);
  if (!options.dropOthers) return;
  for (const entry of fs.readdirSync(cacheDir)) {
    if (entry !== key && !entry.startsWith('.tmp-')) fs.rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
  }
}
