/**
 * The explorer's bundle: GraphiQL, React and the client in `client/` (the query editor and the audit view), with the
 * saved operations the audit view sends (how apps are bundled: ../web/bundle.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@cmcc/platform';
import { webBundle, writePrebuiltBundle as writeAppBundle, type WebApp, type WebBundle } from '../web/bundle.ts';

export { extractDataUrls, type Asset } from '../web/bundle.ts';
export type ExplorerBundle = WebBundle;

export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));
const OPERATIONS = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));

/**
 * The audit view sends saved operations only, bundled as they are: where the gateway runs the safelist
 * (GATEWAY_OPERATIONS_SAFELIST=true, production), they are what it lets through.
 */
export const AUDIT_VIEW_OPERATIONS = Object.freeze(['AuditTimeline', 'AuditChainStatus', 'AuditEventFilterFields'] as const);

export const EXPLORER_APP: WebApp = Object.freeze({
  name: 'explorer',
  clientDir: CLIENT_DIR,
  virtualModules: Object.freeze(
    Object.fromEntries(AUDIT_VIEW_OPERATIONS.map((name) => [`explorer:${name}`, { file: path.join(OPERATIONS, `${name}.graphql`), loader: 'text' as const }])),
  ),
});

export function explorerBundle(options: { cacheDir: string; assetsPath: string; logger: Logger }): Promise<ExplorerBundle> {
  return webBundle(EXPLORER_APP, options);
}

/** Builds the bundle (esbuild) and writes it to `outDir` for gateways without the client's sources (`npm run build`). */
export function writePrebuiltBundle(outDir: string, assetsPath: string): Promise<{ files: number; bytes: number }> {
  return writeAppBundle(EXPLORER_APP, outDir, assetsPath);
}
