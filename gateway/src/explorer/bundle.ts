/** The explorer's bundle: GraphiQL, React and the client in `client/` (how apps are bundled: ../web/bundle.ts). */
import { fileURLToPath } from 'node:url';
import type { Logger } from '@cmcc/platform';
import { webBundle, writePrebuiltBundle as writeAppBundle, type WebApp, type WebBundle } from '../web/bundle.ts';

export { extractDataUrls, type Asset } from '../web/bundle.ts';
export type ExplorerBundle = WebBundle;

export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));
export const EXPLORER_APP: WebApp = Object.freeze({ name: 'explorer', clientDir: CLIENT_DIR });

export function explorerBundle(options: { cacheDir: string; assetsPath: string; logger: Logger }): Promise<ExplorerBundle> {
  return webBundle(EXPLORER_APP, options);
}

/** Builds the bundle (esbuild) and writes it to `outDir` for gateways without the client's sources (`npm run build`). */
export function writePrebuiltBundle(outDir: string, assetsPath: string): Promise<{ files: number; bytes: number }> {
  return writeAppBundle(EXPLORER_APP, outDir, assetsPath);
}
